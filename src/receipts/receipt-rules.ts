import { idList } from '../config/config-rules';
import { anyOf, bool, map, nul, num, obj, str, type Rule } from '../config/rules';
import { CONSENT_ID, CONSENT_METHODS } from '../consent/record';

/**
 * The shape of a consent receipt (`ConsentReceipt` in `../types.ts`). The SDK builds receipts and
 * never checks them, so this tree ships to no visitor: the collector (server/) validates every
 * receipt with it, and `npm run schema` writes it out as `server/receipt.schema.json`.
 * Stricter than the config rules: a receipt is evidence, so an unknown key is refused, not warned.
 */

const isoDate = str({ re: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/, x: 'an ISO 8601 UTC time like "2026-11-23T16:30:00.000Z"' });
const choices = map(bool, { keyRe: /^[a-z][a-z0-9_-]*$/, x: 'ids mapped to true or false' });

const signal = obj(
  {
    observed: anyOf('"1", "0", true, false or null', str({ re: /^.{0,16}$/, x: 'a short string' }), bool, nul),
    honored: bool,
    categories: idList,
    reason: str({ re: /^[\s\S]{0,500}$/, x: 'a reason of at most 500 characters' }),
    overriddenByVisitor: idList,
  },
  { req: ['observed', 'honored', 'categories', 'reason'] },
);

/**
 * `checkAgainst` finds a key's rule as `props[key]`, and a receipt's sender picks the keys: in an
 * ordinary object `constructor`, `toString` or `__proto__` would find Object.prototype's members
 * and pass unchecked. The receipt's tree holds its props without a prototype, so they are unknown.
 */
function ownKeysOnly<R extends Rule>(rule: R): R {
  switch (rule.k) {
    case 'o': {
      const props: Record<string, Rule> = Object.create(null);
      for (const [key, sub] of Object.entries(rule.props)) props[key] = ownKeysOnly(sub);
      return { ...rule, props, ...(rule.values && { values: ownKeysOnly(rule.values) }) };
    }
    case 'a':
      return { ...rule, of: ownKeysOnly(rule.of) };
    case 'u':
      return { ...rule, of: rule.of.map(ownKeysOnly) };
    default:
      return rule;
  }
}

export const receiptRules = ownKeysOnly(obj(
  {
    v: num(1, 1, true),
    consentId: str({ re: CONSENT_ID, x: 'a UUID v4 in lower case' }),
    seq: num(1, 1e9, true),
    decision: str({ oneOf: ['accept-all', 'reject-all', 'partial', 'withdraw'] }),
    method: str({ oneOf: CONSENT_METHODS }),
    decidedAt: isoDate,
    givenAt: isoDate,
    withdrawnAt: isoDate,
    policyVersion: str({ re: /^\S.{0,99}$/, x: 'a policy version of 1 to 100 characters' }),
    mode: str({ oneOf: ['opt-in', 'opt-out'] }),
    categories: choices,
    services: choices,
    signals: obj({ doNotTrack: signal, globalPrivacyControl: signal }, { req: ['doNotTrack', 'globalPrivacyControl'] }),
    page: str({ re: /^https?:\/\/[^\s?#]{1,2000}$/, x: 'an http(s) URL without query string or fragment' }),
    language: str({ re: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, x: 'a language tag like "en" or "pt-BR"' }),
    sdkVersion: str({ re: /^[0-9A-Za-z.+-]{1,40}$/, x: 'a version like "0.1.0"' }),
  },
  {
    req: ['v', 'consentId', 'seq', 'decision', 'method', 'decidedAt', 'givenAt', 'policyVersion', 'mode', 'categories', 'services', 'signals', 'page', 'language', 'sdkVersion'],
    x: 'a receipt object',
  },
));

/** Descriptions for the receipt's JSON Schema, by path. */
export const receiptDocs: Record<string, string> = {
  '': 'Proof of one consent decision, as the SDK sends it to the collector.',
  consentId: 'Random consent ID (UUID v4) of the visitor\'s record; with seq, the receipt\'s identity.',
  seq: 'Decision number within the record: 1, 2, 3…',
  decision: 'What the decision amounted to: every optional category on, all off, some, or a withdrawal.',
  method: 'Where the decision was made: banner button, preferences, opt-out link, placeholder, API, or a browser signal.',
  decidedAt: 'When this decision was made (UTC).',
  givenAt: 'When the first decision of this record was made (UTC).',
  withdrawnAt: 'When consent was last withdrawn (UTC), if ever.',
  policyVersion: 'Version of the privacy policy the decision was made under.',
  mode: 'Regime: opt-in (nothing runs before consent) or opt-out.',
  categories: 'Choice per category id.',
  services: 'Per-service choices that differ from their category.',
  signals: 'Do Not Track and Global Privacy Control: what the browser sent and what the site did about it.',
  page: 'Page of the decision: origin and path, no query string or fragment.',
  language: 'Language the texts were shown in.',
  sdkVersion: 'ConsentGate version that made the receipt.',
};
