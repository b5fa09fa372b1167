import type en from '../ui/i18n/en.json';
import { GOOGLE_CONSENT_TYPES } from './google-consent-types';
import { arr, bool, keyed, map, num, obj, str } from './rules';

/**
 * The shape of a ConsentGate config. `ConsentGateConfig` in `../types.ts` is proved to be the type
 * this tree accepts by test/config/config-type.test-d.ts.
 */

const ID = /^[a-z][a-z0-9_-]*$/;
export const id = str({ re: ID, x: 'an id like "analytics" (a-z, 0-9, - and _)' });
export const idList = arr(id, { x: 'an array of category ids' });
/** host, *.host, or host/path-prefix (a `*` stands for one path segment). */
export const HOST_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/\S*)?$/;
const url = str({ url: true });
const mode = str({ oneOf: ['opt-in', 'opt-out'] });
const signalMode = str({ oneOf: ['honor', 'ignore'] });

const cookie = obj(
  {
    name: str({ re: /^[^\s;,=]+$/, x: 'a cookie name or * pattern' }),
    purpose: str(),
    lifetime: str({ re: /^(session|\d+ (minute|hour|day|week|month|year)s?)$/, x: '"session" or a duration like "13 months"' }),
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
    domains: arr(str({ re: HOST_PATTERN, x: 'a host pattern (host, *.host or host/path)' }), { x: 'an array of host patterns' }),
    cookies: arr(cookie, { x: 'an array of cookie declarations' }),
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
    services: arr(service, { x: 'an array of services' }),
  },
  { req: ['id'] },
);

/**
 * `ui.theme`: the style sheet's custom properties, each with the only kind of value it takes
 * (issue 16, item 5: a value like `url(https://tracker/)` would make the page fetch it). Colours are
 * a hex code, a name, or a colour function of numbers; lengths a number with a unit; the font a
 * family list. No value can hold `(` beyond a colour function's numbers, `;`, `{`, `}`, `\` or a
 * comment, so none can name a URL or end the declaration.
 */
const colour = str({
  re: /^(#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{1,40}|(rgba?|hsla?|hwb|lab|lch|oklab|oklch)\([-+0-9a-z.,%/ ]{0,80}\))$/,
  x: 'a colour: #hex, a name, or rgb()/hsl()/oklch()… of numbers',
});
const length = str({ re: /^(0|(\d{1,4}(\.\d{1,4})?|\.\d{1,4})(px|r?em|%|ch|ex|vw|vh|vmin|vmax|pt))$/, x: 'a length like "12px" or "0.75rem"' });
export const themeRules = {
  '--cg-bg': colour,
  '--cg-fg': colour,
  '--cg-muted': colour,
  '--cg-accent': colour,
  '--cg-on-accent': colour,
  '--cg-line': colour,
  '--cg-soft': colour,
  '--cg-radius': length,
  '--cg-space': length,
  '--cg-font': str({ re: /^[-\w ,.'"\u00a0-\uffff]{1,200}$/, x: 'font families like "Inter, sans-serif"' }),
};

const signal = obj(
  { mode: signalMode, categories: idList, statement: str(), reason: str() },
  { req: ['mode'] },
);

/** The UI's text keys: those of the reference locale, and a title and description per category. */
type TextKey = Exclude<keyof typeof en, `category.${string}`> | `category.${string}.${'title' | 'description'}`;

export const configRules = obj(
  {
    $schema: str(),
    mode,
    regions: map(mode, { keyRe: /^([A-Z]{2}(-[A-Z0-9]{1,3})?|default)$/, x: 'region codes ("US-CA", "default") mapped to modes' }),
    policy: obj(
      {
        version: str({ re: /\S/, x: 'a non-empty string' }),
        privacyPolicyUrl: url,
        lifetimeDays: num(1, 395, true),
        cookieName: str({ re: /^[A-Za-z0-9_-]+$/, x: 'a cookie name (A-Z, a-z, 0-9, - and _)' }),
        cookieDomain: str({ re: /^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/, x: 'a domain like "example.com"' }),
        cookiePath: str({ re: /^\/\S*$/, x: 'a path starting with "/"' }),
      },
      { req: ['version'] },
    ),
    categories: arr(category, { x: 'an array of categories', min: 1 }),
    signals: obj({ doNotTrack: signal, globalPrivacyControl: signal }),
    language: str({ re: /^(auto|[a-z]{2,3}(-[A-Za-z0-9]+)*)$/, x: '"auto" or a language tag like "pt-BR"' }),
    texts: map(keyed<TextKey>()(str(), { x: 'text keys mapped to strings' }), {
      keyRe: /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/,
      x: 'language tags mapped to texts',
    }),
    ui: obj({
      layout: str({ oneOf: ['bar', 'box', 'modal'] }),
      optOutLink: obj({ categories: idList, fixed: bool }),
      placeholderGrants: str({ oneOf: ['service', 'category'] }),
      optOutLinks: arr(obj({ title: str(), url }, { req: ['title', 'url'] }), { x: 'an array of { title, url } links' }),
      theme: obj(themeRules),
      nonce: str({ re: /^[A-Za-z0-9+/=_-]+$/, x: 'a CSP nonce' }),
      bannerInOptOut: bool,
    }),
    blocking: obj({
      unknownThirdParty: str({ oneOf: ['allow', 'block'] }),
      reloadOnWithdraw: bool,
      registry: bool,
    }),
    sensitivePages: arr(obj({ match: str({ re: /^\//, x: 'a path glob starting with "/"' }), block: idList }, { req: ['match'] }), {
      x: 'an array of { match, block }',
    }),
    googleConsentMode: obj(
      {
        enabled: bool,
        map: map(
          arr(
            str({ oneOf: GOOGLE_CONSENT_TYPES }),
            { x: 'an array of Google consent types' },
          ),
          { x: 'category ids mapped to Google consent types' },
        ),
        waitForUpdate: num(0, 10000, true),
        region: arr(str({ re: /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, x: 'a region code like "US-CA"' }), { x: 'an array of region codes' }),
        adsDataRedaction: bool,
        urlPassthrough: bool,
      },
      { req: ['enabled'] },
    ),
    receipts: obj({ endpoint: url, maxQueued: num(1, 500, true), maxAgeDays: num(1, 395, true) }, { req: ['endpoint'] }),
    debug: bool,
  },
  { req: ['policy', 'categories'], x: 'a configuration object' },
);
