/**
 * The guards and the held queue on a window, without the release code: what the boot
 * (`dist/consentgate.js`) runs. `installBlocking` (index.ts: npm build, tests) adds the releaser at
 * once; the script tag's app hands the boot's handle its releaser (`attachRelease`) with the policy.
 */
import type { ServiceCatalog } from './catalog';
import { installGuards, nativesOf } from './guards';
import { createHeldQueue, type BlockedRequest, type BlockingListener, type BlockingPolicy, type HeldItem } from './held-queue';
import { blockingFailed, type Verdict } from './markup-gate';
import type { Releaser } from './release';

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
  /**
   * The release code (`createReleaser()`, release.ts); the first one attached stays. Until then
   * nothing is released, whatever the policy allows; re-evaluates at once.
   */
  attachRelease(releaser: Releaser): void;
  /** The catalog with the config's services; re-evaluates at once. */
  setCatalog(catalog: ServiceCatalog): void;
  /** Releases everything the policy now allows: once each, in the order it was held. */
  reevaluate(): void;
  /** `held`, `released` and `blocked` events; a new listener first gets `held` for what is held. Returns an unsubscribe. */
  onEvent(listener: BlockingListener): () => void;
  /** What is held now, in order. */
  held(): HeldItem[];
  /** The last requests stopped without an element (fetch, XHR, beacon, connections, workers), oldest first. */
  blocked(): BlockedRequest[];
  /** Categories and services released or let through on this page (since the releaser was attached). */
  released(): Verdict[];
  /** Restores every native method and stops observing; what is held stays held. */
  uninstall(): void;
}

// One handle per window, whatever bundles install it (boot twice, boot + npm build).
const INSTALLED = Symbol.for('consentgate.blocking');

/**
 * Installs the guards on the window (once: a second call returns the first handle) with a
 * fail-closed policy: until `setPolicy`, only the `necessary` category may run, and nothing is
 * released before `attachRelease`.
 */
export function installGuardedWindow(options: BlockingOptions): Blocking {
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
    attachRelease: safe((releaser: Releaser) => {
      q._releaser ??= releaser;
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
    released: safe(() => q._releaser?.released() ?? [], []),
    uninstall() {
      restore();
      delete slot[INSTALLED];
    },
  };
  slot[INSTALLED] = handle;
  return handle;
}
