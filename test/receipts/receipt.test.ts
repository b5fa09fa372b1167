import { describe, expect, it } from 'vitest';
import { checkAgainst } from '../../src/config/validate';
import { buildReceipt, pageOf, receiptKey } from '../../src/receipts';
import { receiptRules } from '../../src/receipts/receipt-rules';
import { VERSION } from '../../src/version';
import { sampleRecord } from '../fixtures/records';

const context = { required: ['necessary'], withdrawal: false, url: 'https://health.example/conditions/asthma?email=a@b.example#top', language: 'en' };

describe('buildReceipt', () => {
  it('carries the record, the page without query or fragment, the language and the SDK version', () => {
    const record = sampleRecord();
    const receipt = buildReceipt(record, context);
    expect(receipt).toEqual({
      v: 1,
      consentId: record.id,
      seq: 2,
      decision: 'partial',
      method: 'preferences',
      decidedAt: record.updatedAt,
      givenAt: record.givenAt,
      policyVersion: '2024-06',
      mode: 'opt-in',
      categories: record.categories,
      services: record.services,
      signals: record.signals,
      page: 'https://health.example/conditions/asthma',
      language: 'en',
      sdkVersion: VERSION,
    });
    expect(JSON.stringify(receipt)).not.toContain('email');
    expect(receiptKey(receipt)).toBe(`${record.id}#2`);
  });

  it('passes the collector\'s rules (the same tree the server validates with)', () => {
    const withdrawn = sampleRecord({ withdrawnAt: '2026-11-21T10:00:00.000Z' });
    for (const receipt of [buildReceipt(sampleRecord(), context), buildReceipt(withdrawn, { ...context, withdrawal: true })]) {
      expect(checkAgainst(receipt, receiptRules)).toEqual([]);
    }
  });

  it('names the decision: all optional categories on, all off, some, or a withdrawal', () => {
    const on = { necessary: true, analytics: true, advertising: true };
    const off = { necessary: true, analytics: false, advertising: false };
    expect(buildReceipt(sampleRecord({ categories: on, services: {} }), context).decision).toBe('accept-all');
    expect(buildReceipt(sampleRecord({ categories: off, services: {} }), context).decision).toBe('reject-all');
    // A service switched off inside an accepted category is not "accept all", and one switched on is not "reject all".
    expect(buildReceipt(sampleRecord({ categories: on, services: { hotjar: false } }), context).decision).toBe('partial');
    expect(buildReceipt(sampleRecord({ categories: off, services: { hotjar: true } }), context).decision).toBe('partial');
    expect(buildReceipt(sampleRecord({ categories: off, services: {} }), { ...context, withdrawal: true }).decision).toBe('withdraw');
  });

  it('keeps only origin and path of a page, and nothing of what is not a URL', () => {
    expect(pageOf('https://a.example:8443/p/q?x=1#y')).toBe('https://a.example:8443/p/q');
    expect(pageOf('not a url')).toBe('');
  });
});
