import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { ruleSchema } from '../../src/config/json-schema';
import { receiptDocs, receiptRules } from '../../src/receipts/receipt-rules';
import { parseReceipt } from '../src/validate';
import { makeReceipt } from './_util/receipts';

// Paths from the project root (vitest's cwd).
const schemaFile = resolve('server/receipt.schema.json');
const schema = ruleSchema(receiptRules, receiptDocs, {
  title: 'ConsentGate consent receipt',
  $comment: 'Generated from src/receipts/receipt-rules.ts by server/test/receipt-schema.test.ts: do not edit; `npm run schema` rewrites it.',
});

describe('the receipt JSON Schema (server/receipt.schema.json)', () => {
  it('is the one the receipt rules produce (UPDATE_SCHEMA=1 rewrites it)', () => {
    const text = JSON.stringify(schema, null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA) writeFileSync(schemaFile, text);
    expect(readFileSync(schemaFile, 'utf8')).toBe(text);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const check = ajv.compile(schema);
  // The collector and the schema must agree: one rule tree behind both. (The collector's checks
  // beyond the schema are left out here: JSON Schema patterns cannot say that a time exists on the
  // calendar or that a URL parses.)
  const agree = (value: unknown) => {
    const collector = parseReceipt(Buffer.from(JSON.stringify(value))).ok;
    expect(check(value), JSON.stringify(value).slice(0, 300)).toBe(collector);
    return collector;
  };

  it('agrees with the collector on receipts the SDK builds and on broken ones', () => {
    const receipt = makeReceipt();
    expect(agree(receipt)).toBe(true);
    expect(agree(makeReceipt({ withdrawnAt: '2026-11-21T08:00:00.000Z' }, { decision: 'withdraw', method: 'opt-out-link' }))).toBe(true);
    expect(agree({ ...receipt, signals: { ...receipt.signals, doNotTrack: { ...receipt.signals.doNotTrack, observed: null } } })).toBe(true);
    expect(agree({ ...receipt, signals: { ...receipt.signals, globalPrivacyControl: { ...receipt.signals.globalPrivacyControl, overriddenByVisitor: ['advertising'] } } })).toBe(true);

    const broken: unknown[] = [
      { ...receipt, v: 2 },
      { ...receipt, seq: 0 },
      { ...receipt, seq: 1.5 },
      { ...receipt, consentId: receipt.consentId.toUpperCase() },
      { ...receipt, decision: 'maybe' },
      { ...receipt, decidedAt: '2026-11-23 16:30:00' },
      { ...receipt, page: 'https://site.example/?email=a@b.example' },
      { ...receipt, page: 'javascript:alert(1)' },
      { ...receipt, language: 'english!' },
      { ...receipt, categories: { Analytics: true } },
      { ...receipt, services: { hotjar: 'no' } },
      { ...receipt, signals: { doNotTrack: receipt.signals.doNotTrack } },
      { ...receipt, signals: { ...receipt.signals, doNotTrack: { ...receipt.signals.doNotTrack, observed: 1 } } },
      { ...receipt, ip: '203.0.113.7' },
      { ...receipt, policyVersion: ' leading space' },
      [],
      null,
    ];
    for (const value of broken) expect(agree(value)).toBe(false);
  });
});
