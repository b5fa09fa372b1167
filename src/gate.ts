import { connectBlocking, createServiceCatalog, installBlockingForConfig, type Blocking, type ServiceCatalog } from './blocking';
import type { ServiceRegistry } from './blocking/catalog';
// The script tag's app gets this without the details (loaded by `catalogDetails`): see rollup.config.mjs.
import registry from './blocking/service-registry.json';
import { ConsentGateConfigError, resolveConfig, validateConfig, type ResolvedConfig } from './config';
import { createConsentManager, createCookieStore, readSignals, type ConsentManager, type ConsentStore, type ObservedSignals } from './consent';
import {
  connectCrossTab,
  connectDataLayer,
  connectGoogleConsentMode,
  connectSensitivePages,
  connectVendorConsent,
  dispatchChangeEvents,
  pushConsentDefault,
} from './integrations';
import { logError, logWarning } from './log';
import { connectReceipts } from './receipts';
import { mountPanels, type UiBlocking, type UiCatalog } from './ui';
import { mountUi, type LoadPanels } from './ui/mount';
import type { ConfigProblem, ConsentGate } from './types';
import { VERSION } from './version';

export interface ConsentGateOptions {
  /** Region code for the regime (`"US-CA"`), as `data-region` gives it. */
  region?: string;
  /** Where the record lives. @default the consent cookie (memory where cookies are refused) */
  store?: ConsentStore;
  /** Browser signals. @default read from `navigator` */
  signals?: ObservedSignals;
  /**
   * The guards. `true` installs them now (the default in a browser); an installed handle
   * (`installBlocking`, as the script tag's boot passes) is used as it is. Either way the gate wires
   * everything: the handle gets the manager's policy and the full catalog, the integrations connect
   * and the UI mounts once the document is parsed. `false`: the consent core and API only (no guards,
   * no UI, no integrations) — for tests and for servers.
   * @default true in a browser, false elsewhere
   */
  blocking?: Blocking | boolean;
  /** Mount the banner, preferences, Opt Out link and placeholders. @default true */
  ui?: boolean;
}

/** `startConsentGate`'s options beyond the public ones: what only the script tag's app passes. */
export interface StartOptions extends ConsentGateOptions {
  /** The registry to use instead of the bundled one (the script tag's app: its copy plus the boot's patterns). */
  registry?: ServiceRegistry;
  /**
   * The UI catalog's `details()` for this catalog: the app's build leaves the registry's
   * descriptions, cookie purposes and lifetimes and links out, and loads them the first time the
   * preferences or a cookie declaration show (`detailsOnDemand`, blocking/registry-details.ts).
   * Absent: the registry is complete (the npm build, which so carries none of the loading code).
   */
  catalogDetails?: (catalog: ServiceCatalog) => UiCatalog['details'];
  /**
   * Hands over `mountPanels` when the panels must show (banner, notice, preferences, a placeholder,
   * a cookie declaration): the script tag loads `consentgate-ui.js` then; `createConsentGate` has
   * it at once. Absent: the shell only (opt-out links), no panels.
   */
  loadPanels?: LoadPanels;
}

/** What a face of the SDK (UI, blocking, integrations) hands back to the gate. */
export interface GateParts {
  showBanner?: () => void;
  showPreferences?: () => void;
  /** The UI's language, once it is mounted. */
  language?: string;
}

/** Validates and resolves a config; prints one error listing every problem, never throws. */
export function loadConfig(input: unknown): { config: ResolvedConfig | null; problems: ConfigProblem[] } {
  const { config, problems } = validateConfig(input);
  const warnings = problems.filter((p) => p.severity === 'warning');
  if (warnings.length) logWarning('Configuration warnings:\n' + warnings.map((p) => `  ${p.path}: ${p.message}`).join('\n'));
  if (!config) {
    logError(new ConsentGateConfigError(problems).message);
    return { config: null, problems };
  }
  try {
    return { config: resolveConfig(config), problems };
  } catch (error) {
    logError('The configuration could not be resolved; every non-necessary category stays blocked.', error);
    return { config: null, problems: [...problems, { path: '(root)', message: String(error), severity: 'error' }] };
  }
}

/** The consent core for a config: manager with its store and the browser's signals. */
export function createCore(config: ResolvedConfig | null, options: ConsentGateOptions = {}): ConsentManager {
  const secure = typeof location !== 'undefined' && location.protocol === 'https:';
  const store =
    options.store ??
    createCookieStore({
      name: config?.policy.cookieName ?? 'consentgate',
      path: config?.policy.cookiePath ?? '/',
      domain: config?.policy.cookieDomain,
      secure,
    });
  return createConsentManager({ config, store, signals: options.signals ?? readSignals(), region: options.region });
}

/**
 * The public API over a manager. Every method is wrapped: nothing the SDK does may throw into the
 * site's own scripts (a bad argument is reported on the console instead).
 */
export function createPublicApi(manager: ConsentManager, problems: readonly ConfigProblem[], parts: GateParts = {}): ConsentGate {
  const safe =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (error) {
        logError(`${name}() failed.`, error);
        return fallback;
      }
    };
  const noop = () => {};
  return Object.freeze({
    version: VERSION,
    problems: Object.freeze([...problems]),
    acceptAll: safe('acceptAll', () => manager.acceptAll('api'), undefined),
    rejectAll: safe('rejectAll', () => manager.rejectAll('api'), undefined),
    update: safe('update', (choices) => manager.update(choices, 'api'), undefined),
    withdraw: safe('withdraw', () => manager.withdraw('api'), undefined),
    get: safe('get', () => manager.get(), null),
    isGranted: safe('isGranted', (category: string, service?: string) => manager.isGranted(category, service), false),
    onChange: safe('onChange', (listener) => manager.onChange(listener), noop),
    whenGranted: safe('whenGranted', (category: string, service?: string) => manager.whenGranted(category, service), new Promise<void>(noop)),
    showBanner: safe('showBanner', () => parts.showBanner?.(), undefined),
    showPreferences: safe('showPreferences', () => parts.showPreferences?.(), undefined),
    setRegion: safe('setRegion', (region: string) => manager.setRegion(region), undefined),
  } satisfies ConsentGate);
}

/**
 * npm entry point: validates the config, starts the consent core and wires the DOM-facing parts.
 * An invalid config never throws: the gate fails closed and lists the problems in `.problems`.
 */
export function createConsentGate(input: unknown, options: ConsentGateOptions = {}): ConsentGate {
  const blocking = options.blocking ?? (typeof window !== 'undefined' && typeof document !== 'undefined');
  if (blocking === true) {
    // The boot's order, for an app that imports the SDK: guards first, then the Consent Mode
    // default, which must precede every Google tag (Google Consent Mode v2).
    const handle = installBlockingForConfig(input);
    pushConsentDefault(input);
    return startConsentGate(input, handle, { ...options, loadPanels: (ready) => ready(mountPanels) });
  }
  if (blocking) return startConsentGate(input, blocking, { ...options, loadPanels: (ready) => ready(mountPanels) });
  const { config, problems } = loadConfig(input);
  const manager = createCore(config, options);
  if (typeof window !== 'undefined') dispatchChangeEvents(manager);
  return createPublicApi(manager, problems);
}

/**
 * The whole composition (config → core → blocking → integrations → UI), for the script tag's app
 * (which passes the boot's handle: calling this, not `createConsentGate`, keeps the guard install
 * out of the app file) and for `createConsentGate`. Invalid config: the manager fails closed
 * (only `necessary`), no UI, and `problems` lists why.
 */
export function startConsentGate(input: unknown, blocking: Blocking, options: StartOptions = {}): ConsentGate {
  const { config, problems } = loadConfig(input);
  const manager = createCore(config, options);
  dispatchChangeEvents(manager);
  if (!config) {
    // Take back a Consent Mode default the boot pushed from the raw JSON.
    connectGoogleConsentMode(manager, null);
    return createPublicApi(manager, problems);
  }
  const catalog = createServiceCatalog({
    registry: options.registry ?? (registry as ServiceRegistry),
    configCategories: config.categories,
    useRegistry: config.blocking.registry,
    necessaryHosts: config.blocking.necessaryHosts,
  });
  // Sensitive pages first: a restricted category must already be off when blocking first releases.
  connectSensitivePages(manager, config);
  connectBlocking(manager, blocking, { catalog, reloadOnWithdraw: config.blocking.reloadOnWithdraw });
  connectGoogleConsentMode(manager, config);
  connectDataLayer(manager);
  const vendors = connectVendorConsent(manager, catalog.services);
  blocking.onEvent((event) => event.type === 'released' && vendors.refresh());
  connectCrossTab(manager, config);
  const parts: GateParts = {};
  connectReceipts(manager, config, {
    language: () => parts.language ?? (document.documentElement.lang || navigator.language || 'en'),
  });

  const uiCatalog: UiCatalog = {
    // What this site declares, plus what the guards met on this page (a registry service it did not list).
    list: () => {
      const met = new Set([...blocking.held(), ...blocking.released()].map((v) => v.service));
      return catalog.services.filter((s) => s.listed || met.has(s.id));
    },
    byId: (id) => catalog.byId(id),
    details: options.catalogDetails?.(catalog),
  };
  const uiBlocking: UiBlocking = {
    onEvent: (listener) =>
      blocking.onEvent((e) => {
        if (e.type === 'held') listener({ type: 'held', element: e.element, service: e.service, category: e.category });
        else if (e.type === 'released') listener({ type: 'released', element: e.element });
      }),
    held: () => blocking.held(),
  };
  // The script tag's app may run while <head> is still parsing: the UI needs <body> and the
  // footer's [data-consentgate-opt-out], so it mounts once the document is parsed. Consent,
  // blocking and the API work from now on. The shell (opt-out links) mounts on every page; the
  // panels only when something of theirs must show, loaded then (script tag: consentgate-ui.js).
  const mount = () => {
    // language, showBanner, showPreferences (nothing when the UI could not mount: reported).
    Object.assign(parts, mountUi({ manager, config, catalog: uiCatalog, blocking: uiBlocking }, options.loadPanels));
  };
  if (options.ui === false) return createPublicApi(manager, problems, parts);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount, { once: true });
  else mount();
  return createPublicApi(manager, problems, parts);
}
