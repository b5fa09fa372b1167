import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../src/config';
import { createConsentManager, createMemoryStore, serializeRecord } from '../src/consent';
import { createConsentGate } from '../src/gate';
import { healthSiteConfig } from './fixtures/configs';
import { sampleRecord } from './fixtures/records';

// The SDK reports on the console; the properties below run thousands of hostile inputs.
beforeAll(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(() => vi.restoreAllMocks());

const config = resolveConfig(healthSiteConfig);
const validRecord = serializeRecord(sampleRecord());

/** Stored values a visitor (or an attacker) could put in the consent cookie. */
const cookieValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  // A valid record with one character changed, cut short, or one field replaced.
  fc.tuple(fc.nat(validRecord.length - 1), fc.string({ minLength: 1, maxLength: 1 })).map(([i, c]) => validRecord.slice(0, i) + c + validRecord.slice(i + 1)),
  fc.nat(validRecord.length).map((n) => validRecord.slice(0, n)),
  fc.tuple(fc.constantFrom(...Object.keys(sampleRecord())), fc.jsonValue()).map(([key, value]) => JSON.stringify({ ...sampleRecord(), [key]: value })),
);

describe('no input throws into the caller', () => {
  it('no cookie string makes the manager throw, and a bad one never grants anything', () => {
    fc.assert(
      fc.property(cookieValue, (raw) => {
        const manager = createConsentManager({ config, store: createMemoryStore(raw), signals: { doNotTrack: null, globalPrivacyControl: false } });
        const granted = manager.isGranted('analytics');
        if (manager.storedStatus !== 'ok') expect(granted).toBe(false);
        manager.acceptAll();
        manager.update({ analytics: false });
        manager.withdraw();
      }),
      { numRuns: 1500 },
    );
  });

  it('no JSON value given as config makes createConsentGate throw; an invalid one fails closed', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const gate = createConsentGate(value, { store: createMemoryStore(), signals: { doNotTrack: null, globalPrivacyControl: false }, blocking: false });
        if (gate.problems.some((p) => p.severity === 'error')) {
          gate.acceptAll();
          expect(gate.isGranted('analytics')).toBe(false);
          expect(gate.get()).toBeNull();
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('no JSON value as a mutation of a valid config makes it throw', () => {
    const keys = ['mode', 'policy', 'categories', 'signals', 'texts', 'ui', 'blocking', 'regions', 'sensitivePages', 'googleConsentMode', 'language'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const gate = createConsentGate({ ...healthSiteConfig, [key]: value }, { store: createMemoryStore(), signals: { doNotTrack: null, globalPrivacyControl: false }, blocking: false });
        gate.acceptAll();
        gate.isGranted('advertising');
      }),
      { numRuns: 1000 },
    );
  });

  // The API's methods run inside safe(), which catches whatever escapes, so "does not throw" alone
  // cannot fail. What is asserted: the SDK handled every argument itself (safe() reports
  // "<method>() failed." for what escaped), and the record stays a valid one.
  it('no argument given to the public API escapes into safe(), and the record stays valid', () => {
    const gate = createConsentGate(healthSiteConfig, { store: createMemoryStore(), signals: { doNotTrack: null, globalPrivacyControl: false }, blocking: false });
    const methods = ['acceptAll', 'rejectAll', 'update', 'withdraw', 'get', 'isGranted', 'onChange', 'whenGranted', 'showBanner', 'showPreferences', 'setRegion'] as const;
    const error = vi.mocked(console.error);
    fc.assert(
      fc.property(fc.constantFrom(...methods), fc.array(fc.anything(), { maxLength: 3 }), (method, args) => {
        error.mockClear();
        (gate[method] as (...a: unknown[]) => unknown)(...args);
        const escaped = error.mock.calls.filter((call) => call.some((part) => typeof part === 'string' && / failed\./.test(part)));
        expect(escaped).toEqual([]);
        const record = gate.get();
        if (record) expect(record.categories.necessary).toBe(true);
        expect(typeof gate.isGranted('analytics')).toBe('boolean');
      }),
      { numRuns: 1500 },
    );
  });

  it('a listener that throws changes nothing: the decision, the record and the other listeners are as without it', () => {
    const decide = (withThrower: boolean) => {
      const store = createMemoryStore();
      const gate = createConsentGate(healthSiteConfig, { store, signals: { doNotTrack: null, globalPrivacyControl: false }, blocking: false });
      const seen: string[] = [];
      if (withThrower) gate.onChange(() => {
        throw new Error('listener');
      });
      gate.onChange(({ cause }) => seen.push(cause));
      gate.update({ analytics: true, advertising: false });
      const { id, givenAt, updatedAt, ...record } = gate.get()!;
      return { record, stored: store.read() !== undefined, seen, analytics: gate.isGranted('analytics') };
    };
    expect(decide(true)).toEqual(decide(false));
    expect(decide(true).analytics).toBe(true);
  });
});
