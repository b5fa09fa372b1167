/**
 * Blocking: no tracker loads, runs, sets a cookie or sends a request before its category is
 * granted. `installBlocking` runs synchronously in the boot, before the page's own tags; the app
 * later sets the real policy (`connectBlocking`) and everything the visitor granted is released.
 */
import { logError } from '../log';
import type { ServiceCatalog } from './catalog';
import { cleanup, type CleanupOptions } from './cleanup';
import { installGuards, nativesOf } from './guards';
import { createHeldQueue, type BlockedRequest, type BlockingListener, type BlockingPolicy, type HeldItem } from './held-queue';
import type { Verdict } from './markup-gate';

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
  /** The consent cookie, which `cleanup` never deletes. @default 'consentgate' */
  consentCookie?: string;
}

/** The handle `installBlocking` returns. */
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
  /** Deletes the cookies and storage keys the services of `categories` set. Returns what was deleted. */
  cleanup(categories: readonly string[], options?: Omit<CleanupOptions, 'window'>): string[];
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
    logError('Installing the blocking guards failed.', error);
  }
  const safe =
    <A extends unknown[], R>(fn: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (error) {
        logError('Blocking failed.', error);
        return fallback;
      }
    };
  const handle: Blocking = {
    setPolicy: safe((policy: BlockingPolicy) => {
      q._policy = policy;
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
    cleanup: safe(
      (categories: readonly string[], more?: Omit<CleanupOptions, 'window'>) =>
        cleanup(q._catalog, categories, { keep: [options.consentCookie ?? 'consentgate'], ...more, window: win }),
      [],
    ),
    uninstall() {
      restore();
      delete slot[INSTALLED];
    },
  };
  slot[INSTALLED] = handle;
  return handle;
}
