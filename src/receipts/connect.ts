import type { ResolvedConfig } from '../config';
import type { ConsentManager } from '../consent';
import { logError } from '../log';
import { buildReceipt } from './receipt';
import { createReceiptQueue, type ReceiptQueue, type ReceiptStorage } from './queue';

export interface ReceiptsContext {
  /** Language the visitor sees the texts in (the UI's); asked at each decision. */
  language: () => string;
  window?: Window;
}

/** Reading `localStorage` throws where storage is blocked; a storage that throws later is handled by the queue. */
function localStorageOf(win: Window): ReceiptStorage | null {
  try {
    return win.localStorage;
  } catch {
    return null;
  }
}

/**
 * Sends a receipt of every decision and withdrawal made on this page to `receipts.endpoint`, and
 * retries what earlier page views left unsent. A change synced from another tab is that tab's to
 * send. Returns null when the config has no `receipts`.
 */
export interface ReceiptsConnection {
  queue: ReceiptQueue;
  /** Stops sending new receipts (what is queued stays queued for a later page view). */
  disconnect(): void;
}

export function connectReceipts(manager: ConsentManager, config: ResolvedConfig, context: ReceiptsContext): ReceiptsConnection | null {
  const receipts = config.receipts;
  if (!receipts) return null;
  const win = context.window ?? window;
  let endpoint: string;
  try {
    endpoint = new URL(receipts.endpoint, win.location.href).href;
  } catch (error) {
    logError(`receipts.endpoint "${receipts.endpoint}" is not a URL: no receipts.`, error);
    return null;
  }
  const queue = createReceiptQueue({
    endpoint,
    storage: localStorageOf(win),
    storageKey: `${config.policy.cookieName}:receipts`,
    maxQueued: receipts.maxQueued,
    maxAgeDays: receipts.maxAgeDays,
  });
  const required = config.categories.filter((c) => c.required).map((c) => c.id);
  // A decision the manager made while starting (a GPC opt-out under an opt-out regime) came before
  // this subscription: it is sent if it was made during this page view. Older records were sent
  // by the page view that made them (the queue ignores a consent ID + seq it already queued).
  const pageStart = win.performance?.timeOrigin ?? Date.now();
  const off = manager.onChange((change) => {
    const { record, cause } = change;
    if (!record) return;
    const fresh = cause === 'decision' || cause === 'withdraw' || (cause === 'init' && Date.parse(record.updatedAt) >= pageStart - 1000);
    if (!fresh) return;
    queue.add(
      buildReceipt(record, { required, withdrawal: cause === 'withdraw', url: win.location.href, language: context.language() }),
    );
  });
  void queue.flush();
  // The last moment a page can send: mobile browsers may discard a hidden page without a pagehide.
  const onHide = () => queue.beaconAll();
  const onVisibility = () => win.document.visibilityState === 'hidden' && queue.beaconAll();
  win.addEventListener('pagehide', onHide);
  win.document.addEventListener('visibilitychange', onVisibility);
  return {
    queue,
    disconnect() {
      off();
      win.removeEventListener('pagehide', onHide);
      win.document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
