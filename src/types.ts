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
  /** Exact name, or a pattern with `*` wildcards (`_ga_*`). Deleted by this name when consent is withdrawn. */
  name: string;
  /** Why the service sets it, in plain words (the cookie table shows it). */
  purpose?: string;
  /** Lifetime as written for visitors (`"2 years"`), or `"session"` for a single-session cookie. */
  lifetime?: string;
  /** Where it lives. @default 'cookie' */
  storage?: 'cookie' | 'localStorage' | 'sessionStorage';
}

/** A third-party (or first-party) service gated by its category. */
export interface ServiceConfig {
  /** Stable id; a registry id (`"google-analytics"`) merges with the built-in entry. */
  id: string;
  /** Name shown to visitors. @default the registry's title, else the id */
  title?: string;
  /** Company that runs the service (the cookie table's provider column). */
  provider?: string;
  /** What the service does, shown in the preferences. */
  description?: string;
  /**
   * URL patterns the service loads from and sends to: `"google-analytics.com"` (host and its
   * subdomains), `"*.doubleclick.net"`, `"www.facebook.com/tr"` (host + path prefix). Added to the
   * registry's patterns for a registry id.
   */
  domains?: string[];
  /** Cookies and storage keys it sets; deleted when its consent is withdrawn. */
  cookies?: CookieDeclaration[];
  /** The provider's privacy policy (https:, http: or relative). */
  privacyPolicyUrl?: string;
  /** The provider's own opt-out page (https:, http: or relative). */
  optOutUrl?: string;
  /** Whether the visitor may switch this service on its own in the preferences. @default true */
  switchable?: boolean;
}

/** A purpose the visitor consents to. */
export interface CategoryConfig {
  /** Used in `data-category` attributes and the API. Built-in ids, with texts: `necessary`, `functional`, `analytics`, `advertising`, `social`. */
  id: string;
  /** Title shown to visitors. @default the built-in text for the id, else the id */
  title?: string;
  /** Description shown to visitors. @default the built-in text for the id */
  description?: string;
  /** Necessary: always on, shown locked, never switchable. @default false */
  required?: boolean;
  /**
   * State before the visitor decides, in opt-out regimes. In opt-in regimes every non-required
   * category starts off whatever this says: a pre-ticked box is not consent. @default true
   */
  default?: boolean;
  /** Services in this category. A registry id merges with its built-in entry and takes this category. @default [] */
  services?: ServiceConfig[];
}

/** The privacy policy this consent is given under, and where the record is kept. */
export interface PolicyConfig {
  /** Policy version. Changing it invalidates every earlier decision: visitors are asked again. */
  version: string;
  /** Link to the site's privacy policy (https:, http: or relative), shown in the banner. */
  privacyPolicyUrl?: string;
  /** How long a decision counts, in days; at most 395 (13 months). @default 365 */
  lifetimeDays?: number;
  /** Name of the first-party cookie that holds the record. @default 'consentgate' */
  cookieName?: string;
  /** Cookie `Domain` attribute, to share consent across subdomains. @default the current host only */
  cookieDomain?: string;
  /** Cookie `Path`. @default '/' */
  cookiePath?: string;
}

/** What the site does with one browser privacy signal. Every observation and decision is recorded. */
export interface SignalConfig {
  /** `honor`: the signal switches off `categories`; `ignore`: it is recorded, not applied. */
  mode: SignalPolicy;
  /** Categories the signal switches off when honored. */
  categories?: string[];
  /** Statement shown to visitors in the preferences (and next to the opt-out link for GPC). */
  statement?: string;
  /** Why the signal is honored or not; stored in the consent record and receipts. @default a sentence for the mode */
  reason?: string;
}

/** Browser privacy signals: what the site does with them. */
export interface SignalsConfig {
  /**
   * Do Not Track. Ignored by default: there is no common definition of DNT signals and no
   * industry standard for how to read them; the decision is still recorded.
   * @default { "mode": "ignore", "categories": ["analytics", "advertising"] }
   */
  doNotTrack?: SignalConfig;
  /**
   * Global Privacy Control: an opt-out of sale and sharing, honored by default.
   * @default { "mode": "honor", "categories": ["advertising"] }
   */
  globalPrivacyControl?: SignalConfig;
}

/** Banner placement. */
export type BannerLayout = 'bar' | 'box' | 'modal';

/** Banner, preferences, Opt Out link and placeholders. */
export interface UiConfig {
  /** Banner placement: bottom `bar`, corner `box` or centered `modal`. @default 'bar' */
  layout?: BannerLayout;
  /** The persistent Opt Out link, rendered into `[data-consentgate-opt-out]`, else fixed at the bottom. */
  optOutLink?: {
    /** Categories one click opts out of. @default ["analytics", "advertising"] */
    categories?: string[];
    /** Show a small fixed link at the bottom of the page when no `[data-consentgate-opt-out]` exists. @default true */
    fixed?: boolean;
  };
  /** What a placeholder's "Load content" grants: its `service`, or its whole `category`. @default 'service' */
  placeholderGrants?: 'service' | 'category';
  /** Third-party opt-out pages shown in the preferences (the industry ad-choices page). @default [] */
  optOutLinks?: Array<{
    /** The link's text. */
    title: string;
    /** Where it goes (https:, http: or relative). */
    url: string;
  }>;
  /**
   * The UI's colours, lengths and font: the style sheet's custom properties, set on its shadow
   * hosts, e.g. `{ "--cg-accent": "#0a5" }`. Each takes only values of its kind, never `url()`,
   * `var()`, `;`, braces, backslashes or comments: a theme cannot make the page fetch anything or
   * style anything else. Colours: a hex code (`#0a5`), a name, or `rgb()`, `hsl()`, `hwb()`,
   * `lab()`, `lch()`, `oklab()`, `oklch()` of numbers. Lengths: a number with a unit (`px`, `rem`,
   * `em`, `%`…) or `0`. A value of another kind is an error; it is never applied.
   */
  theme?: ThemeConfig;
  /** CSP nonce for the injected `<style>` elements, when the page's CSP needs one. */
  nonce?: string;
  /** Show the banner in opt-out regimes too (otherwise a notice). @default false */
  bannerInOptOut?: boolean;
}

/** The UI's colours, lengths and font (`ui.theme`): see `UiConfig.theme` for the values each takes. */
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

/** How trackers nobody marked are handled. */
export interface BlockingConfig {
  /** Third-party hosts that match no service: `allow` or `block`. @default 'allow' */
  unknownThirdParty?: 'allow' | 'block';
  /**
   * Hosts that `unknownThirdParty: "block"` lets through in every state, before any choice
   * (`js.stripe.com`, `*.example-cdn.net`): a payment form, a library CDN. A host a known service
   * claims still waits for that service's category. @default []
   */
  necessaryHosts?: string[];
  /** Reload the page after a withdrawal so no tracker that already ran keeps running. @default true */
  reloadOnWithdraw?: boolean;
  /** Block the built-in registry's services even when the config does not list them. @default true */
  registry?: boolean;
}

/** A page where some categories stay blocked whatever the consent (health-related pages). */
export interface SensitivePage {
  /** Path glob: `*` within a segment, `**` across segments (`/conditions/**`). */
  match: string;
  /** Categories kept blocked on matching pages. @default ["advertising", "social"] */
  block?: string[];
}

/** A consent type of Google Consent Mode v2. */
export type GoogleConsentType = (typeof GOOGLE_CONSENT_TYPES)[number];

/** Google Consent Mode v2: the `default` and `update` commands pushed to `dataLayer`. */
export interface GoogleConsentModeConfig {
  /** Push the commands. */
  enabled: boolean;
  /**
   * Google consent types per category id: a type is granted when every category mapped to it is.
   * @default { "analytics": ["analytics_storage"], "advertising": ["ad_storage", "ad_user_data", "ad_personalization"], "functional": ["functionality_storage", "personalization_storage"], "necessary": ["security_storage"] }
   */
  map?: Record<string, GoogleConsentType[]>;
  /** `wait_for_update` of the default command, in milliseconds. @default 500 */
  waitForUpdate?: number;
  /** Region codes the default command applies to (`region`). @default every region */
  region?: string[];
  /** `ads_data_redaction` while ad storage is denied. @default not set */
  adsDataRedaction?: boolean;
  /** `url_passthrough`: pass ad click information through URLs while storage is denied. @default not set */
  urlPassthrough?: boolean;
}

/** Proof of consent: every decision sent as a receipt to the site's own collector. */
export interface ReceiptsConfig {
  /** Collector URL (https:, http: or relative): each receipt is POSTed to it as JSON. */
  endpoint: string;
  /** Most unsent receipts kept in localStorage; the oldest go first when full. @default 50 */
  maxQueued?: number;
  /** Days an unsent receipt is retried before it is dropped (and reported). @default 30 */
  maxAgeDays?: number;
}

/** Texts of the UI for one language. Every key is optional: the built-in texts fill the gaps. */
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

/**
 * A ConsentGate configuration, the JSON a site owner writes: the categories and services visitors
 * consent to, the policy version, and how signals, texts, the UI and blocking behave.
 */
export interface ConsentGateConfig {
  /** URL of the JSON Schema, for editor completion (`https://unpkg.com/consentgate/dist/consentgate.schema.json`). */
  $schema?: string;
  /**
   * How consent works before the visitor decides: `opt-in` (UK/EU: blocked until consent) or
   * `opt-out` (US states: allowed until the visitor opts out). @default 'opt-in'
   */
  mode?: ConsentMode;
  /** Regime per region code, chosen with `data-region` on the script tag or `setRegion()`; `default` for unknown regions. */
  regions?: Record<string, ConsentMode>;
  /** The privacy policy this consent is given under, and where the record is kept. */
  policy: PolicyConfig;
  /** Purposes the visitor consents to, each with its services. */
  categories: CategoryConfig[];
  /** Browser privacy signals (Do Not Track, Global Privacy Control): what the site does with them. */
  signals?: SignalsConfig;
  /** UI language, or `auto` (`<html lang>`, then the browser). @default 'auto' */
  language?: string;
  /** UI texts per language tag; each overrides the built-in texts key by key. */
  texts?: Record<string, UiTexts>;
  /** Banner, preferences, Opt Out link and placeholders. */
  ui?: UiConfig;
  /** How trackers nobody marked are handled. */
  blocking?: BlockingConfig;
  /** Pages where categories stay blocked whatever the consent (health conditions, doctor search, a patient portal). @default [] */
  sensitivePages?: SensitivePage[];
  /** Google Consent Mode v2: the default and update commands pushed to `dataLayer`. */
  googleConsentMode?: GoogleConsentModeConfig;
  /** Proof of consent: every decision sent as a receipt to the site's own collector. */
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
