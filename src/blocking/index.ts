/**
 * Blocking: no tracker loads, runs, sets a cookie or sends a request before its category is
 * granted. `installBlocking` runs synchronously in the boot, before the page's own tags; the app
 * later sets the real policy (`connectBlocking`) and everything the visitor granted is released.
 */
import type { ServiceCatalog } from './catalog';
import { installGuards, nativesOf } from './guards';
import { createHeldQueue, type BlockedRequest, type BlockingListener, type BlockingPolicy, type HeldItem } from './held-queue';
import { blockingFailed, type Verdict } from './markup-gate';

export { createServiceCatalog } from './catalog';
export type { CatalogService, RegistryService, ServiceCatalog, ServiceCatalogOptions, ServiceRegistry } from './catalog';
export { cleanup } from './cleanup';
export type { CleanupOptions } from './cleanup';
export { connectBlocking } from './connect';
export { installBlockingForConfig } from './install-for-config';
export type { ConnectBlockingOptions } from './connect';
export type { BlockedRequest, BlockingEvent, BlockingListener, BlockingPolicy, HeldItem, RequestPath } from './held-queue';
export type { Verdict } from './markup-gate';
export { siteOf } from './url-pattern';

export interface BlockingOptions {
  catalog: ServiceCatalog;
  /** Third-party hosts that match no service: held forever with `block` (list one as a service in a category to allow it). @default 'allow' */
  unknownThirdParty?: 'allow' | 'block';
  /** Log every hold, release and block. @default false */
  debug?: boolean;
  /** The window to guard. @default the global window */
  window?: Window;
}

/**
 * The handle `installBlocking` returns. Cleanup after a withdrawal is not on it: it is
 * `connectBlocking`'s (app side), so its code stays out of the boot file every visitor runs first.
 */
export interface Blocking {
  /** Who decides from now on; re-evaluates at once. Until called: only `necessary`. */
  setPolicy(policy: BlockingPolicy): void;
  /** The catalog with the config's services; re-evaluates at once. */
  setCatalog(catalog: ServiceCatalog): void;
  /** Releases everything the policy now allows: once each, in the order it was held. */
  reevaluate(): void;
  /** `held`, `released` and `blocked` events; a new listener first gets `held` for what is held. Returns an unsubscribe. */
  onEvent(listener: BlockingListener): () => void;
  /** What is held now, in order. */
  held(): HeldItem[];
  /** The last requests stopped without an element (fetch, XHR, beacon), oldest first. */
  blocked(): BlockedRequest[];
  /** Categories and services released or let through on this page. */
  released(): Verdict[];
  /** Restores every native method and stops observing; what is held stays held. */
  uninstall(): void;
}

// One handle per window, whatever bundles install it (boot twice, boot + npm build).
const INSTALLED = Symbol.for('consentgate.blocking');

/**
 * Installs the guards on the window (once: a second call returns the first handle) with a
 * fail-closed policy: until `setPolicy`, only the `necessary` category runs.
 */
export function installBlocking(options: BlockingOptions): Blocking {
  const win = options.window ?? window;
  const slot = win as unknown as Record<symbol, Blocking | undefined>;
  const existing = slot[INSTALLED];
  if (existing) return existing;
  const natives = nativesOf(win);
  const q = createHeldQueue({ ...options, document: win.document, natives });
  let restore = () => {};
  try {
    restore = installGuards(win, q, natives);
  } catch (error) {
    blockingFailed(error);
  }
  const safe =
    <A extends unknown[], R>(fn: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (error) {
        blockingFailed(error);
        return fallback;
      }
    };
  const handle: Blocking = {
    setPolicy: safe((policy: BlockingPolicy) => {
      q._policy = policy;
      // Held before the policy came (the boot, while the app loaded) on a page that is sensitive.
      q._dropRestricted();
      q.reevaluate();
    }, undefined),
    setCatalog: safe((catalog: ServiceCatalog) => {
      q._catalog = catalog;
      q.reevaluate();
    }, undefined),
    reevaluate: safe(q.reevaluate, undefined),
    onEvent: safe(q.onEvent, () => {}),
    held: safe(q.held, []),
    blocked: safe(q.blocked, []),
    released: safe(q.released, []),
    uninstall() {
      restore();
      delete slot[INSTALLED];
    },
  };
  slot[INSTALLED] = handle;
  return handle;
}
