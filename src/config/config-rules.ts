import type en from '../ui/i18n/en.json';
import { GOOGLE_CONSENT_TYPES } from './google-consent-types';
import { arr, bool, keyed, map, num, obj, str } from './rules';
import { themeRules } from './theme-rules';

/**
 * The shape of a ConsentGate config, and nothing else: no words, since it ships to every visitor
 * (what an error says was expected is in `config-words.ts`). `ConsentGateConfig` in `../types.ts`
 * is proved to be the type this tree accepts by test/config/config-type.test-d.ts.
 */

const ID = /^[a-z][a-z0-9_-]*$/;
export const id = str({ re: ID });
export const idList = arr(id);
/** host, *.host, or host/path-prefix (a `*` stands for one path segment). */
export const HOST_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/\S*)?$/;
const url = str({ url: true });
const mode = str({ oneOf: ['opt-in', 'opt-out'] });
const signalMode = str({ oneOf: ['honor', 'ignore'] });

const cookie = obj(
  {
    name: str({ re: /^[^\s;,=]+$/ }),
    purpose: str(),
    lifetime: str({ re: /^(session|\d+ (minute|hour|day|week|month|year)s?)$/ }),
    storage: str({ oneOf: ['cookie', 'localStorage', 'sessionStorage'] }),
  },
  { req: ['name'] },
);

const service = obj(
  {
    id,
    title: str(),
    provider: str(),
    description: str(),
    domains: arr(str({ re: HOST_PATTERN })),
    cookies: arr(cookie),
    privacyPolicyUrl: url,
    optOutUrl: url,
    switchable: bool,
  },
  { req: ['id'] },
);

const category = obj(
  {
    id,
    title: str(),
    description: str(),
    required: bool,
    default: bool,
    services: arr(service),
  },
  { req: ['id'] },
);

const signal = obj({ mode: signalMode, categories: idList, statement: str(), reason: str() }, { req: ['mode'] });

/** The UI's text keys: those of the reference locale, and a title and description per category. */
type TextKey = Exclude<keyof typeof en, `category.${string}`> | `category.${string}.${'title' | 'description'}`;

export const configRules = obj(
  {
    $schema: str(),
    mode,
    regions: map(mode, { keyRe: /^([A-Z]{2}(-[A-Z0-9]{1,3})?|default)$/ }),
    policy: obj(
      {
        version: str({ re: /\S/ }),
        privacyPolicyUrl: url,
        lifetimeDays: num(1, 395, true),
        cookieName: str({ re: /^[A-Za-z0-9_-]+$/ }),
        cookieDomain: str({ re: /^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/ }),
        cookiePath: str({ re: /^\/\S*$/ }),
      },
      { req: ['version'] },
    ),
    categories: arr(category, { min: 1 }),
    signals: obj({ doNotTrack: signal, globalPrivacyControl: signal }),
    language: str({ re: /^(auto|[a-z]{2,3}(-[A-Za-z0-9]+)*)$/ }),
    texts: map(keyed<TextKey>()(str()), { keyRe: /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/ }),
    ui: obj({
      layout: str({ oneOf: ['bar', 'box', 'modal'] }),
      optOutLink: obj({ categories: idList, fixed: bool }),
      placeholderGrants: str({ oneOf: ['service', 'category'] }),
      optOutLinks: arr(obj({ title: str(), url }, { req: ['title', 'url'] })),
      theme: obj(themeRules),
      nonce: str({ re: /^[A-Za-z0-9+/=_-]+$/ }),
      bannerInOptOut: bool,
    }),
    blocking: obj({
      unknownThirdParty: str({ oneOf: ['allow', 'block'] }),
      reloadOnWithdraw: bool,
      registry: bool,
    }),
    sensitivePages: arr(obj({ match: str({ re: /^\// }), block: idList }, { req: ['match'] })),
    googleConsentMode: obj(
      {
        enabled: bool,
        map: map(arr(str({ oneOf: GOOGLE_CONSENT_TYPES }))),
        waitForUpdate: num(0, 10000, true),
        region: arr(str({ re: /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/ })),
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
