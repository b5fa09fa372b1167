/**
 * Google Consent Mode v2 (https://developers.google.com/tag-platform/security/guides/consent).
 *
 * - `pushConsentDefault()` runs in the synchronous boot, before any Google tag can: Google requires
 *   `gtag('consent', 'default', …)` to precede every `config`/`event` command on every page.
 * - `connectGoogleConsentMode()` runs in the app: `gtag('consent', 'update', …)` after each decision,
 *   and once at start-up when the visitor decided on an earlier page (Consent Mode does not remember
 *   choices: "the CMP must send the update command on every page").
 */
import type { ConsentManager } from '../consent';
import type { ResolvedConfig } from '../config';
import { GOOGLE_CONSENT_TYPES } from '../config/google-consent-types';
import { isObject } from '../json-value';
import { logError, logWarning } from '../log';

/** The seven consent types of Consent Mode v2, in the order the SDK writes them. */
export const CONSENT_TYPES = GOOGLE_CONSENT_TYPES;

export type ConsentType = (typeof CONSENT_TYPES)[number];
export type ConsentTypeState = Record<ConsentType, 'granted' | 'denied'>;

/** @see GoogleConsentModeConfig.map */
export const DEFAULT_CONSENT_MAP: Readonly<Record<string, readonly ConsentType[]>> = Object.freeze({
  analytics: ['analytics_storage'],
  advertising: ['ad_storage', 'ad_user_data', 'ad_personalization'],
  functional: ['functionality_storage', 'personalization_storage'],
  necessary: ['security_storage'],
});

/** @see GoogleConsentModeConfig.waitForUpdate */
export const DEFAULT_WAIT_FOR_UPDATE = 500;

/** The part of `window` Consent Mode writes to. */
export interface DataLayerWindow {
  dataLayer?: unknown[];
}

/** Consent Mode settings read defensively from any config, validated or not. */
interface ConsentModeView {
  map: Record<string, ConsentType[]>;
  waitForUpdate: number;
  /** Empty: every region. */
  region: string[];
  adsDataRedaction: boolean | undefined;
  urlPassthrough: boolean | undefined;
}

const isConsentType = (value: unknown): value is ConsentType => (CONSENT_TYPES as readonly unknown[]).includes(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const flag = (value: unknown) => (typeof value === 'boolean' ? value : undefined);

/** Consent Mode settings, or null when it is off or unreadable. Never throws. */
function readConsentMode(config: unknown): ConsentModeView | null {
  if (!isObject(config) || !isObject(config.googleConsentMode) || config.googleConsentMode.enabled !== true) return null;
  const gcm = config.googleConsentMode;
  const map: Record<string, ConsentType[]> = {};
  const source = isObject(gcm.map) ? gcm.map : DEFAULT_CONSENT_MAP;
  for (const [category, types] of Object.entries(source)) map[category] = (Array.isArray(types) ? types : []).filter(isConsentType);
  const wait = gcm.waitForUpdate;
  return {
    map,
    // NaN and Infinity fail one of the two comparisons.
    waitForUpdate: typeof wait === 'number' && wait >= 0 && wait < Infinity ? wait : DEFAULT_WAIT_FOR_UPDATE,
    region: strings(gcm.region),
    adsDataRedaction: flag(gcm.adsDataRedaction),
    urlPassthrough: flag(gcm.urlPassthrough),
  };
}

/**
 * Each type's state from its categories: granted only when at least one category maps to it and
 * every category that maps to it is granted (fail closed: an unmapped type stays denied).
 */
export function consentTypeState(map: Readonly<Record<string, readonly string[]>>, isGranted: (category: string) => boolean): ConsentTypeState {
  const grantedBy = new Map<ConsentType, boolean>();
  for (const [category, types] of Object.entries(map)) {
    const granted = isGranted(category);
    for (const type of types) if (isConsentType(type)) grantedBy.set(type, (grantedBy.get(type) ?? true) && granted);
  }
  const state = {} as ConsentTypeState;
  for (const type of CONSENT_TYPES) state[type] = grantedBy.get(type) ? 'granted' : 'denied';
  return state;
}

/**
 * The `gtag` of Google's snippet, `function gtag(){dataLayer.push(arguments);}`: gtag.js and GTM
 * read only `Arguments` objects in the dataLayer as commands (a plain array is ignored), so the
 * push must be of `arguments` itself.
 */
function gtagFor(win: DataLayerWindow): ((...args: unknown[]) => void) | null {
  const layer = (win.dataLayer = win.dataLayer || []);
  if (typeof (layer as { push?: unknown }).push !== 'function') {
    logWarning('window.dataLayer is not an array; Google Consent Mode commands were not sent.');
    return null;
  }
  return function gtag(..._args: unknown[]) {
    // eslint-disable-next-line prefer-rest-params -- Google's tags need the Arguments object.
    layer.push(arguments);
  };
}

/**
 * The state before the visitor decides, from the raw JSON config (the boot runs before validation):
 * a type is granted only when every category mapped to it is `required`; everything else is denied,
 * whatever the regime. An opt-out regime's grants, honored signals, a region set later and
 * sensitive pages all come with the app's start-up `update`, which follows in the dataLayer before
 * any Google tag can read it: the guards hold every Google tag until the app has started.
 * Byte-saving: the regime and signal logic stays in the app, out of the file every visitor runs first.
 */
export function defaultConsentState(config: unknown): ConsentTypeState | null {
  return defaultFor(readConsentMode(config), config);
}

function defaultFor(gcm: ConsentModeView | null, config: unknown): ConsentTypeState | null {
  if (!gcm || !isObject(config)) return null;
  const required = new Set<unknown>();
  for (const c of Array.isArray(config.categories) ? config.categories : []) if (isObject(c) && c.required === true) required.add(c.id);
  return consentTypeState(gcm.map, (id) => required.has(id));
}

/**
 * Pushes `gtag('consent', 'default', {…seven types, wait_for_update, region?})`, then
 * `gtag('set', 'ads_data_redaction', …)` and `gtag('set', 'url_passthrough', …)` when configured,
 * to `win.dataLayer`. Synchronous, and safe on any input: returns false (and pushes nothing) when
 * Consent Mode is off or the config unreadable; never throws.
 */
export function pushConsentDefault(config: unknown, win: DataLayerWindow = globalThis as DataLayerWindow): boolean {
  try {
    const gcm = readConsentMode(config);
    const state = defaultFor(gcm, config);
    if (!gcm || !state) return false;
    const gtag = gtagFor(win);
    if (!gtag) return false;
    gtag('consent', 'default', { ...state, wait_for_update: gcm.waitForUpdate, ...(gcm.region.length ? { region: gcm.region } : {}) });
    if (gcm.adsDataRedaction !== undefined) gtag('set', 'ads_data_redaction', gcm.adsDataRedaction);
    if (gcm.urlPassthrough !== undefined) gtag('set', 'url_passthrough', gcm.urlPassthrough);
    return true;
  } catch (error) {
    logError('The Google Consent Mode default could not be set.', error);
    return false;
  }
}

/** The seven types of the last `gtag('consent', 'default', …)` in the dataLayer, as JSON; null if none. */
function pushedDefault(win: DataLayerWindow): string | null {
  const layer = win.dataLayer;
  if (!Array.isArray(layer)) return null;
  for (let i = layer.length - 1; i >= 0; i--) {
    const entry = layer[i] as ArrayLike<unknown> | undefined;
    if (Object.prototype.toString.call(entry) !== '[object Arguments]' || entry![0] !== 'consent' || entry![1] !== 'default') continue;
    const values = entry![2];
    if (!isObject(values)) return null;
    const state = {} as ConsentTypeState;
    for (const type of CONSENT_TYPES) state[type] = values[type] === 'granted' ? 'granted' : 'denied';
    return JSON.stringify(state);
  }
  return null;
}

/**
 * `gtag('consent', 'update', {…seven types})` after every decision (this tab's or another's), when
 * the page context changes what may run (sensitive route, region), and at start-up when a stored
 * decision exists or the state differs from the default in the dataLayer (a region the site set
 * after the boot ran, or no default pushed at all).
 */
export function connectGoogleConsentMode(
  manager: ConsentManager,
  config: ResolvedConfig | null,
  win: DataLayerWindow = globalThis as DataLayerWindow,
): () => void {
  const gcm = readConsentMode(config);
  if (!gcm) {
    // An invalid config fails closed: if the boot already told Google a default from the raw JSON
    // (an opt-out regime's grants, say), take it back.
    if (config === null && pushedDefault(win) !== null) {
      const denied = consentTypeState({}, () => false);
      try {
        gtagFor(win)?.('consent', 'update', denied);
      } catch (error) {
        logError('The Google Consent Mode update could not be sent.', error);
      }
    }
    return () => {};
  }
  let last = '';
  return manager.onChange((change) => {
    try {
      const state = consentTypeState(gcm.map, (category) => manager.isGranted(category));
      const key = JSON.stringify(state);
      const repeat = key === last;
      last = key;
      if (change.cause === 'init' && !manager.hasDecision() && pushedDefault(win) === key) return;
      // A decision is always reported, even when it changes nothing; a context change only when it does.
      if (repeat && (change.cause === 'context' || change.cause === 'sync')) return;
      gtagFor(win)?.('consent', 'update', state);
    } catch (error) {
      logError('The Google Consent Mode update could not be sent.', error);
    }
  });
}
