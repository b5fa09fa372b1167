import { describe, expect, it } from 'vitest';
import { parseRecord, randomConsentId, serializeRecord } from '../../src/consent';
import { sampleRecord } from '../fixtures/records';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const check = { policyVersion: '2024-06', lifetimeDays: 365, now: NOW };

describe('parseRecord', () => {
  it('round-trips a record', () => {
    const record = sampleRecord();
    expect(parseRecord(serializeRecord(record), check)).toEqual({ record, status: 'ok' });
  });

  it('treats no value as no decision', () => {
    expect(parseRecord(undefined, check)).toEqual({ record: null, status: 'none' });
    expect(parseRecord('', check)).toEqual({ record: null, status: 'none' });
  });

  it('asks again after a policy version change', () => {
    expect(parseRecord(serializeRecord(sampleRecord({ policyVersion: '2023-01' })), check).status).toBe('outdated');
  });

  it('asks again after the consent lifetime', () => {
    const old = sampleRecord({ updatedAt: '2025-11-22T11:00:00.000Z', givenAt: '2025-11-22T11:00:00.000Z' });
    expect(parseRecord(serializeRecord(old), check).status).toBe('expired');
    expect(parseRecord(serializeRecord(old), { ...check, lifetimeDays: 395 }).status).toBe('ok');
  });

  it.each<[string, (r: any) => void]>([
    ['a wrong format version', (r) => (r.v = 2)],
    ['a consent id that is not a UUID', (r) => (r.id = 'admin')],
    ['a date from the future', (r) => (r.updatedAt = '2030-01-01T00:00:00.000Z')],
    ['a date that is not ISO', (r) => (r.givenAt = 'yesterday')],
    ['a choice that is not a boolean', (r) => (r.categories.analytics = 'yes')],
    ['an unknown method', (r) => (r.method = 'hacker')],
    ['a sequence below 1', (r) => (r.seq = 0)],
    ['signals missing', (r) => delete r.signals],
    ['a malformed signal', (r) => (r.signals.doNotTrack.honored = 'no')],
    ['an unknown mode', (r) => (r.mode = 'opt-maybe')],
  ])('rejects a tampered record: %s', (_, tamper) => {
    const record = sampleRecord() as any;
    tamper(record);
    expect(parseRecord(JSON.stringify(record), check)).toEqual({ record: null, status: 'invalid' });
  });

  it('rejects malformed and oversized values without throwing', () => {
    for (const raw of ['{', 'null', '[]', '"text"', '42', '{"v":1}', 'x'.repeat(5000), JSON.stringify({ ...sampleRecord(), pad: 'x'.repeat(4000) })]) {
      expect(parseRecord(raw, check).record).toBeNull();
    }
  });
});

describe('randomConsentId', () => {
  it('makes distinct version 4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 200 }, randomConsentId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('the stored record size', () => {
  it('stays well under the 4 KB cookie limit: a full record for 5 categories is under 1.1 KB encoded', () => {
    const record = sampleRecord({
      categories: { necessary: true, functional: true, analytics: true, advertising: false, social: true },
      services: { youtube: true, hotjar: false, 'x-widgets': false },
      withdrawnAt: '2026-11-10T10:00:00.000Z',
    });
    record.signals.doNotTrack.reason = 'Not honored: no common definition or industry standard for Do Not Track exists (privacy policy).';
    record.signals.globalPrivacyControl.reason = 'Honored: Global Privacy Control is an opt-out of sale and sharing.';
    record.signals.globalPrivacyControl.overriddenByVisitor = ['advertising'];
    // What js-cookie writes: encodeURIComponent, then the characters a cookie value may hold decoded back.
    const encoded = encodeURIComponent(serializeRecord(record)).replace(/%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g, decodeURIComponent);
    expect(encoded.length).toBeLessThan(1100);
    console.info(`record cookie value: ${encoded.length} bytes`);
  });
});
