import { ConsentGateConfigError, resolveConfig, validateConfig, type ResolvedConfig } from './config';
import { createConsentManager, createCookieStore, readSignals, type ConsentManager, type ConsentStore, type ObservedSignals } from './consent';
import { dispatchChangeEvents } from './integrations';
import { logError, logWarning } from './log';
import type { ConfigProblem, ConsentGate } from './types';
import { VERSION } from './version';

export interface ConsentGateOptions {
  /** Region code for the regime (`"US-CA"`), as `data-region` gives it. */
  region?: string;
  /** Where the record lives. @default the consent cookie (memory where cookies are refused) */
  store?: ConsentStore;
  /** Browser signals. @default read from `navigator` */
  signals?: ObservedSignals;
}

/** What a face of the SDK (UI, blocking, integrations) hands back to the gate. */
export interface GateParts {
  showBanner?: () => void;
  showPreferences?: () => void;
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
  const { config, problems } = loadConfig(input);
  const manager = createCore(config, options);
  if (typeof window !== 'undefined') dispatchChangeEvents(manager);
  return createPublicApi(manager, problems);
}
