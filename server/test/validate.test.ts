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
});

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, and keeps a __proto__ key as a key', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":1}'))).toBe('{"__proto__":{"x":1},"a":1}');
  });
});
