/**
 * Type tests of the public API (`vitest --typecheck`): what compiles for users and what must not.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createConsentGate,
  createMemoryStore,
  type ConsentChange,
  type ConsentGate,
  type ConsentGateConfig,
  type ConsentMethod,
  type ConsentRecord,
} from '../src/index';

describe('public types', () => {
  it('createConsentGate takes a config and options and gives the API', () => {
    const gate = createConsentGate({ policy: { version: '1' }, categories: [{ id: 'necessary', required: true }] }, { region: 'US-CA', blocking: false, ui: false, store: createMemoryStore() });
    expectTypeOf(gate).toEqualTypeOf<ConsentGate>();
    expectTypeOf(gate.get()).toEqualTypeOf<ConsentRecord | null>();
    expectTypeOf(gate.isGranted).parameters.toEqualTypeOf<[category: string, service?: string]>();
    expectTypeOf(gate.whenGranted('analytics')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(gate.onChange((change) => expectTypeOf(change).toEqualTypeOf<ConsentChange>())).toEqualTypeOf<() => void>();
    // @ts-expect-error choices are booleans
    gate.update({ analytics: 'yes' });
    // @ts-expect-error problems are read-only
    gate.problems.push({ path: '', message: '', severity: 'error' });
  });

  it('the config type catches what the JSON Schema catches', () => {
    const ok: ConsentGateConfig = {
      mode: 'opt-out',
      policy: { version: '2024-06', lifetimeDays: 365 },
      categories: [{ id: 'analytics', services: [{ id: 'google-analytics', cookies: [{ name: '_ga_*', lifetime: '2 years' }] }] }],
      signals: { doNotTrack: { mode: 'ignore' }, globalPrivacyControl: { mode: 'honor', categories: ['advertising'] } },
      ui: { layout: 'box' },
    };
    expectTypeOf(ok).toMatchTypeOf<ConsentGateConfig>();
    // @ts-expect-error mode is opt-in or opt-out
    const badMode: ConsentGateConfig = { mode: 'opt-maybe', policy: { version: '1' }, categories: [] };
    // @ts-expect-error policy.version is required
    const noVersion: ConsentGateConfig = { policy: {}, categories: [] };
    // @ts-expect-error signal modes are honor or ignore
    const badSignal: ConsentGateConfig = { policy: { version: '1' }, categories: [], signals: { doNotTrack: { mode: 'respect' } } };
    void [badMode, noVersion, badSignal];
  });

  it('the record names its methods and signal decisions', () => {
    expectTypeOf<ConsentRecord['method']>().toEqualTypeOf<ConsentMethod>();
    expectTypeOf<ConsentRecord['signals']['doNotTrack']['honored']>().toEqualTypeOf<boolean>();
    expectTypeOf<ConsentMethod>().toEqualTypeOf<'banner-accept-all' | 'banner-reject-all' | 'preferences' | 'opt-out-link' | 'placeholder' | 'api' | 'signal'>();
  });
});
