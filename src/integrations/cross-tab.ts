/**
 * Cross-tab: a decision in one tab applies in the site's other open tabs without a reload. The
 * deciding tab announces it; the others re-read the cookie (`manager.sync()`), whose listeners (the
 * blocking layer among them) then release or block as in the deciding tab.
 *
 * Transport: a BroadcastChannel named after the cookie; where there is none (older Safari), a
 * `storage` event on a localStorage key, which browsers fire only in the *other* tabs. A tab that
 * becomes visible re-reads the cookie too: that covers tabs of sibling subdomains sharing the cookie
 * (`cookieDomain`), which neither transport reaches, and messages a frozen background tab missed.
 */
import type { ConsentManager } from '../consent';
import type { ResolvedConfig } from '../config';
import { logError } from '../log';

export interface CrossTabEnv {
  window: Pick<Window, 'addEventListener' | 'removeEventListener'> & {
    BroadcastChannel?: typeof BroadcastChannel;
    localStorage?: Storage;
  };
  document?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
}

/** The channel (and storage key) for a cookie name: tabs of one site with one cookie share it. */
export const crossTabName = (cookieName: string) => `consentgate:${cookieName}`;

export function connectCrossTab(
  manager: ConsentManager,
  config: ResolvedConfig | null,
  env: CrossTabEnv = { window: globalThis.window, document: globalThis.document },
): () => void {
  const win = env.window;
  if (!config || !win) return () => {};
  const name = crossTabName(config.policy.cookieName);
  let receiving = false;

  const receive = () => {
    // No echo: whatever sync() emits here came from another tab and is not announced again.
    receiving = true;
    try {
      manager.sync();
    } catch (error) {
      logError('Another tab’s decision could not be applied here.', error);
    } finally {
      receiving = false;
    }
  };

  let announce: (message: string) => void;
  let close: () => void;
  const Channel = win.BroadcastChannel;
  if (typeof Channel === 'function') {
    const channel = new Channel(name);
    channel.onmessage = receive;
    announce = (message) => channel.postMessage(message);
    close = () => channel.close();
  } else {
    const onStorage = (event: StorageEvent) => {
      if (event.key === name && event.newValue) receive();
    };
    win.addEventListener('storage', onStorage);
    announce = (message) => win.localStorage?.setItem(name, message);
    close = () => win.removeEventListener('storage', onStorage);
  }

  const stop = manager.onChange((change) => {
    if (receiving || (change.cause !== 'decision' && change.cause !== 'withdraw') || !change.record) return;
    try {
      // Unique per decision, so the storage fallback fires even when the same choice is made twice.
      announce(`${change.record.id}:${change.record.seq}:${change.record.updatedAt}`);
    } catch (error) {
      // localStorage can be full or disabled; the visibility re-read still catches up.
      logError('The decision could not be announced to other tabs.', error);
    }
  });

  const doc = env.document;
  const onVisible = () => {
    if (doc?.visibilityState === 'visible') receive();
  };
  doc?.addEventListener('visibilitychange', onVisible);

  return () => {
    stop();
    close();
    doc?.removeEventListener('visibilitychange', onVisible);
  };
}
