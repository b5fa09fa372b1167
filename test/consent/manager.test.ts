import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config';
import { createConsentManager, createMemoryStore } from '../../src/consent';
import type { ConsentChange, ConsentGateConfig } from '../../src/types';
import { healthSiteConfig } from '../fixtures/configs';
import { NO_SIGNALS, setup as setupManager, type SetupOptions } from '../fixtures/integrations/setup';

/** The shared manager fixture, plus every change its listeners saw. */
function setup(options: SetupOptions = {}) {
  const env = setupManager(options);
  const changes: ConsentChange[] = [];
  env.manager.onChange((change) => changes.push(change));
  return { ...env, changes };
}

describe('ConsentManager in opt-in mode', () => {
  it('blocks every non-required category until the visitor decides', () => {
    const { manager } = setup();
    expect(manager.hasDecision()).toBe(false);
    expect(manager.isGranted('necessary')).toBe(true);
    for (const id of ['functional', 'analytics', 'advertising', 'social']) expect(manager.isGranted(id)).toBe(false);
    expect(manager.isGranted('unknown-category')).toBe(false);
  });

  it('acceptAll grants every category and writes a complete record', () => {
    const { manager, stored } = setup();
    manager.acceptAll('banner-accept-all');
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('advertising', 'meta-pixel')).toBe(true);
    expect(stored()).toEqual({
      v: 1,
      id: '3f1c2b7a-9d4e-4a61-8f2b-5c6d7e8f9a0b',
      givenAt: '2026-11-23T12:00:00.000Z',
      updatedAt: '2026-11-23T12:00:00.000Z',
      policyVersion: '2024-06',
      mode: 'opt-in',
      categories: { necessary: true, functional: true, analytics: true, advertising: true, social: true },
      services: {},
      method: 'banner-accept-all',
      seq: 1,
      signals: {
        doNotTrack: {
          observed: null,
          honored: false,
          categories: [],
          reason: 'Not honored: no common definition or industry standard for Do Not Track exists (privacy policy).',
        },
        globalPrivacyControl: { observed: false, honored: true, categories: [], reason: 'Honored: Global Privacy Control is an opt-out of sale and sharing.' },
      },
    });
  });

  it('rejectAll keeps only required categories', () => {
    const { manager, stored } = setup();
    manager.rejectAll('banner-reject-all');
    expect(manager.isGranted('analytics')).toBe(false);
    expect(manager.isGranted('necessary')).toBe(true);
    expect(stored()!.categories).toEqual({ necessary: true, functional: false, analytics: false, advertising: false, social: false });
    expect(stored()!.method).toBe('banner-reject-all');
  });

  it('update sets categories and single services, keeps the rest, and counts decisions', () => {
    const { manager, stored, tick } = setup();
    manager.update({ analytics: true }, 'preferences');
    tick(1000);
    manager.update({ 'social.youtube': true, hotjar: false }, 'placeholder');
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('analytics', 'hotjar')).toBe(false);
    expect(manager.isGranted('analytics', 'google-analytics')).toBe(true);
    expect(manager.isGranted('social')).toBe(false);
    expect(manager.isGranted('social', 'youtube')).toBe(true);
    expect(manager.isGranted('social', 'x-widgets')).toBe(false);
    const record = stored()!;
    expect(record.services).toEqual({ youtube: true, hotjar: false });
    expect(record.seq).toBe(2);
    expect(record.givenAt).toBe('2026-11-23T12:00:00.000Z');
    expect(record.updatedAt).toBe('2026-11-23T12:00:01.000Z');
    expect(record.method).toBe('placeholder');
  });

  it('a category choice speaks for its services again', () => {
    const { manager } = setup();
    manager.update({ hotjar: false, analytics: true });
    manager.update({ analytics: true });
    expect(manager.isGranted('analytics', 'hotjar')).toBe(true);
  });

  it('ignores unknown keys and non-boolean values, with a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { manager } = setup();
    manager.update({ marketing: true, analytics: 'yes' as unknown as boolean });
    expect(manager.isGranted('analytics')).toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0])).toContain('[ConsentGate]');
    warn.mockRestore();
  });

  it('cannot switch off a required category', () => {
    const { manager } = setup();
    manager.update({ necessary: false });
    expect(manager.isGranted('necessary')).toBe(true);
    expect(manager.get()!.categories.necessary).toBe(true);
  });

  it('withdraw revokes everything but keeps when consent was given and when withdrawn', () => {
    const { manager, stored, tick, changes } = setup();
    manager.acceptAll();
    tick(60_000);
    manager.withdraw('opt-out-link');
    const record = stored()!;
    expect(record.givenAt).toBe('2026-11-23T12:00:00.000Z');
    expect(record.withdrawnAt).toBe('2026-11-23T12:01:00.000Z');
    expect(record.categories.analytics).toBe(false);
    expect(changes.at(-1)!.cause).toBe('withdraw');
    expect(changes.at(-1)!.categories).toEqual(['necessary']);
  });

  it('get() returns a copy that cannot change the state', () => {
    const { manager } = setup();
    manager.rejectAll();
    const record = manager.get()!;
    record.categories.analytics = true;
    expect(manager.isGranted('analytics')).toBe(false);
  });

  it('restores a returning visitor and asks again after a policy change', () => {
    const first = setup();
    first.manager.acceptAll();
    const raw = first.store.read();
    expect(setup({ stored: raw }).manager.isGranted('analytics')).toBe(true);
    const changed = setup({ stored: raw, config: { ...healthSiteConfig, policy: { ...healthSiteConfig.policy, version: '2025-01' } } });
    expect(changed.manager.hasDecision()).toBe(false);
    expect(changed.manager.storedStatus).toBe('outdated');
    expect(changed.manager.isGranted('analytics')).toBe(false);
  });

  it('treats a tampered cookie as no decision', () => {
    const { manager } = setup({ stored: '{"v":1,"categories":{"analytics":true}}' });
    expect(manager.hasDecision()).toBe(false);
    expect(manager.storedStatus).toBe('invalid');
    expect(manager.isGranted('analytics')).toBe(false);
  });
});

describe('ConsentManager listeners', () => {
  it('tells a late subscriber the current state at once', () => {
    const { manager } = setup();
    manager.acceptAll();
    const listener = vi.fn();
    manager.onChange(listener);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]![0]).toMatchObject({ cause: 'init', categories: ['necessary', 'functional', 'analytics', 'advertising', 'social'] });
  });

  it('lists granted categories and services, and stops after unsubscribe', () => {
    const { manager } = setup();
    const listener = vi.fn();
    const stop = manager.onChange(listener);
    manager.update({ analytics: true, hotjar: false });
    expect(listener.mock.calls[1]![0]).toMatchObject({ cause: 'decision', categories: ['necessary', 'analytics'], services: ['google-analytics'] });
    stop();
    manager.rejectAll();
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('reports a throwing listener and still calls the others', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { manager } = setup();
    const after = vi.fn();
    manager.onChange((change) => {
      if (change.cause !== 'init') throw new Error('site bug');
    });
    manager.onChange(after);
    expect(() => manager.acceptAll()).not.toThrow();
    expect(after).toHaveBeenCalledTimes(2);
    expect(error).toHaveBeenCalledWith('[ConsentGate]', expect.stringContaining('listener threw'), expect.any(Error));
    error.mockRestore();
  });

  it('gives listeners copies: a listener cannot change what others see', () => {
    const { manager } = setup();
    manager.onChange((change) => {
      if (change.record) change.record.categories.analytics = true;
    });
    const seen: boolean[] = [];
    manager.onChange((change) => seen.push(change.record?.categories.analytics ?? false));
    manager.rejectAll();
    expect(seen.at(-1)).toBe(false);
  });

  it('whenGranted resolves at once, or when the category is granted', async () => {
    const { manager } = setup();
    let resolved = false;
    const pending = manager.whenGranted('analytics').then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    manager.update({ analytics: true });
    await pending;
    expect(resolved).toBe(true);
    await expect(manager.whenGranted('necessary')).resolves.toBeUndefined();
  });
});

describe('ConsentManager signals', () => {
  it('records DNT as observed and not honored at every decision (the policy default)', () => {
    const { manager, stored } = setup({ signals: { doNotTrack: '1', globalPrivacyControl: false } });
    expect(manager.hasDecision()).toBe(false);
    manager.acceptAll();
    expect(manager.isGranted('analytics')).toBe(true);
    expect(stored()!.signals.doNotTrack).toMatchObject({ observed: '1', honored: false, categories: [] });
  });

  it('with DNT honored, DNT acts as a rejection of its categories and the record says so', () => {
    const config = { ...healthSiteConfig, signals: { doNotTrack: { mode: 'honor' as const } } };
    const { manager, stored } = setup({ config, signals: { doNotTrack: '1', globalPrivacyControl: false } });
    manager.acceptAll();
    expect(manager.isGranted('analytics')).toBe(false);
    expect(manager.isGranted('advertising')).toBe(false);
    expect(manager.isGranted('social')).toBe(true);
    expect(stored()!.signals.doNotTrack).toMatchObject({ observed: '1', honored: true, categories: ['analytics', 'advertising'] });
  });

  it('with GPC, accept-all leaves advertising off; an explicit choice can switch it on and both facts are kept', () => {
    const { manager, stored } = setup({ signals: { doNotTrack: null, globalPrivacyControl: true } });
    manager.acceptAll('banner-accept-all');
    expect(manager.isGranted('advertising')).toBe(false);
    expect(manager.signalBlocks('advertising')).toMatchObject({ observed: true, honored: true });
    expect(stored()!.categories.advertising).toBe(false);
    manager.update({ advertising: true }, 'preferences');
    expect(manager.isGranted('advertising')).toBe(true);
    expect(stored()!.signals.globalPrivacyControl).toMatchObject({ observed: true, honored: true, categories: ['advertising'], overriddenByVisitor: ['advertising'] });
    manager.acceptAll();
    expect(manager.isGranted('advertising')).toBe(true);
    manager.rejectAll();
    manager.acceptAll();
    expect(manager.isGranted('advertising')).toBe(false);
  });

  it('keeps DNT and GPC apart: DNT ignored, GPC honored', () => {
    const { manager, stored } = setup({ signals: { doNotTrack: '1', globalPrivacyControl: true } });
    manager.acceptAll();
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('advertising')).toBe(false);
    expect(stored()!.signals).toMatchObject({
      doNotTrack: { observed: '1', honored: false, categories: [] },
      globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'] },
    });
  });

  it('in opt-out regimes a GPC visitor gets a record decided by the signal, not the visitor', () => {
    const config: ConsentGateConfig = { ...healthSiteConfig, mode: 'opt-out' };
    const { manager, stored } = setup({ config, signals: { doNotTrack: null, globalPrivacyControl: true } });
    expect(manager.hasDecision()).toBe(true);
    expect(stored()!.method).toBe('signal');
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('advertising')).toBe(false);
  });

  it('a signal turned on after the decision is recorded as the signal deciding', () => {
    const first = setup();
    first.manager.acceptAll();
    const later = setup({ stored: first.store.read(), signals: { doNotTrack: null, globalPrivacyControl: true } });
    expect(later.manager.isGranted('advertising')).toBe(false);
    expect(later.stored()).toMatchObject({ method: 'signal', seq: 2, categories: { advertising: false, analytics: true } });
  });
});

describe('ConsentManager regimes and restrictions', () => {
  it('opt-out mode allows categories until the visitor opts out', () => {
    const { manager } = setup({ config: { ...healthSiteConfig, mode: 'opt-out' } });
    expect(manager.isGranted('analytics')).toBe(true);
    manager.update({ analytics: false, advertising: false }, 'opt-out-link');
    expect(manager.isGranted('analytics')).toBe(false);
    expect(manager.isGranted('social')).toBe(true);
    expect(manager.get()!.method).toBe('opt-out-link');
  });

  it('setRegion picks the regime from the config', () => {
    const config: ConsentGateConfig = { ...healthSiteConfig, regions: { 'US-CA': 'opt-out', US: 'opt-out', GB: 'opt-in', default: 'opt-in' } };
    const { manager } = setup({ config });
    expect(manager.mode()).toBe('opt-in');
    manager.setRegion('US-CA');
    expect(manager.mode()).toBe('opt-out');
    expect(manager.isGranted('analytics')).toBe(true);
    manager.setRegion('US-NY');
    expect(manager.mode()).toBe('opt-out');
    manager.setRegion('FR');
    expect(manager.mode()).toBe('opt-in');
  });

  it('restrict keeps categories blocked on this page without changing the record', () => {
    const { manager, changes } = setup();
    manager.acceptAll();
    const before = manager.get();
    manager.restrict(['advertising', 'social']);
    expect(manager.isGranted('advertising')).toBe(false);
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.get()).toEqual(before);
    expect(changes.at(-1)!.cause).toBe('context');
    manager.restrict([]);
    expect(manager.isGranted('advertising')).toBe(true);
  });

  it('sync adopts a decision another tab wrote', () => {
    const a = setup();
    const b = createConsentManager({ config: resolveConfig(healthSiteConfig), store: a.store, signals: NO_SIGNALS });
    const seen: string[] = [];
    b.onChange((c) => seen.push(c.cause));
    a.manager.acceptAll();
    expect(b.isGranted('analytics')).toBe(false);
    b.sync();
    expect(b.isGranted('analytics')).toBe(true);
    b.sync();
    expect(seen).toEqual(['init', 'sync']);
  });
});

describe('ConsentManager with an invalid config', () => {
  it('fails closed: only necessary runs and nothing can be granted', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const manager = createConsentManager({ config: null, store: createMemoryStore(), signals: NO_SIGNALS });
    expect(manager.isGranted('necessary')).toBe(true);
    manager.acceptAll();
    expect(manager.isGranted('analytics')).toBe(false);
    expect(manager.hasDecision()).toBe(false);
    warn.mockRestore();
  });
});

describe('get() after the regime changed', () => {
  const regional: ConsentGateConfig = { ...healthSiteConfig, regions: { 'US-CA': 'opt-out', GB: 'opt-in' } };

  it('shows no record made under opt-out once the regime is opt-in, in get() and in the change', () => {
    const { manager, changes } = setup({ config: regional, region: 'US-CA' });
    manager.update({ advertising: false }, 'opt-out-link');
    expect(manager.get()).toMatchObject({ mode: 'opt-out', method: 'opt-out-link' });
    manager.setRegion('GB');
    expect(manager.hasDecision()).toBe(false);
    expect(manager.get()).toBeNull();
    expect(changes.at(-1)).toMatchObject({ cause: 'context', record: null });
    // Back in the opt-out regime the record counts again.
    manager.setRegion('US-CA');
    expect(manager.get()).toMatchObject({ method: 'opt-out-link' });
  });
});

describe('region codes', () => {
  const regional: ConsentGateConfig = { ...healthSiteConfig, regions: { 'US-CA': 'opt-out', GB: 'opt-in', default: 'opt-in' } };

  it('reads setRegion() and the region option in any case, with spaces around, as data-region is read', () => {
    const { manager } = setup({ config: regional, region: ' us-ca' });
    expect(manager.mode()).toBe('opt-out');
    manager.setRegion('gb ');
    expect(manager.mode()).toBe('opt-in');
    manager.setRegion('\tUs-Ca\n');
    expect(manager.mode()).toBe('opt-out');
    // Not a region code: the default regime.
    manager.setRegion('california');
    expect(manager.mode()).toBe('opt-in');
  });
});

describe('withdrawal from the UI', () => {
  it('stamps withdrawnAt when the Opt Out link, Reject all or a switch takes back a grant', () => {
    for (const [method, takeBack] of [
      ['opt-out-link', (m) => m.update({ advertising: false, social: false }, 'opt-out-link')],
      ['banner-reject-all', (m) => m.rejectAll('banner-reject-all')],
      ['preferences', (m) => m.update({ analytics: false }, 'preferences')],
      ['placeholder', (m) => m.update({ 'social.youtube': false }, 'placeholder')],
    ] as Array<[string, (m: ReturnType<typeof setup>['manager']) => void]>) {
      const { manager, stored, tick, changes } = setup();
      manager.acceptAll('banner-accept-all');
      expect(stored()!.withdrawnAt, method).toBeUndefined();
      tick(60_000);
      takeBack(manager);
      expect(stored()).toMatchObject({ method, givenAt: '2026-11-23T12:00:00.000Z', withdrawnAt: '2026-11-23T12:01:00.000Z' });
      expect(changes.at(-1)!.record!.withdrawnAt).toBe('2026-11-23T12:01:00.000Z');
    }
  });

  it('does not stamp a first decision, a grant, or what a browser signal switched off', () => {
    const { manager, stored } = setup();
    manager.rejectAll('banner-reject-all');
    manager.update({ analytics: true }, 'preferences');
    expect(stored()!.withdrawnAt).toBeUndefined();
    const later = setup({ stored: JSON.stringify(stored()), signals: { doNotTrack: null, globalPrivacyControl: true } });
    expect(later.stored()).toMatchObject({ method: 'signal' });
    expect(later.stored()!.withdrawnAt).toBeUndefined();
  });
});
