import { describe, expect, it, vi } from 'vitest';
import { serializeRecord } from '../../src/consent';
import { CHANGE_EVENT, DATA_LAYER_EVENT, connectDataLayer, dispatchChangeEvents, type DataLayerWindow } from '../../src/integrations';
import { sampleRecord } from '../fixtures/records';
import { GPC, ID, setup } from '../fixtures/integrations/setup';

describe('connectDataLayer', () => {
  it('pushes one consentgate_update per decision with the granted categories and services', () => {
    const win: DataLayerWindow = {};
    const { manager } = setup();
    connectDataLayer(manager, win);
    expect(win.dataLayer).toBeUndefined(); // undecided visitor: no event at start-up
    manager.acceptAll('banner-accept-all');
    manager.update({ analytics: false, 'advertising.meta-pixel': false }, 'preferences');
    expect(win.dataLayer).toEqual([
      {
        event: DATA_LAYER_EVENT,
        consentgate: {
          categories: ['necessary', 'functional', 'analytics', 'advertising', 'social'],
          services: ['google-maps', 'google-analytics', 'hotjar', 'meta-pixel', 'acme-ads', 'youtube', 'x-widgets'],
          method: 'banner-accept-all',
          consentId: ID,
          cause: 'decision',
        },
        _clear: true,
      },
      {
        event: DATA_LAYER_EVENT,
        consentgate: {
          categories: ['necessary', 'functional', 'advertising', 'social'],
          services: ['google-maps', 'acme-ads', 'youtube', 'x-widgets'],
          method: 'preferences',
          consentId: ID,
          cause: 'decision',
        },
        _clear: true,
      },
    ]);
  });

  it('tells the tag manager a returning visitor’s state once, at start-up', () => {
    const win: DataLayerWindow = { dataLayer: [{ 'gtm.start': 1 }] };
    const stored = serializeRecord(sampleRecord({ categories: { necessary: true, analytics: true, advertising: false } }));
    const { manager } = setup({ stored });
    connectDataLayer(manager, win);
    expect(win.dataLayer).toHaveLength(2);
    expect(win.dataLayer![1]).toMatchObject({ event: DATA_LAYER_EVENT, consentgate: { categories: ['necessary', 'analytics'], method: 'preferences', cause: 'init' } });
    expect((win.dataLayer![1] as { consentgate: { services: string[] } }).consentgate.services).toEqual(['google-analytics']); // hotjar: false in the record
  });

  it('reports sensitive-route and withdraw changes; copies, so a tag cannot change the SDK’s state', () => {
    const win: DataLayerWindow = {};
    const { manager } = setup({ signals: GPC });
    connectDataLayer(manager, win);
    manager.acceptAll('banner-accept-all');
    manager.restrict(['social']);
    manager.withdraw('preferences');
    const entries = win.dataLayer as Array<{ consentgate: { categories: string[]; cause: string } }>;
    expect(entries.map((e) => e.consentgate.cause)).toEqual(['decision', 'context', 'withdraw']);
    expect(entries[0]!.consentgate.categories).not.toContain('advertising'); // GPC
    expect(entries[1]!.consentgate.categories).not.toContain('social');
    expect(entries[2]!.consentgate.categories).toEqual(['necessary']);
    entries[0]!.consentgate.categories.push('advertising');
    expect(manager.isGranted('advertising')).toBe(false);
  });

  it('survives a broken dataLayer', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const win = { dataLayer: Object.assign([], { push: () => { throw new Error('boom'); } }) };
    const { manager } = setup();
    connectDataLayer(manager, win);
    expect(() => manager.acceptAll()).not.toThrow();
    expect(manager.isGranted('analytics')).toBe(true);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});

describe('dispatchChangeEvents', () => {
  it('fires consentgate:change on window with a copy of the record, not for the start-up replay', () => {
    const { manager } = setup();
    const seen: unknown[] = [];
    const listener = (e: Event) => seen.push((e as CustomEvent).detail);
    window.addEventListener(CHANGE_EVENT, listener);
    const stop = dispatchChangeEvents(manager, window);
    expect(seen).toEqual([]);
    manager.acceptAll('banner-accept-all');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: ID, method: 'banner-accept-all' });
    (seen[0] as { categories: Record<string, boolean> }).categories.analytics = false;
    expect(manager.isGranted('analytics')).toBe(true);
    stop();
    manager.rejectAll();
    expect(seen).toHaveLength(1);
    window.removeEventListener(CHANGE_EVENT, listener);
  });
});
