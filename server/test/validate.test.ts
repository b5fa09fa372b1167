import { describe, expect, it } from 'vitest';
import { canonicalJson, parseReceipt } from '../src/validate';
import { makeReceipt } from './_util/receipts';

describe('parseReceipt', () => {
  it('accepts what the SDK builds, as canonical JSON', () => {
    const receipt = makeReceipt();
    const parsed = parseReceipt(Buffer.from(JSON.stringify(receipt)));
    expect(parsed).toEqual({ ok: true, receipt, canonical: canonicalJson(receipt) });
    // The SDK keeps origin and path only.
    expect(receipt.page).toBe('https://site.example/pricing');
  });

  it('takes a UTF-8 byte order mark and non-ASCII text', () => {
    const receipt = makeReceipt({ policyVersion: 'Datenschutzerklärung 2026 — v2' });
    const parsed = parseReceipt(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(receipt))]));
    expect(parsed.ok && parsed.receipt.policyVersion).toBe('Datenschutzerklärung 2026 — v2');
  });

  it('refuses times that do not exist, in every time field', () => {
    const parsed = parseReceipt(Buffer.from(JSON.stringify(makeReceipt({ givenAt: '2026-11-31T10:00:00Z', withdrawnAt: '2026-11-23T24:00:00Z' }))));
    expect(parsed).toEqual({
      ok: false,
      error: 'invalid receipt',
      problems: [
        { path: 'givenAt', message: 'expected a real date and time; this one does not exist' },
        { path: 'withdrawnAt', message: 'expected a real date and time; this one does not exist' },
      ],
    });
  });

  /** A receipt as the SDK builds it, with `extra` written into its JSON text before the last brace. */
  const withText = (extra: string, receipt = makeReceipt()) => Buffer.from(JSON.stringify(receipt).slice(0, -1) + extra + '}');

  it('checks own keys only: constructor, toString and __proto__ are unknown keys, at every level', () => {
    const receipt = makeReceipt();
    const text = JSON.stringify({ ...receipt, signals: { ...receipt.signals, doNotTrack: { ...receipt.signals.doNotTrack, toString: 'no' } } })
      .replace('"categories":{', '"categories":{"__proto__":{"x":1},')
      .replace('"signals":{', '"signals":{"constructor":{"prototype":1},');
    const parsed = parseReceipt(Buffer.from(text.slice(0, -1) + ',"constructor":{},"toString":"x","__proto__":{"admin":true},"hasOwnProperty":1}'));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual(
      expect.arrayContaining([
        { path: 'constructor', message: 'unknown key' },
        { path: 'toString', message: 'unknown key' },
        { path: '__proto__', message: 'unknown key' },
        { path: 'hasOwnProperty', message: 'unknown key' },
        { path: 'signals.constructor', message: 'unknown key' },
        { path: 'signals.doNotTrack.toString', message: 'unknown key' },
        { path: 'categories.__proto__', message: 'unexpected key; expected ids mapped to true or false' },
      ]),
    );
    expect(!parsed.ok && parsed.problems).toHaveLength(7);
  });

  it('refuses nesting deeper than a receipt has, whatever the key, without a stack overflow', () => {
    // 7,000 levels fit in the 16 KB body: deep enough to overflow a recursive walk.
    for (const deep of ['['.repeat(7000) + ']'.repeat(7000), '{"constructor":'.repeat(900) + '1' + '}'.repeat(900)]) {
      const parsed = parseReceipt(withText(`,"constructor":${deep}`));
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.problems).toEqual([{ path: 'constructor', message: 'nested deeper than a receipt can be (at most 8 levels)' }]);
    }
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, and keeps a __proto__ key as a key', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":1}'))).toBe('{"__proto__":{"x":1},"a":1}');
  });
});
