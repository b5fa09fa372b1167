/**
 * Vendors' own consent switches, for tags that keep running on the page after a change (a tag that
 * ran before a withdrawal, or one the site loads outside the blocking layer). Driven by the
 * registry's `consentApi` field; `google` is Consent Mode's (google-consent-mode.ts), not here.
 *
 * Documented APIs followed:
 * - Meta Pixel, "GDPR" guide: `fbq('consent', 'revoke' | 'grant')`, revoke on every page.
 * - Microsoft UET consent mode: `window.uetq = window.uetq || []; uetq.push('consent', 'default' |
 *   'update', { ad_storage })`; the default goes before the UET tag, which reads the queue.
 * - Microsoft Clarity consent API v2: `clarity('consentv2', { ad_Storage, analytics_Storage })`
 *   (capital S as documented); it replaces `clarity('consent')`, which is being deprecated.
 * - TikTok Pixel cookie consent: `ttq.holdConsent()` before a decision, then `ttq.grantConsent()` /
 *   `ttq.revokeConsent()`.
 */
import type { ConsentManager } from '../consent';
import { logError } from '../log';

export type ConsentApi = 'meta' | 'uet' | 'clarity' | 'tiktok' | 'google';

/** The registry fields this module needs (`src/blocking/service-registry.json`, or the merged catalog). */
export interface VendorService {
  id: string;
  category: string;
  consentApi?: string;
}

export interface VendorWindow {
  fbq?: unknown;
  uetq?: unknown;
  clarity?: unknown;
  ttq?: unknown;
}

/** An unsubscribe that can also re-send the current state (call it after the blocking layer released tags). */
export interface VendorConsentHandle {
  (): void;
  /** Sends the current state to vendors whose global appeared since the last change. */
  refresh(): void;
}

type Call = (win: VendorWindow) => boolean;

const fn = (value: unknown): value is (...args: unknown[]) => unknown => typeof value === 'function';
const gd = (granted: boolean) => (granted ? 'granted' : 'denied');

/**
 * The call for one vendor in one state, or null when the vendor cannot hear it (its global is not
 * on the page). Returns the call's key, so an unchanged state is not sent twice.
 */
function vendorCall(api: string, state: { granted: boolean; advertising: boolean; decided: boolean; first: boolean }): { key: string; call: Call } | null {
  const { granted, decided } = state;
  switch (api) {
    case 'meta':
      return {
        key: granted ? 'grant' : 'revoke',
        call: (win) => (fn(win.fbq) ? (win.fbq('consent', granted ? 'grant' : 'revoke'), true) : false),
      };
    case 'uet':
      return {
        key: gd(granted),
        call: (win) => {
          // Queue-safe: before bat.js, uetq is the array its snippet (or this line) creates and bat.js reads.
          const queue = (win.uetq = win.uetq || []) as { push?: unknown };
          if (!fn(queue.push)) return false;
          queue.push('consent', state.first ? 'default' : 'update', { ad_storage: gd(granted) });
          return true;
        },
      };
    case 'clarity': {
      const consent = { ad_Storage: gd(granted && state.advertising), analytics_Storage: gd(granted) };
      return { key: JSON.stringify(consent), call: (win) => (fn(win.clarity) ? (win.clarity('consentv2', consent), true) : false) };
    }
    case 'tiktok': {
      const method = granted ? 'grantConsent' : decided ? 'revokeConsent' : 'holdConsent';
      return {
        key: method,
        call: (win) => {
          const ttq = win.ttq as Record<string, unknown> | undefined;
          if (!ttq || !fn(ttq[method])) return false;
          (ttq[method] as () => void)();
          return true;
        },
      };
    }
    default:
      return null;
  }
}

/**
 * Calls each vendor's consent API when its state changes (and once per page for vendors already on
 * the page). A vendor counts as granted only when every service of it is (fail closed). Every call
 * is guarded: a vendor's broken global never stops the others.
 */
export function connectVendorConsent(
  manager: ConsentManager,
  services: readonly VendorService[],
  win: VendorWindow = globalThis as VendorWindow,
): VendorConsentHandle {
  const byApi = new Map<string, VendorService[]>();
  for (const s of services ?? []) {
    if (!s || typeof s.consentApi !== 'string' || s.consentApi === 'google') continue;
    byApi.set(s.consentApi, [...(byApi.get(s.consentApi) ?? []), s]);
  }
  const sent = new Map<string, string>();

  const apply = () => {
    for (const [api, list] of byApi) {
      try {
        const call = vendorCall(api, {
          granted: list.every((s) => manager.isGranted(s.category, s.id)),
          advertising: manager.isGranted('advertising'),
          decided: manager.hasDecision(),
          first: !sent.has(api),
        });
        if (!call || sent.get(api) === call.key) continue;
        if (call.call(win)) sent.set(api, call.key);
      } catch (error) {
        logError(`The ${api} consent API call failed.`, error);
      }
    }
  };

  const stop = byApi.size ? manager.onChange(apply) : () => {};
  const handle = (() => stop()) as VendorConsentHandle;
  handle.refresh = apply;
  return handle;
}
