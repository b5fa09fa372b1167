import { describe, expect, it, vi } from 'vitest';
import { resolveConfig, validateConfig } from '../../src/config';
import { MAX_CATEGORIES } from '../../src/config/config-rules';
import { createConsentManager, createMemoryStore, parseRecord, randomConsentId, serializeRecord } from '../../src/consent';
import { largestRecord, MAX_RECORD_BYTES, recordBytes } from '../../src/consent/record';
import type { ConsentGateConfig, ConsentRecord } from '../../src/types';
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

describe('the record at the config limits (issue 16, item 8)', () => {
  /** 64 categories, each id as long as a category id may be (24 characters). */
  const maximal = (signals: ConsentGateConfig['signals'] = {}): ConsentGateConfig => ({
    policy: { version: '2024-06' },
    categories: Array.from({ length: MAX_CATEGORIES }, (_, i) => ({ id: `c${String(i).padStart(2, '0')}`.padEnd(24, '-x'), required: i === 0 })),
    signals,
  });

  it('fits the cookie with 64 categories of maximal-length ids, honored signals and a withdrawal included', () => {
    const ids = maximal().categories.map((c) => c.id);
    expect(ids.every((id) => id.length === 24)).toBe(true);
    const config = maximal({ globalPrivacyControl: { mode: 'honor', categories: ids.slice(1, 4) } });
    expect(validateConfig(config).problems).toEqual([]);
    const largest = recordBytes(largestRecord(resolveConfig(config)));
    console.info(`largest record at the limits: ${largest} bytes encoded (of ${MAX_RECORD_BYTES})`);
    expect(largest).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    // The real thing: the manager's record after the visitor rejected everything, as it is stored.
    const store = createMemoryStore();
    const manager = createConsentManager({ config: resolveConfig(config), store, signals: { doNotTrack: null, globalPrivacyControl: true } });
    manager.rejectAll('banner-reject-all');
    manager.withdraw('opt-out-link');
    const stored = store.read()!;
    expect(recordBytes(JSON.parse(stored) as ConsentRecord)).toBeLessThanOrEqual(largest);
    expect(parseRecord(stored, { policyVersion: '2024-06', lifetimeDays: 365, now: Date.now() }).status).toBe('ok');
  });

  it('is refused at validation when a config could make it outgrow the cookie, with the path and the size', () => {
    const ids = maximal().categories.map((c) => c.id);
    const config = maximal({ doNotTrack: { mode: 'honor', categories: ids } });
    const problems = validateConfig(config).problems;
    expect(problems).toEqual([
      { path: 'categories', message: expect.stringMatching(/^the consent record could take \d+ bytes, more than the 4000 a cookie holds/), severity: 'error' },
    ]);
    // The same categories with the signal ignored record nothing for it, and fit.
    expect(validateConfig(maximal({ doNotTrack: { mode: 'ignore', categories: ids } })).problems).toEqual([]);
  });

  it('says so on the console when per-service choices make it too large: never dropped silently', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const services = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`service-${i}`.padEnd(32, 'x'), false]));
    serializeRecord(sampleRecord({ services }));
    expect(error).toHaveBeenCalledWith('[ConsentGate]', expect.stringMatching(/^The consent record is \d+ bytes, more than the 4000 a cookie holds/));
    error.mockClear();
    serializeRecord(sampleRecord());
    expect(error).not.toHaveBeenCalled();
    error.mockRestore();
  });
});
