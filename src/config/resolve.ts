import type {
  BannerLayout,
  CategoryConfig,
  ConsentGateConfig,
  ConsentMode,
  GoogleConsentModeConfig,
  SensitivePage,
  ServiceConfig,
  SignalPolicy,
  ThemeConfig,
  UiTexts,
} from '../types';
import { configRules } from './config-rules';
import { hasOwn, type Rule } from './rules';
import { themeRules } from './theme-rules';

export interface ResolvedSignal {
  mode: SignalPolicy;
  categories: readonly string[];
  statement?: string;
  reason: string;
}

export interface ResolvedCategory extends Readonly<Omit<CategoryConfig, 'services'>> {
  readonly required: boolean;
  readonly default: boolean;
  readonly services: readonly ServiceConfig[];
}

/** A config with every default filled in and frozen: nothing changes it after start-up. */
export interface ResolvedConfig {
  readonly mode: ConsentMode;
  readonly regions: Readonly<Record<string, ConsentMode>>;
  readonly policy: {
    readonly version: string;
    readonly privacyPolicyUrl?: string;
    readonly lifetimeDays: number;
    readonly cookieName: string;
    readonly cookieDomain?: string;
    readonly cookiePath: string;
  };
  readonly categories: readonly ResolvedCategory[];
  readonly signals: { readonly doNotTrack: ResolvedSignal; readonly globalPrivacyControl: ResolvedSignal };
  readonly language: string;
  readonly texts: Readonly<Record<string, UiTexts>>;
  readonly ui: {
    readonly layout: BannerLayout;
    readonly optOutCategories: readonly string[];
    readonly optOutFixed: boolean;
    readonly placeholderGrants: 'service' | 'category';
    readonly optOutLinks: ReadonlyArray<{ title: string; url: string }>;
    readonly theme: Readonly<Record<string, string>>;
    readonly nonce?: string;
    readonly bannerInOptOut: boolean;
  };
  readonly blocking: {
    readonly unknownThirdParty: 'allow' | 'block';
    readonly necessaryHosts: readonly string[];
    readonly reloadOnWithdraw: boolean;
    readonly registry: boolean;
  };
  readonly sensitivePages: readonly Required<SensitivePage>[];
  readonly googleConsentMode?: Readonly<GoogleConsentModeConfig>;
  readonly receipts?: { readonly endpoint: string; readonly maxQueued: number; readonly maxAgeDays: number };
  readonly debug: boolean;
}

// The policy (seeds/000): DNT is not honored "because … there is no common definition of such
// signals and no industry-accepted standards for how such signals should be interpreted".
const DNT_REASON_IGNORED = 'Not honored: no common definition or industry standard for Do Not Track exists (privacy policy).';
const DNT_REASON_HONORED = 'Honored: the site applies Do Not Track to the listed categories.';
const GPC_REASON_HONORED = 'Honored: Global Privacy Control is an opt-out of sale and sharing.';
const GPC_REASON_IGNORED = 'Not honored by this site.';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** The ids that name a configured category, each once. */
function only(ids: readonly string[], known: Set<string>): string[] {
  return [...new Set(ids)].filter((id) => known.has(id));
}

/** An object without a prototype: only the config's own keys are in it. */
const bare = <T>(value?: T): T => Object.assign(Object.create(null), value);

/**
 * A copy of what the rules know of a validated value, and nothing else: unknown keys (only warned
 * about) are left behind however large or deep, and every object is prototype-less, so that a
 * region, a language or a category named `constructor` or `toString` finds nothing that
 * `Object.prototype` lends every object.
 */
function copyKnown(value: unknown, rule: Rule): unknown {
  if (rule.k === 'a') return (value as unknown[]).map((item) => copyKnown(item, rule.of));
  if (rule.k !== 'o') return value;
  const copy: Record<string, unknown> = bare();
  const object = value as Record<string, unknown>;
  // A map's keys are the config's; an object's are the rule's (unknown keys cost nothing).
  for (const key of Object.keys(rule.values ? object : rule.props)) {
    if (hasOwn(object, key)) copy[key] = copyKnown(object[key], rule.values ?? rule.props[key]!);
  }
  return copy;
}

/**
 * The theme's known properties whose values are of their kind, nothing else: never applied,
 * whatever reached this function (issue 16, item 5: `url()` in a theme value fetches it).
 */
function themeOf(theme: ThemeConfig = {}): Record<string, string> {
  const known: Record<string, string> = bare();
  for (const [key, value] of Object.entries(theme)) {
    const rule = hasOwn(themeRules, key) ? themeRules[key as keyof typeof themeRules] : undefined;
    if (rule && typeof value === 'string' && rule.re!.test(value)) known[key] = value;
  }
  return known;
}

/** Fills in defaults. Takes a config that `validateConfig` accepted; returns a frozen copy. */
export function resolveConfig(input: ConsentGateConfig): ResolvedConfig {
  // A copy first: the caller's object stays theirs, ours is frozen.
  const config = copyKnown(input, configRules) as ConsentGateConfig;
  const known = new Set(config.categories.map((c) => c.id));
  const dnt = config.signals?.doNotTrack;
  const gpc = config.signals?.globalPrivacyControl;
  const dntMode = dnt?.mode ?? 'ignore';
  const gpcMode = gpc?.mode ?? 'honor';
  return deepFreeze<ResolvedConfig>({
    mode: config.mode ?? 'opt-in',
    regions: config.regions ?? bare(),
    policy: {
      version: config.policy.version,
      privacyPolicyUrl: config.policy.privacyPolicyUrl,
      lifetimeDays: config.policy.lifetimeDays ?? 365,
      cookieName: config.policy.cookieName ?? 'consentgate',
      cookieDomain: config.policy.cookieDomain,
      cookiePath: config.policy.cookiePath ?? '/',
    },
    categories: config.categories.map((c) => ({
      ...c,
      required: c.required ?? false,
      default: c.required ? true : (c.default ?? true),
      services: (c.services ?? []).map((service) => ({
        ...service,
        switchable: service.switchable ?? true,
        ...(service.cookies && { cookies: service.cookies.map((cookie) => ({ ...cookie, storage: cookie.storage ?? 'cookie' })) }),
      })),
    })),
    signals: {
      doNotTrack: {
        mode: dntMode,
        categories: only(dnt?.categories ?? ['analytics', 'advertising'], known),
        statement: dnt?.statement,
        reason: dnt?.reason ?? (dntMode === 'honor' ? DNT_REASON_HONORED : DNT_REASON_IGNORED),
      },
      globalPrivacyControl: {
        mode: gpcMode,
        categories: only(gpc?.categories ?? ['advertising'], known),
        statement: gpc?.statement,
        reason: gpc?.reason ?? (gpcMode === 'honor' ? GPC_REASON_HONORED : GPC_REASON_IGNORED),
      },
    },
    language: config.language ?? 'auto',
    texts: config.texts ?? bare(),
    ui: {
      layout: config.ui?.layout ?? 'bar',
      optOutCategories: only(config.ui?.optOutLink?.categories ?? ['analytics', 'advertising'], known),
      optOutFixed: config.ui?.optOutLink?.fixed ?? true,
      placeholderGrants: config.ui?.placeholderGrants ?? 'service',
      optOutLinks: config.ui?.optOutLinks ?? [],
      theme: themeOf(config.ui?.theme),
      nonce: config.ui?.nonce,
      bannerInOptOut: config.ui?.bannerInOptOut ?? false,
    },
    blocking: {
      unknownThirdParty: config.blocking?.unknownThirdParty ?? 'allow',
      necessaryHosts: config.blocking?.necessaryHosts ?? [],
      reloadOnWithdraw: config.blocking?.reloadOnWithdraw ?? true,
      registry: config.blocking?.registry ?? true,
    },
    sensitivePages: (config.sensitivePages ?? []).map((page) => ({
      match: page.match,
      block: only(page.block ?? ['advertising', 'social'], known),
    })),
    googleConsentMode: config.googleConsentMode,
    receipts: config.receipts && { maxQueued: 50, maxAgeDays: 30, ...config.receipts },
    debug: config.debug ?? false,
  });
}

/** The regime for a region code: exact (`US-CA`), then its country (`US`), then `default`. */
export function modeForRegion(config: ResolvedConfig, region: string | undefined): ConsentMode {
  if (!region) return config.regions.default ?? config.mode;
  const regions = config.regions;
  return regions[region] ?? regions[region.split('-')[0]!] ?? regions.default ?? config.mode;
}
