import type en from '../ui/i18n/en.json';
import { GOOGLE_CONSENT_TYPES } from './google-consent-types';
import { themeRules } from './theme-rules';
import { arr, bool, keyed, map, num, obj, str } from './rules';

/**
 * The shape of a ConsentGate config, and nothing else: no words, since it ships to every visitor
 * (what an error says was expected is in `config-words.ts`). `ConsentGateConfig` in `../types.ts` is proved to be the type
 * this tree accepts by test/config/config-type.test-d.ts; its doc comments are the descriptions and
 * defaults that docs/configuration.md and the JSON Schema show (src/config/reference.ts).
 *
 * Limits (issue 16, item 8): every list, map and string has a size well above what real sites
 * need, so that a hostile or broken config cannot make validation, the catalog or the consent
 * record grow without bound. Cross-field limits (1,000 services in all, the consent record under
 * 4 KB) are in `check.ts`.
 */

/** Categories: the consent record keeps one entry per category, so 64 of them must fit a cookie. */
export const MAX_CATEGORIES = 64;
/** Services, in all categories together. */
export const MAX_SERVICES = 1000;

const ID = /^[a-z][a-z0-9_-]*$/;
/**
 * At most 24 characters: the record keeps every category by id, and 64 of them of that length,
 * with honored signals and a withdrawal, still fit the 4 KB cookie with room for per-service
 * choices (test/consent/record.test.ts; 32 would leave about 100 bytes).
 */
export const categoryId = str({ re: ID, max: 24 });
/** Service ids reach the record only where the visitor chose a service apart from its category. */
export const serviceId = str({ re: ID, max: 40 });
export const idList = arr(categoryId, { max: MAX_CATEGORIES });
/** host, *.host, or host/path-prefix (a `*` stands for one path segment). */
export const HOST_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/\S*)?$/;
/** A service's URL pattern: a host pattern, or a path of the site's own host (`/metrics/g/`). */
const DOMAIN_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/\S*)?$|^\/\S*$/;
const url = str({ url: true, max: 2000 });
const title = str({ max: 200 });
const prose = str({ max: 2000 });
const mode = str({ oneOf: ['opt-in', 'opt-out'] });
const signalMode = str({ oneOf: ['honor', 'ignore'] });
const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

const cookie = obj(
  {
    name: str({ re: /^[^\s;,=]+$/, max: 200 }),
    purpose: str({ max: 1000 }),
    lifetime: str({ re: /^(session|\d{1,4} (minute|hour|day|week|month|year)s?)$/ }),
    storage: str({ oneOf: ['cookie', 'localStorage', 'sessionStorage'] }),
  },
  { req: ['name'] },
);

const service = obj(
  {
    id: serviceId,
    title,
    provider: title,
    description: prose,
    domains: arr(str({ re: DOMAIN_PATTERN, max: 300 }), { max: 100 }),
    cookies: arr(cookie, { max: 100 }),
    privacyPolicyUrl: url,
    optOutUrl: url,
    switchable: bool,
  },
  { req: ['id'] },
);

const category = obj(
  {
    id: categoryId,
    title,
    description: prose,
    required: bool,
    default: bool,
    services: arr(service, { max: MAX_SERVICES }),
  },
  { req: ['id'] },
);

// The reason is copied into every consent record and receipt: the receipt rules allow 500 characters.
const signal = obj({ mode: signalMode, categories: idList, statement: str({ max: 1000 }), reason: str({ max: 500 }) }, { req: ['mode'] });


/** The UI's text keys: those of the reference locale, and a title and description per category. */
type TextKey = Exclude<keyof typeof en, `category.${string}`> | `category.${string}.${'title' | 'description'}`;

export const configRules = obj(
  {
    $schema: str({ max: 2000 }),
    mode,
    regions: map(mode, { keyRe: /^([A-Z]{2}(-[A-Z0-9]{1,3})?|default)$/, max: 500 }),
    policy: obj(
      {
        // As the receipt rules take it: every receipt carries it.
        version: str({ re: /^\S.*$/, max: 100 }),
        privacyPolicyUrl: url,
        lifetimeDays: num(1, 395, true),
        cookieName: str({ re: /^[A-Za-z0-9_-]+$/, max: 64 }),
        cookieDomain: str({ re: /^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/, max: 253 }),
        cookiePath: str({ re: /^\/\S*$/, max: 200 }),
      },
      { req: ['version'] },
    ),
    categories: arr(category, { min: 1, max: MAX_CATEGORIES }),
    signals: obj({ doNotTrack: signal, globalPrivacyControl: signal }),
    language: str({ re: /^(auto|[a-z]{2,3}(-[A-Za-z0-9]+)*)$/, max: 35 }),
    texts: map(keyed<TextKey>()(prose, { max: 300 }), { keyRe: /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, max: 50 }),
    ui: obj({
      layout: str({ oneOf: ['bar', 'box', 'modal'] }),
      optOutLink: obj({ categories: idList, fixed: bool }),
      placeholderGrants: str({ oneOf: ['service', 'category'] }),
      optOutLinks: arr(obj({ title, url }, { req: ['title', 'url'] }), { max: 20 }),
      theme: obj(themeRules),
      nonce: str({ re: /^[A-Za-z0-9+/=_-]+$/, max: 200 }),
      bannerInOptOut: bool,
    }),
    blocking: obj({
      unknownThirdParty: str({ oneOf: ['allow', 'block'] }),
      // Hosts only: the guards judge an unknown URL by its host (held-queue.ts).
      necessaryHosts: arr(str({ re: /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, max: 253 }), { max: 100 }),
      reloadOnWithdraw: bool,
      registry: bool,
    }),
    sensitivePages: arr(obj({ match: str({ re: /^\//, max: 300 }), block: idList }, { req: ['match'] }), { max: 100 }),
    googleConsentMode: obj(
      {
        enabled: bool,
        map: map(arr(str({ oneOf: GOOGLE_CONSENT_TYPES }), { max: GOOGLE_CONSENT_TYPES.length }), { max: MAX_CATEGORIES }),
        waitForUpdate: num(0, 10000, true),
        region: arr(str({ re: REGION }), { max: 500 }),
        adsDataRedaction: bool,
        urlPassthrough: bool,
      },
      { req: ['enabled'] },
    ),
    receipts: obj({ endpoint: url, maxQueued: num(1, 500, true), maxAgeDays: num(1, 395, true) }, { req: ['endpoint'] }),
    debug: bool,
  },
  { req: ['policy', 'categories'] },
);
