/**
 * Public types of ConsentGate. Everything a site owner writes (the JSON config) and everything
 * the SDK hands back (the consent record, the API) is described here, once.
 */
import type { GOOGLE_CONSENT_TYPES } from './config/google-consent-types';

/** How consent works before the visitor decides. */
export type ConsentMode = 'opt-in' | 'opt-out';

/** How the last decision in a record was made. */
export type ConsentMethod =
  | 'banner-accept-all'
  | 'banner-reject-all'
  | 'preferences'
  | 'opt-out-link'
  | 'placeholder'
  | 'api'
  | 'signal';

/** What the site does with a browser privacy signal. */
export type SignalPolicy = 'honor' | 'ignore';

/** A cookie or storage key that a service sets. */
export interface CookieDeclaration {
  /** Exact name, or a pattern with `*` wildcards (`_ga_*`). */
  name: string;
  /** Why the service sets it, in plain words. */
  purpose?: string;
  /** Lifetime as written for visitors (`"2 years"`), or `"session"` for a single-session cookie. */
  lifetime?: string;
  /** Where it lives. @default 'cookie' */
  storage?: 'cookie' | 'localStorage' | 'sessionStorage';
}

/** A third-party (or first-party) service gated by a category. */
export interface ServiceConfig {
  /** Stable id; a registry id (`"google-analytics"`) merges with the built-in entry. */
  id: string;
  title?: string;
  provider?: string;
  description?: string;
  /**
   * URL patterns the service loads from and sends to: `"google-analytics.com"` (host and its
   * subdomains), `"*.doubleclick.net"`, `"www.facebook.com/tr"` (host + path prefix).
   */
  domains?: string[];
  /** Cookies and storage keys it sets; deleted when its consent is withdrawn. */
  cookies?: CookieDeclaration[];
  /** Provider's privacy policy. */
  privacyPolicyUrl?: string;
  /** Provider's own opt-out page. */
  optOutUrl?: string;
  /** Whether the visitor may switch this service on its own in the preferences. @default true */
  switchable?: boolean;
}

/** A purpose the visitor consents to. */
export interface CategoryConfig {
  /** Built-in ids: `necessary`, `functional`, `analytics`, `advertising`, `social`. */
  id: string;
  title?: string;
  description?: string;
  /** Necessary: always on, shown locked, never switchable. @default false */
  required?: boolean;
  /**
   * State before the visitor decides, in opt-out regimes. In opt-in regimes every non-required
   * category starts off whatever this says: a pre-ticked box is not consent. @default true
   */
  default?: boolean;
  services?: ServiceConfig[];
}

export interface PolicyConfig {
  /** Changing it invalidates every earlier decision: the visitor is asked again. */
  version: string;
  /** Link to the site's privacy policy (https:, http: or relative). */
  privacyPolicyUrl?: string;
  /** How long a decision counts, in days. @default 365 (at most 395: 13 months) */
  lifetimeDays?: number;
  /** Name of the first-party cookie that holds the record. @default 'consentgate' */
  cookieName?: string;
  /** Cookie `Domain` attribute (share consent across subdomains). @default current host only */
  cookieDomain?: string;
  /** Cookie `Path`. @default '/' */
  cookiePath?: string;
}

export interface SignalConfig {
  /** `honor`: the signal switches off `categories`; `ignore`: it is recorded, not applied. */
  mode: SignalPolicy;
  /** Categories the signal affects. @default doNotTrack: ['analytics','advertising'], globalPrivacyControl: ['advertising'] */
  categories?: string[];
  /** Statement shown to visitors in the preferences (and next to the opt-out link for GPC). */
  statement?: string;
  /** Why the signal is honored or not; stored in the consent record. */
  reason?: string;
}

export interface SignalsConfig {
  /** @default { mode: 'ignore' } — the policy: no common definition of DNT exists. */
  doNotTrack?: SignalConfig;
  /** @default { mode: 'honor', categories: ['advertising'] } */
  globalPrivacyControl?: SignalConfig;
}

/** Banner placement. */
export type BannerLayout = 'bar' | 'box' | 'modal';

export interface UiConfig {
  /** @default 'bar' */
  layout?: BannerLayout;
  /** The persistent "Opt Out" link. */
  optOutLink?: {
    /** Categories one click opts out of. @default ['analytics','advertising'] */
    categories?: string[];
    /** Show a small fixed link at the bottom of the page when no `[data-consentgate-opt-out]` exists. @default true */
    fixed?: boolean;
  };
  /** Placeholder "Load content" grants the whole category instead of one service. @default 'service' */
  placeholderGrants?: 'service' | 'category';
  /** Third-party opt-out pages shown in the preferences (the industry ad-choices page). */
  optOutLinks?: Array<{ title: string; url: string }>;
  /** The style sheet's custom properties, e.g. `{ "--cg-accent": "#0a5" }`. */
  theme?: ThemeConfig;
  /** Nonce for the injected `<style>` when the page has a strict CSP. */
  nonce?: string;
  /** Show a banner in opt-out regimes too (otherwise a notice). @default false */
  bannerInOptOut?: boolean;
}

/**
 * The UI's colours, lengths and font (`ui.theme`), set on its shadow hosts. Each takes only values
 * of its kind, never `url()`, `var()`, `;`, braces, backslashes or comments: a theme cannot make
 * the page fetch anything or style anything else. Colours: a hex code (`#0a5`), a name, or
 * `rgb()`, `hsl()`, `hwb()`, `lab()`, `lch()`, `oklab()`, `oklch()` of numbers. Lengths: a
 * number with a unit (`px`, `rem`, `em`, `%`…) or `0`.
 */
export interface ThemeConfig {
  /** Background of the banner, the preferences and the fixed link. @default '#fff' */
  '--cg-bg'?: string;
  /** Text colour. @default '#1b1c1f' */
  '--cg-fg'?: string;
  /** Secondary text and switch outlines. @default '#4f525a' */
  '--cg-muted'?: string;
  /** Buttons, links, switches and the focus ring. @default '#1f4fd1' */
  '--cg-accent'?: string;
  /** Text on accent-coloured buttons. @default '#fff' */
  '--cg-on-accent'?: string;
  /** Dividers and borders. @default '#d7d9de' */
  '--cg-line'?: string;
  /** Background of notes and placeholders. @default '#f2f3f5' */
  '--cg-soft'?: string;
  /** Corner radius of panels and buttons. @default '10px' */
  '--cg-radius'?: string;
  /** Padding of panels. @default '16px' */
  '--cg-space'?: string;
  /** Font families, e.g. `"Inter, sans-serif"`: names only (quotes allowed). @default 'system-ui,sans-serif' */
  '--cg-font'?: string;
}

export interface BlockingConfig {
  /** Third-party hosts that match no service. @default 'allow' */
  unknownThirdParty?: 'allow' | 'block';
  /** Reload the page after a withdrawal so no tracker that already ran keeps running. @default true */
  reloadOnWithdraw?: boolean;
  /** Block the built-in registry's services even when the config does not list them. @default true */
  registry?: boolean;
}

/** A page where some categories stay blocked whatever the consent (health-related pages). */
export interface SensitivePage {
  /** Path glob: `*` within a segment, `**` across segments (`/conditions/**`). */
  match: string;
  /** @default ['advertising','social'] */
  block?: string[];
}

/** A consent type of Google Consent Mode v2. */
export type GoogleConsentType = (typeof GOOGLE_CONSENT_TYPES)[number];

export interface GoogleConsentModeConfig {
  enabled: boolean;
  /** Consent types per category. @default analytics→analytics_storage; advertising→ad_storage, ad_user_data, ad_personalization; functional→functionality_storage, personalization_storage; necessary→security_storage */
  map?: Record<string, GoogleConsentType[]>;
  /** @default 500 */
  waitForUpdate?: number;
  region?: string[];
  adsDataRedaction?: boolean;
  urlPassthrough?: boolean;
}

export interface ReceiptsConfig {
  /** Collector URL (https:, http: or relative): receipts are POSTed to it. */
  endpoint: string;
  /** Most unsent receipts kept in localStorage; the oldest go first when full. @default 50 */
  maxQueued?: number;
  /** Days an unsent receipt is retried before it is dropped (and reported). @default 30 */
  maxAgeDays?: number;
}

/** Texts of the UI, per language. Every key is optional: built-in defaults fill the gaps. */
export type UiTexts = Partial<Record<UiTextKey, string>>;

export type UiTextKey =
  | 'bannerTitle'
  | 'bannerText'
  | 'acceptAll'
  | 'rejectAll'
  | 'manage'
  | 'privacyPolicy'
  | 'preferencesTitle'
  | 'preferencesText'
  | 'save'
  | 'close'
  | 'alwaysOn'
  | 'services'
  | 'cookieName'
  | 'cookieProvider'
  | 'cookiePurpose'
  | 'cookieLifetime'
  | 'cookieType'
  | 'session'
  | 'persistent'
  | 'optOut'
  | 'doNotSell'
  | 'optOutDone'
  | 'changeChoices'
  | 'cookieSettings'
  | 'placeholderTitle'
  | 'placeholderText'
  | 'placeholderLoad'
  | 'thirdPartyOptOut'
  | 'sensitivePage'
  | 'optOutNotice'
  | 'doNotTrackStatement'
  | 'gpcStatement'
  | 'gpcHonored'
  | 'necessaryLocked'
  | 'serviceCount'
  | 'noCookies'
  | 'consentCookieTitle'
  | 'consentCookieProvider'
  | 'consentCookiePurpose'
  | `category.${string}.title`
  | `category.${string}.description`;

/** The JSON a site owner writes. */
export interface ConsentGateConfig {
  $schema?: string;
  /** @default 'opt-in' */
  mode?: ConsentMode;
  /** Per-region regime, chosen with `data-region` or `setRegion()`; `default` for unknown regions. */
  regions?: Record<string, ConsentMode>;
  policy: PolicyConfig;
  categories: CategoryConfig[];
  signals?: SignalsConfig;
  /** UI language, or `auto` (`<html lang>`, then the browser). @default 'auto' */
  language?: string;
  texts?: Record<string, UiTexts>;
  ui?: UiConfig;
  blocking?: BlockingConfig;
  sensitivePages?: SensitivePage[];
  googleConsentMode?: GoogleConsentModeConfig;
  receipts?: ReceiptsConfig;
  /** Log what the SDK blocks and releases to the console. @default false */
  debug?: boolean;
}

/** What the SDK saw of a browser signal and what it did about it. */
export interface SignalDecision {
  /** Raw value seen: DNT `"1"`/`"0"`/`null`; GPC `true`/`false`. */
  observed: string | boolean | null;
  /** Whether the signal was applied. */
  honored: boolean;
  /** Categories it switched off (empty when not honored or not observed). */
  categories: string[];
  reason: string;
  /** Categories the visitor explicitly switched back on in the preferences despite the signal. */
  overriddenByVisitor?: string[];
}

/** The proof of one visitor's choices, stored in one first-party cookie. */
export interface ConsentRecord {
  /** Record format version. */
  v: 1;
  /** Random consent ID (UUID v4). */
  id: string;
  /** When consent was first given (ISO 8601). */
  givenAt: string;
  /** When the record last changed (ISO 8601). */
  updatedAt: string;
  /** When consent was last withdrawn, if ever (ISO 8601). */
  withdrawnAt?: string;
  policyVersion: string;
  /** Regime the decision was made under. */
  mode: ConsentMode;
  /** Choice per category id. */
  categories: Record<string, boolean>;
  /** Per-service choices that differ from their category. */
  services: Record<string, boolean>;
  method: ConsentMethod;
  /** Number of decisions in this record (for receipts). */
  seq: number;
  signals: {
    doNotTrack: SignalDecision;
    globalPrivacyControl: SignalDecision;
  };
}

/** What a decision amounted to, for counting: every optional category on, all off, some, or a withdrawal. */
export type ReceiptDecision = 'accept-all' | 'reject-all' | 'partial' | 'withdraw';

/**
 * Proof of one decision, sent to the site's collector (`receipts.endpoint`). It holds what the
 * record holds and where it was made; no IP address, no user agent. Identified by `consentId` +
 * `seq`: sending it twice stores it once.
 */
export interface ConsentReceipt
  extends Pick<ConsentRecord, 'seq' | 'method' | 'givenAt' | 'withdrawnAt' | 'policyVersion' | 'mode' | 'categories' | 'services' | 'signals'> {
  /** Receipt format version. */
  v: 1;
  /** The record's `id`. */
  consentId: string;
  decision: ReceiptDecision;
  /** When this decision was made (the record's `updatedAt`). */
  decidedAt: string;
  /** Page the decision was made on: origin and path, never the query string or fragment. */
  page: string;
  /** Language the visitor was shown the texts in. */
  language: string;
  sdkVersion: string;
}

/** Choices passed to `update()`: category ids, or `"category.service"` / service ids. */
export type ConsentChoices = Record<string, boolean>;

/** Why the listeners were called. */
export type ChangeCause = 'init' | 'decision' | 'withdraw' | 'sync' | 'context';

export interface ConsentChange {
  record: ConsentRecord | null;
  /** Categories that may run now. */
  categories: string[];
  /** Services that may run now. */
  services: string[];
  cause: ChangeCause;
}

export type ChangeListener = (change: ConsentChange) => void;

/** One problem found in a config. */
export interface ConfigProblem {
  /** JSON path: `categories[2].services[0].domains`. */
  path: string;
  /** What was expected: `expected an array of host patterns`. */
  message: string;
  severity: 'error' | 'warning';
  /**
   * Set on the list's last lines only when the list was cut short (after 50 problems): how many
   * problems of this severity were not listed.
   */
  count?: number;
}

/** The API shared by `createConsentGate()` and `window.ConsentGate`. */
export interface ConsentGate {
  readonly version: string;
  acceptAll(): void;
  rejectAll(): void;
  /** `{ analytics: true, 'analytics.google-analytics': false }`. Unlisted categories keep their state. */
  update(choices: ConsentChoices): void;
  /** Withdraws every non-required category; the record keeps when. */
  withdraw(): void;
  /** A copy of the current record, or null before a decision. */
  get(): ConsentRecord | null;
  isGranted(category: string, service?: string): boolean;
  /** Called on every change, and once at once with the current state. Returns an unsubscribe. */
  onChange(listener: ChangeListener): () => void;
  whenGranted(category: string, service?: string): Promise<void>;
  showBanner(): void;
  showPreferences(): void;
  /** Choose the regime for this visitor (`"US-CA"`), before the UI shows. */
  setRegion(region: string): void;
  /** Problems found in the config (empty when valid). */
  readonly problems: readonly ConfigProblem[];
}
