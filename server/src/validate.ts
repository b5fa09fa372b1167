import { checkAgainst } from '../../src/config/validate';
import { receiptRules } from '../../src/receipts/receipt-rules';
import type { ConsentReceipt } from '../../src/types';

/** One thing wrong with a receipt, by JSON path (`signals.doNotTrack.honored`). */
export interface ReceiptProblem {
  path: string;
  message: string;
}

export type ParsedReceipt = { ok: true; receipt: ConsentReceipt; canonical: string } | { ok: false; error: string; problems?: ReceiptProblem[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The receipt's times must be real instants, not only well-formed: "2026-02-30T…" passes the
 * pattern, and so does year 0, which JavaScript reads as 1 BC and PostgreSQL refuses.
 */
const TIME_FIELDS = ['decidedAt', 'givenAt', 'withdrawnAt'] as const;
function isRealTime(value: string): boolean {
  const date = new Date(value);
  return !value.startsWith('0000') && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === value.slice(0, 19);
}

/**
 * Text no database stores as sent: PostgreSQL refuses NUL in text, and an unpaired surrogate
 * becomes U+FFFD on its way to UTF-8 in either engine, so a column would differ from the receipt.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string in a receipt that passed the rules (so at most 4 levels deep), by path. */
function textProblems(value: unknown, path: string, out: ReceiptProblem[]): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) out.push({ path, message: 'expected text without NUL (\\u0000) or unpaired surrogates: no database stores it as sent' });
  } else if (Array.isArray(value)) value.forEach((item, i) => textProblems(item, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) textProblems(item, path ? `${path}.${key}` : key, out);
}

/**
 * A receipt nests 4 levels (receipt → signals → doNotTrack → categories). Anything deeper is no
 * receipt, and is refused before canonicalJson's recursive walk: 16 KB of `[` nest 8,000 deep.
 */
const MAX_DEPTH = 8;

/** Whether `value` holds containers more than `levels` deep; never recurses further than that. */
function deeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  return Object.values(value).some((item) => deeperThan(item, levels - 1));
}

function nestingProblems(value: unknown): ReceiptProblem[] {
  const message = `nested deeper than a receipt can be (at most ${MAX_DEPTH} levels)`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return deeperThan(value, MAX_DEPTH) ? [{ path: '(root)', message }] : [];
  return Object.entries(value)
    .filter(([, item]) => deeperThan(item, MAX_DEPTH - 1))
    .map(([key]) => ({ path: key, message }));
}

/**
 * A body as the collector receives it → a checked receipt, or the error the HTTP layer answers with.
 * The check is the SDK's own rule tree (`src/receipts/receipt-rules.ts`) through `checkAgainst`, so
 * the SDK, the JSON Schema and this server share one definition. A receipt is evidence: every
 * problem counts, warnings (an unknown key) included.
 */
export function parseReceipt(body: Buffer): ParsedReceipt {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, error: 'body is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `malformed JSON: ${(error as Error).message}` };
  }
  const tooDeep = nestingProblems(value);
  if (tooDeep.length) return { ok: false, error: 'invalid receipt', problems: tooDeep };
  // The config validator words an unknown key as a warning ("ignored"); in a receipt it is refused.
  const problems: ReceiptProblem[] = checkAgainst(value, receiptRules).map(({ path, message }) => ({ path, message: message.replace(/^unknown key, ignored/, 'unknown key') }));
  if (!problems.length) {
    const receipt = value as ConsentReceipt;
    for (const field of TIME_FIELDS) {
      const time = receipt[field];
      if (typeof time === 'string' && !isRealTime(time)) problems.push({ path: field, message: 'expected a real date and time; this one does not exist' });
    }
    // The pattern admits "https://[": the page is compared with the request's Origin as a parsed URL.
    if (!URL.canParse(receipt.page)) problems.push({ path: 'page', message: 'expected a URL a browser could have sent; this one does not parse' });
    textProblems(receipt, '', problems);
  }
  if (problems.length) return { ok: false, error: 'invalid receipt', problems };
  return { ok: true, receipt: value as ConsentReceipt, canonical: canonicalJson(value) };
}

/**
 * JSON with object keys sorted at every level and no spaces: two receipts that say the same thing
 * give the same text, whatever order the sender wrote the keys in. What the store keeps and compares.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    // No prototype: a `__proto__` key stays a key.
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** `decidedAt` as the store indexes it: always with milliseconds, so text order is time order. */
export const normalizedTime = (iso: string): string => new Date(iso).toISOString();
