/**
 * Browser signals (DNT, GPC) and regimes (opt-in, opt-out, per region) end to end through the
 * manager: what is granted, what the stored record says, and whether a banner is due
 * (`hasDecision()` false). The rules, one test each.
 */
import { describe, expect, it } from 'vitest';
import { regionFromScript } from '../../src/integrations';
import type { ConsentGateConfig } from '../../src/types';
import { healthSiteConfig } from '../fixtures/configs';
import { DNT, DNT_AND_GPC, GPC, NO_SIGNALS, setup } from '../fixtures/integrations/setup';

const DNT_REASON = 'Not honored: no common definition or industry standard for Do Not Track exists (privacy policy).';
const optOut: ConsentGateConfig = { ...healthSiteConfig, mode: 'opt-out' };
const regional: ConsentGateConfig = { ...healthSiteConfig, regions: { 'US-CA': 'opt-out', US: 'opt-out', GB: 'opt-in', default: 'opt-in' } };

describe('Do Not Track', () => {
  it('"ignore" (default): recorded as observed and not honored, with the reason, at every decision', () => {
    const { manager, stored } = setup({ signals: DNT });
    expect(manager.hasDecision()).toBe(false);
    for (const decide of [() => manager.acceptAll('banner-accept-all'), () => manager.update({ analytics: false }, 'preferences'), () => manager.withdraw('preferences')]) {
      decide();
      expect(stored()!.signals.doNotTrack).toEqual({ observed: '1', honored: false, categories: [], reason: DNT_REASON });
    }
  });

  it('"ignore": DNT changes nothing that is granted', () => {
    const { manager } = setup({ signals: DNT });
    manager.acceptAll('banner-accept-all');
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('advertising')).toBe(true);
    expect(manager.signalBlocks('analytics')).toBeNull();
  });

  it('"honor": DNT rejects its categories, even on accept-all, and the record says so', () => {
    const config: ConsentGateConfig = { ...healthSiteConfig, signals: { doNotTrack: { mode: 'honor', categories: ['analytics'] } } };
    const { manager, stored } = setup({ config, signals: DNT });
    expect(manager.isGranted('analytics')).toBe(false);
    manager.acceptAll('banner-accept-all');
    expect(manager.isGranted('analytics')).toBe(false);
    expect(manager.isGranted('advertising')).toBe(true);
    expect(stored()).toMatchObject({
      method: 'banner-accept-all',
      categories: { analytics: false, advertising: true },
      signals: { doNotTrack: { observed: '1', honored: true, categories: ['analytics'] } },
    });
  });

  it('"honor" without the signal: nothing is switched off', () => {
    const config: ConsentGateConfig = { ...healthSiteConfig, signals: { doNotTrack: { mode: 'honor' } } };
    const { manager, stored } = setup({ config, signals: { doNotTrack: '0', globalPrivacyControl: false } });
    manager.acceptAll();
    expect(manager.isGranted('analytics')).toBe(true);
    expect(stored()!.signals.doNotTrack).toMatchObject({ observed: '0', categories: [] });
  });
});

describe('Global Privacy Control', () => {
  it('"honor" (default): advertising off before any decision, without inventing a record', () => {
    const { manager, stored } = setup({ signals: GPC });
    expect(manager.isGranted('advertising')).toBe(false);
    expect(manager.isGranted('analytics')).toBe(false); // opt-in: still waiting for the visitor
    expect(manager.hasDecision()).toBe(false);
    expect(stored()).toBeNull();
  });

  it('accept-all does not switch advertising on; the record keeps the observation', () => {
    const { manager, stored } = setup({ signals: GPC });
    manager.acceptAll('banner-accept-all');
    expect(manager.isGranted('advertising')).toBe(false);
    expect(manager.isGranted('advertising', 'meta-pixel')).toBe(false);
    expect(stored()).toMatchObject({
      method: 'banner-accept-all',
      categories: { advertising: false, analytics: true },
      signals: { globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'] } },
    });
    expect(stored()!.signals.globalPrivacyControl.overriddenByVisitor).toBeUndefined();
  });

  it('a service-level grant does not get round it either', () => {
    const { manager } = setup({ signals: GPC });
    manager.update({ 'advertising.meta-pixel': true }, 'placeholder');
    expect(manager.isGranted('advertising', 'meta-pixel')).toBe(false);
  });

  it('only an explicit per-category choice in the preferences switches it on, and the record keeps both facts', () => {
    const { manager, stored } = setup({ signals: GPC });
    manager.update({ advertising: true }, 'api');
    expect(manager.isGranted('advertising')).toBe(false);
    manager.update({ advertising: true }, 'placeholder');
    expect(manager.isGranted('advertising')).toBe(false);
    manager.update({ advertising: true }, 'preferences');
    expect(manager.isGranted('advertising')).toBe(true);
    expect(stored()).toMatchObject({
      method: 'preferences',
      categories: { advertising: true },
      signals: { globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'], overriddenByVisitor: ['advertising'] } },
    });
    // The override stands through later decisions until the visitor switches advertising off.
    manager.acceptAll('banner-accept-all');
    expect(manager.isGranted('advertising')).toBe(true);
    manager.update({ advertising: false }, 'preferences');
    manager.acceptAll('banner-accept-all');
    expect(manager.isGranted('advertising')).toBe(false);
    expect(stored()!.signals.globalPrivacyControl.overriddenByVisitor).toBeUndefined();
  });

  it('"ignore": GPC is recorded, not applied', () => {
    const config: ConsentGateConfig = { ...healthSiteConfig, signals: { globalPrivacyControl: { mode: 'ignore' } } };
    const { manager, stored } = setup({ config, signals: GPC });
    manager.acceptAll();
    expect(manager.isGranted('advertising')).toBe(true);
    expect(stored()!.signals.globalPrivacyControl).toMatchObject({ observed: true, honored: false, categories: [] });
  });

  it('a signal turned on since the last decision is recorded as the signal deciding', () => {
    const first = setup();
    first.manager.acceptAll('banner-accept-all');
    const later = setup({ stored: first.store.read(), signals: GPC });
    expect(later.manager.isGranted('advertising')).toBe(false);
    expect(later.stored()).toMatchObject({ method: 'signal', seq: 2, categories: { advertising: false, analytics: true } });
  });
});

describe('DNT and GPC are independent', () => {
  it('the policy’s case: DNT ignored, GPC honored', () => {
    const { manager, stored } = setup({ signals: DNT_AND_GPC });
    manager.acceptAll('banner-accept-all');
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('advertising')).toBe(false);
    expect(stored()!.signals).toEqual({
      doNotTrack: { observed: '1', honored: false, categories: [], reason: DNT_REASON },
      globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'], reason: 'Honored: Global Privacy Control is an opt-out of sale and sharing.' },
    });
  });

  it('the reverse: DNT honored, GPC ignored', () => {
    const config: ConsentGateConfig = { ...healthSiteConfig, signals: { doNotTrack: { mode: 'honor', categories: ['analytics'] }, globalPrivacyControl: { mode: 'ignore' } } };
    const { manager, stored } = setup({ config, signals: DNT_AND_GPC });
    manager.acceptAll();
    expect(manager.isGranted('analytics')).toBe(false);
    expect(manager.isGranted('advertising')).toBe(true);
    expect(stored()!.signals).toMatchObject({ doNotTrack: { honored: true, categories: ['analytics'] }, globalPrivacyControl: { honored: false, categories: [] } });
  });

  it('overriding one signal leaves the other in force', () => {
    const config: ConsentGateConfig = { ...healthSiteConfig, signals: { doNotTrack: { mode: 'honor', categories: ['analytics'] } } };
    const { manager, stored } = setup({ config, signals: DNT_AND_GPC });
    manager.update({ advertising: true }, 'preferences');
    expect(manager.isGranted('advertising')).toBe(true);
    expect(manager.isGranted('analytics')).toBe(false);
    expect(stored()!.signals.doNotTrack.overriddenByVisitor).toBeUndefined();
    expect(stored()!.signals.globalPrivacyControl.overriddenByVisitor).toEqual(['advertising']);
  });
});

describe('regimes', () => {
  it('opt-in (default): non-necessary categories blocked until consent; a banner is due', () => {
    const { manager } = setup();
    expect(manager.mode()).toBe('opt-in');
    expect(manager.hasDecision()).toBe(false);
    for (const id of ['functional', 'analytics', 'advertising', 'social']) expect(manager.isGranted(id)).toBe(false);
    expect(manager.isGranted('necessary')).toBe(true);
  });

  it('opt-out: categories on (per their default) until the visitor opts out; no decision needed', () => {
    const config: ConsentGateConfig = { ...optOut, categories: optOut.categories.map((c) => (c.id === 'social' ? { ...c, default: false } : c)) };
    const { manager, stored } = setup({ config });
    expect(manager.hasDecision()).toBe(false);
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('social')).toBe(false);
    // The "Do Not Sell or Share" link: a real, recorded opt-out.
    manager.update({ analytics: false, advertising: false }, 'opt-out-link');
    expect(stored()).toMatchObject({ method: 'opt-out-link', mode: 'opt-out', categories: { analytics: false, advertising: false, functional: true, social: false } });
  });

  it('opt-out + GPC: a record the signal decided (method "signal"), so no banner', () => {
    const { manager, stored } = setup({ config: optOut, signals: GPC });
    expect(manager.hasDecision()).toBe(true);
    expect(stored()).toMatchObject({
      method: 'signal',
      mode: 'opt-out',
      seq: 1,
      categories: { necessary: true, functional: true, analytics: true, advertising: false, social: true },
      signals: { globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'] } },
    });
  });

  it('opt-out without a signal writes nothing until the visitor acts', () => {
    const { manager, stored } = setup({ config: optOut, signals: DNT });
    expect(manager.hasDecision()).toBe(false);
    expect(stored()).toBeNull();
  });

  it('data-region picks the regime, through regionFromScript and the config', () => {
    const script = document.createElement('script');
    script.setAttribute('data-region', ' us-ca ');
    const region = regionFromScript(script);
    expect(region).toBe('US-CA');
    const { manager, stored } = setup({ config: regional, region, signals: GPC });
    expect(manager.mode()).toBe('opt-out');
    expect(stored()!.method).toBe('signal');
  });

  it('setRegion() before the UI shows switches the regime: opt-out + GPC gives a signal record and no banner', () => {
    const { manager, stored } = setup({ config: regional, signals: GPC });
    const causes: string[] = [];
    manager.onChange((c) => causes.push(c.cause));
    expect(manager.hasDecision()).toBe(false);
    manager.setRegion('US-CA');
    expect(manager.mode()).toBe('opt-out');
    expect(manager.hasDecision()).toBe(true);
    expect(stored()).toMatchObject({ method: 'signal', mode: 'opt-out', categories: { analytics: true, advertising: false } });
    expect(causes).toEqual(['init', 'decision', 'context']);
    // The same region again changes nothing.
    manager.setRegion('US-CA');
    expect(causes).toHaveLength(3);
  });

  it('a record made under opt-out is not consent under opt-in: the visitor is asked again', () => {
    const us = setup({ config: regional, region: 'US-CA', signals: GPC });
    expect(us.stored()!.categories.analytics).toBe(true);
    const gb = setup({ config: regional, region: 'GB', signals: GPC, stored: us.store.read() });
    expect(gb.manager.hasDecision()).toBe(false);
    expect(gb.manager.isGranted('analytics')).toBe(false);
    expect(gb.manager.isGranted('functional')).toBe(false);
    // The visitor's first decision here starts from nothing granted, not from the opt-out record.
    gb.manager.update({ functional: true }, 'preferences');
    expect(gb.stored()).toMatchObject({ mode: 'opt-in', method: 'preferences', categories: { functional: true, analytics: false, social: false, advertising: false } });
    expect(gb.manager.hasDecision()).toBe(true);
    // An opt-in record keeps counting in an opt-out regime.
    const back = setup({ config: regional, region: 'US-CA', signals: NO_SIGNALS, stored: gb.store.read() });
    expect(back.manager.hasDecision()).toBe(true);
    expect(back.manager.isGranted('analytics')).toBe(false);
  });
});

describe('sensitive pages never reach the record', () => {
  it('a first decision on a restricted page records the visitor’s view, not the restriction', () => {
    const { manager, stored } = setup({ config: optOut });
    manager.restrict(['advertising', 'social']);
    manager.update({ analytics: false }, 'opt-out-link');
    expect(manager.isGranted('social')).toBe(false);
    expect(stored()!.categories).toMatchObject({ analytics: false, advertising: true, social: true });
  });

  it('a region switch on a restricted page gives a signal record without the restriction in it', () => {
    const { manager, stored } = setup({ config: regional, signals: GPC });
    manager.restrict(['social']);
    manager.setRegion('US');
    expect(stored()!.categories).toMatchObject({ social: true, advertising: false, analytics: true });
    expect(manager.isGranted('social')).toBe(false);
  });
});
