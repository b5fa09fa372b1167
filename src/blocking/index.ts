/**
 * Blocking: no tracker loads, runs, sets a cookie or sends a request before its category is
 * granted. The guards install synchronously, before the page's own tags (`install.ts`: all the
 * script tag's boot carries); the app later sets the real policy (`connectBlocking`), and the
 * releaser (`release.ts`, never in the boot) releases everything the visitor granted.
 */
import { installGuardedWindow, type Blocking, type BlockingOptions } from './install';
import { createReleaser } from './release';

export { createServiceCatalog } from './catalog';
export type { CatalogService, RegistryService, ServiceCatalog, ServiceCatalogOptions, ServiceRegistry } from './catalog';
export { cleanup } from './cleanup';
export type { CleanupOptions } from './cleanup';
export { connectBlocking } from './connect';
export { installBlockingForConfig } from './install-for-config';
export type { ConnectBlockingOptions } from './connect';
export type { BlockedRequest, BlockingEvent, BlockingListener, BlockingPolicy, HeldItem, RequestPath } from './held-queue';
export type { Blocking, BlockingOptions } from './install';
export type { Verdict } from './markup-gate';
export { createReleaser, type Releaser } from './release';
export { siteOf } from './url-pattern';

/**
 * Installs the guards on the window (once: a second call returns the first handle) with a
 * fail-closed policy: until `setPolicy`, only the `necessary` category runs. The releaser comes
 * with it (a handle the boot installed gets one here too).
 */
export function installBlocking(options: BlockingOptions): Blocking {
  const handle = installGuardedWindow(options);
  handle.attachRelease(createReleaser());
  return handle;
}
