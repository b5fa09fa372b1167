import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../src/consent';
import { createConsentGate } from '../src/gate';
import { CHANGE_EVENT } from '../src/integrations';
import { healthSiteConfig } from './fixtures/configs';

const options = () => ({ store: createMemoryStore(), signals: { doNotTrack: '1', globalPrivacyControl: false }, blocking: false });

describe('createConsentGate', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints ONE error listing every problem, then fails closed without throwing', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const gate = createConsentGate({ policy: { version: 3 }, categories: [{ id: 'Analytics' }, { services: 'none' }] }, options());
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toBe('[ConsentGate]');
    expect(error.mock.calls[0]![1]).toBe(
      'Invalid configuration: 4 problems; every non-necessary category stays blocked.\n' +
        '  policy.version: expected a policy version (one line, no leading space)\n' +
        '  categories[0].id: expected an id like "analytics" (a-z, 0-9, - and _)\n' +
        '  categories[1].id: missing; expected an id like "analytics" (a-z, 0-9, - and _)\n' +
        '  categories[1].services: expected an array of services',
    );
    expect(gate.problems).toHaveLength(4);
    gate.acceptAll();
    expect(gate.isGranted('analytics')).toBe(false);
    expect(gate.isGranted('necessary')).toBe(true);
  });

  it('warns once about unknown keys and still works', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const gate = createConsentGate({ ...healthSiteConfig, categrories: [] }, options());
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toContain('categrories: unknown key, ignored (did you mean "categories"?)');
    gate.acceptAll();
    expect(gate.isGranted('analytics')).toBe(true);
  });

  it('fires consentgate:change on window with the record as detail', () => {
    const gate = createConsentGate(healthSiteConfig, options());
    const seen: unknown[] = [];
    const listener = (event: Event) => seen.push((event as CustomEvent).detail);
    window.addEventListener(CHANGE_EVENT, listener);
    gate.update({ analytics: true });
    window.removeEventListener(CHANGE_EVENT, listener);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ categories: { analytics: true }, method: 'api', signals: { doNotTrack: { observed: '1', honored: false } } });
  });

  it('exposes the same methods as window.ConsentGate, frozen', () => {
    const gate = createConsentGate(healthSiteConfig, options());
    expect(Object.isFrozen(gate)).toBe(true);
    expect(Object.keys(gate).sort()).toEqual(
      ['acceptAll', 'get', 'isGranted', 'onChange', 'problems', 'rejectAll', 'setRegion', 'showBanner', 'showPreferences', 'update', 'version', 'whenGranted', 'withdraw'].sort(),
    );
  });

  it('does not change the config object it was given', () => {
    const config = JSON.parse(JSON.stringify(healthSiteConfig));
    const before = JSON.stringify(config);
    createConsentGate(config, options()).acceptAll();
    expect(JSON.stringify(config)).toBe(before);
    expect(Object.isFrozen(config)).toBe(false);
  });
});
