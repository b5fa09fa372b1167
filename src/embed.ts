/**
 * Script-tag boot: `dist/consentgate.js`. Runs synchronously where the site puts it (first in
 * `<head>`, a plain script, no `async`), and keeps to what must happen before the page's own tags:
 *
 * 1. reads the config: inline `<script type="application/json" data-consentgate-config>`, else
 *    `window.consentGateConfig`, else `data-config="URL"` on this script tag (fetched);
 * 2. loads the app (`consentgate-app.js`, same folder, same CSP nonce, async) and installs the
 *    blocking guards with a fail-closed policy, in the same task, before anything asynchronous
 *    can run: every non-necessary tag stays held until the app has read the visitor's record
 *    (even a `necessary` marked tag waits for the app: the release code is the app's);
 * 3. pushes the Google Consent Mode default (Google: it must precede every Google tag);
 * 4. sets `window.ConsentGate`: a facade that queues and forwards until the app takes over.
 *
 * Safe twice: a second copy finds the first one's hand-over object (hand-over.ts) and does nothing.
 * Whatever page code put at `window.ConsentGate` before (a namespace object, an element with that
 * id) never stops the guards: it is replaced, or reported when it cannot be. Everything the app
 * needs from the boot goes through the hand-over object.
 */
// Not from './blocking' (index.ts): the boot takes only the guards' modules, without the release
// code (the app's connectBlocking attaches it with the policy). The build gives it a slim, packed registry
// copy (id, category, domains: see rollup.config.mjs).
import type { ServiceRegistry } from './blocking/catalog';
import { bundledRegistry, installGuardsForConfig } from './blocking/install-for-config';
import type { Blocking } from './blocking/install';
import { pushConsentDefault, regionFromScript } from './integrations';
import { APP_FILE, bootHandOver, offerHandOver, UI_FILE } from './hand-over';
import { isObject } from './json-value';
import { logError } from './log';
import { addScript } from './script-tag';
import type { PanelsFile } from './embed-ui';
import type { ChangeListener, ConsentChoices, ConsentGate } from './types';
import { VERSION } from './version';

declare global {
  interface Window {
    ConsentGate?: ConsentGate;
    consentGateConfig?: unknown;
  }
}

/** What the boot hands to the app. Shared by type only: the app bundle must not include this file. */
export interface BootHandOver {
  readonly version: string;
  /** The raw config (validated by the app), or null when there is none or it could not be read. */
  readonly config: Promise<unknown>;
  /** The guards, installed fail-closed, without release code; the app attaches it (`attachRelease`), sets the real policy and the full catalog. */
  readonly blocking: Blocking;
  /** `data-region`, or the last `setRegion()` called before the app took over. */
  readonly region: string | undefined;
  /** The registry's patterns (id, category, domains): shipped once, here; the app's copy has none. */
  readonly registry: ServiceRegistry;
  /** Set by the first app that starts, so a second copy of the app does nothing. */
  started: boolean;
  /** `consentgate-ui.js` is on its way (the boot asked for it, no record cookie; or the app did). */
  panelsRequested: boolean;
  /** Set by `consentgate-ui.js` once it has run (embed-ui.ts). */
  panels?: PanelsFile;
  /** Set by the app while it waits for the panels. */
  onPanels?: (panels: PanelsFile) => void;
  /** The app's API: the facade forwards to it from now on and replays what was queued. */
  attach(api: ConsentGate): void;
}

function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // Fallback for pages that inject the boot in ways that leave currentScript unset.
  return document.querySelector<HTMLScriptElement>('script[src*="consentgate"][src$=".js"]');
}

/** The boot's one kind of console error (bytes: every visitor downloads this file first). */
const failClosed = (what: string, error?: unknown) => logError(what + '; every non-necessary category stays blocked.', error);

/**
 * `null` once the boot has said why there is no usable config, so that the app, which validates
 * everything else, stays quiet about it.
 */
function notNull(value: unknown, where: string): unknown {
  if (value === null) failClosed('The config in ' + where + ' is null');
  return value;
}

function readJson(text: string, where: string): unknown {
  try {
    return notNull(JSON.parse(text), where);
  } catch (error) {
    failClosed('Invalid JSON in ' + where, error);
    return null;
  }
}

/** The config already in the page: inline JSON element, then the global. `undefined`: none yet. */
function configInPage(): unknown {
  const el = document.querySelector('script[type="application/json"][data-consentgate-config]');
  if (el) return readJson(el.textContent ?? '', '<script data-consentgate-config>');
  const where = 'window.consentGateConfig';
  try {
    // A JSON copy: the page's object may have getters that throw or change between reads, and
    // every reader after this one (the guards, the Consent Mode default, the app) sees plain data.
    const config = window.consentGateConfig;
    return config === undefined ? config : readJson(JSON.stringify(config), where);
  } catch (error) {
    failClosed('Could not read ' + where, error);
    return null;
  }
}

/** Fetches `data-config`; any failure leaves everything held (null) and says why on the console. */
async function fetchConfig(url: string): Promise<unknown> {
  try {
    const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return readJson(await response.text(), `data-config="${url}"`);
  } catch (error) {
    failClosed(`Could not load data-config="${url}"`, error);
    return null;
  }
}

/** The config: at once when it is in the page (`sync`), else a promise (URL, or later in the page). */
function findConfig(script: HTMLScriptElement | null): { sync?: unknown; later?: Promise<unknown> } {
  const inPage = configInPage();
  if (inPage !== undefined) return { sync: inPage };
  const url = script?.dataset.config;
  return { later: url ? fetchConfig(url) : configAfterParsing() };
}

function configAfterParsing(): Promise<unknown> {
  // The inline config may come after this tag; it is read once the document is parsed.
  return new Promise((done) => {
    const late = () => {
      const found = configInPage();
      if (found === undefined) {
        failClosed('No config (data-consentgate-config, window.consentGateConfig or data-config)');
      }
      done(found ?? null);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', late, { once: true });
    else late();
  });
}

/**
 * Appends the app's script tag: same folder as this one (or `data-app`), same CSP nonce, async.
 * With no record cookie, the visitor will see the banner: the panels (`consentgate-ui.js`, next to
 * the app) are requested now, beside the app, rather than one round trip after it. A returning
 * visitor's app asks for them only if something of theirs must show. Returns whether it did.
 */
function loadApp(script: HTMLScriptElement | null, config: unknown): boolean {
  const attributes = { nonce: script?.nonce || script?.getAttribute('nonce') || undefined, crossOrigin: script?.crossOrigin };
  const app = addScript(script?.dataset.app || new URL(APP_FILE, script?.src || location.href).href, attributes);
  app.onerror = () => failClosed('Could not load ' + app.src);
  const policy = isObject(config) && isObject(config.policy) ? config.policy : {};
  // With a config URL the name is not known yet: `data-cookie-name` on the tag says it.
  const name = typeof policy.cookieName === 'string' ? policy.cookieName : script?.dataset.cookieName || 'consentgate';
  try {
    if (document.cookie.split('; ').some((c) => c.startsWith(name + '='))) return false;
  } catch {
    // A sandboxed frame throws on document.cookie: no record can be read there, the banner will show.
  }
  addScript(new URL(UI_FILE, app.src).href, attributes).onerror = () => failClosed('Could not load ' + UI_FILE);
  return true;
}

/**
 * `window.ConsentGate` until the app takes over: decisions and UI calls queue in order, reads answer
 * as for a visitor who has not decided (`isGranted` is false), listeners are kept and subscribed to
 * the app the moment it is ready (they then get the `init` replay like any other subscriber).
 */
function createFacade(
  config: Promise<unknown>,
  blocking: Blocking,
  initialRegion: string | undefined,
  panelsRequested: boolean,
): { api: ConsentGate; handOver: BootHandOver } {
  let api: ConsentGate | null = null;
  let region = initialRegion;
  const queue: Array<(api: ConsentGate) => void> = [];
  const later = (call: (api: ConsentGate) => void): void => {
    if (api) call(api);
    else queue.push(call);
  };

  const handOver: BootHandOver = {
    version: VERSION,
    config,
    blocking,
    registry: bundledRegistry(),
    panelsRequested,
    get region() {
      return region;
    },
    started: false,
    attach(real) {
      if (api) return;
      api = real;
      for (const call of queue.splice(0)) {
        try {
          call(real);
        } catch (error) {
          logError('A call made before start-up failed.', error);
        }
      }
    },
  };

  const facade: ConsentGate = {
    version: VERSION,
    get problems() {
      return api ? api.problems : [];
    },
    acceptAll: () => later((a) => a.acceptAll()),
    rejectAll: () => later((a) => a.rejectAll()),
    update: (choices: ConsentChoices) => later((a) => a.update(choices)),
    withdraw: () => later((a) => a.withdraw()),
    showBanner: () => later((a) => a.showBanner()),
    showPreferences: () => later((a) => a.showPreferences()),
    setRegion: (next: string) => {
      if (api) api.setRegion(next);
      else region = String(next);
    },
    get: () => (api ? api.get() : null),
    isGranted: (category: string, service?: string) => (api ? api.isGranted(category, service) : false),
    onChange(listener: ChangeListener) {
      if (api) return api.onChange(listener);
      let off: (() => void) | undefined;
      let active = true;
      later((a) => {
        if (active) off = a.onChange(listener);
      });
      return () => {
        active = false;
        off?.();
      };
    },
    whenGranted: (category: string, service?: string) =>
      new Promise<void>((granted) => later((a) => void a.whenGranted(category, service).then(granted))),
  };
  return { api: Object.freeze(facade), handOver };
}

/**
 * Sets `window.ConsentGate` to the facade. Page code that got there first (a namespace object, an
 * element with that id) is replaced, and told so; a definition that cannot be replaced is reported.
 * Either way the guards are in and the app finds this boot through the hand-over slot, so blocking
 * and the banner work; only the page's own calls to the API are lost when the name stays taken.
 */
function publishApi(api: ConsentGate): void {
  let before: unknown;
  try {
    before = window.ConsentGate;
    Object.defineProperty(window, 'ConsentGate', { value: api, writable: true, configurable: true, enumerable: true });
  } catch {
    // A getter that throws, or a definition that is not configurable: an assignment may still work.
    try {
      window.ConsentGate = api;
    } catch {
      // reported below
    }
  }
  const taken = "window.ConsentGate was set by the page's code";
  if (window.ConsentGate !== api) logError(taken + ' and cannot be replaced: blocking and the banner work, the API is not there.', before);
  else if (before !== undefined) logError(taken + '; replaced it. Load consentgate.js first.', before);
}

function boot(): void {
  // A second copy of the boot (the tag twice, or the SDK in two tag managers): the first one's guards
  // and app are running.
  if (bootHandOver()) return;
  const script = ownScript();
  const found = findConfig(script);
  // The app's tag goes in before the guards: it is ours, and the guards must not judge it. Whatever
  // goes wrong there, the guards still go in (fail closed).
  let panelsRequested = false;
  try {
    panelsRequested = loadApp(script, found.sync);
  } catch (error) {
    failClosed('Could not load ' + APP_FILE, error);
  }
  const blocking = installGuardsForConfig(found.sync);
  // Google Consent Mode: the default must precede every Google tag. With the config in the page
  // that is now; with a config URL it is when the file arrives, still before anything is released
  // (the guards hold every Google tag until the app has started). The regime, the signals and the
  // region are the app's: its start-up update follows the default (google-consent-mode.ts).
  const withDefault = (config: unknown) => (pushConsentDefault(config), config);
  const config = found.later ? found.later.then(withDefault) : Promise.resolve(withDefault(found.sync));
  const { api, handOver } = createFacade(config, blocking, regionFromScript(script), panelsRequested);
  if (!offerHandOver(handOver)) failClosed('The page took ConsentGate\'s hand-over slot; the consent UI cannot start');
  publishApi(api);
}

try {
  boot();
} catch (error) {
  failClosed('Start-up failed', error);
}
