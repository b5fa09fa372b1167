/**
 * Ids and keys that `Object.prototype` also has (issue 16, item 2, the config's part): a service or
 * category `constructor`, a key `__proto__` or `toString`, must be treated as any other id or key
 * wherever the config is validated and resolved, never found on the prototype.
 */
import { describe, expect, it } from 'vitest';
import { modeForRegion, resolveConfig, validateConfig } from '../../src/config';
import type { ConsentGateConfig } from '../../src/types';
import { minimalConfig } from '../fixtures/configs';

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const withConstructor: ConsentGateConfig = {
  policy: { version: '1' },
  regions: { 'US-CA': 'opt-out' },
  categories: [
    { id: 'necessary', required: true },
    { id: 'constructor', services: [{ id: 'constructor', domains: ['tracker.example'] }, { id: 'valueof' }] },
  ],
  signals: { globalPrivacyControl: { mode: 'honor', categories: ['constructor'] } },
  texts: { en: { 'category.constructor.title': 'Builders' } },
  googleConsentMode: { enabled: true, map: { constructor: ['ad_storage' as const] } },
};

describe('validateConfig', () => {
  it('takes "constructor" as an id like any other', () => {
    expect(validateConfig(withConstructor).problems).toEqual([]);
    const twice = { ...withConstructor, categories: [...withConstructor.categories, { id: 'constructor' }] };
    expect(validateConfig(twice).problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['categories[2].id: duplicate category id "constructor"']);
  });

  it('reports a key named after a prototype property as unknown, at every level, rather than skipping it', () => {
    for (const key of PROTOTYPE_NAMES) {
      // JSON.parse makes "__proto__" an own key, as a config fetched or inlined as JSON has it.
      const config = JSON.parse(JSON.stringify(minimalConfig).replace('{', `{${JSON.stringify(key)}: 1, `)) as Record<string, unknown>;
      (config.policy as Record<string, unknown>) = JSON.parse(`{"version": "1", ${JSON.stringify(key)}: {"deep": true}}`);
      const problems = validateConfig(config).problems;
      expect(problems.map((p) => [p.path, p.severity]), key).toEqual([
        [key === '__proto__' ? '__proto__' : key, 'warning'],
        [`policy.${key}`, 'warning'],
      ]);
      expect(problems[0]!.message).toMatch(/^unknown key, ignored/);
    }
  });

  it('does not take a required key from the prototype', () => {
    const policy = Object.create({ version: '1' }) as { version: string };
    const result = validateConfig({ ...minimalConfig, policy });
    expect(result.config).toBeNull();
    expect(result.problems.map((p) => p.path)).toEqual(['policy.version']);
  });
});

describe('resolveConfig and modeForRegion', () => {
  const config = resolveConfig(withConstructor);

  it('keeps the "constructor" category, its service and its Consent Mode mapping', () => {
    expect(config.categories.map((c) => c.id)).toEqual(['necessary', 'constructor']);
    expect(config.categories[1]!.services.map((s) => s.id)).toEqual(['constructor', 'valueof']);
    expect(config.signals.globalPrivacyControl.categories).toEqual(['constructor']);
    expect(config.googleConsentMode?.map?.constructor).toEqual(['ad_storage']);
    expect(config.texts.en!['category.constructor.title']).toBe('Builders');
  });

  it('gives maps no prototype: a lookup by a prototype name finds nothing', () => {
    const maps = { regions: config.regions, texts: config.texts, 'texts.en': config.texts.en!, theme: config.ui.theme, 'googleConsentMode.map': config.googleConsentMode!.map! };
    for (const [where, map] of Object.entries(maps)) {
      expect(Object.getPrototypeOf(map), where).toBeNull();
      for (const name of PROTOTYPE_NAMES) if (!Object.keys(map).includes(name)) expect((map as Record<string, unknown>)[name], `${where}.${name}`).toBeUndefined();
    }
    const unmapped = resolveConfig({ ...withConstructor, googleConsentMode: { enabled: true, map: { necessary: ['security_storage'] } } });
    expect(unmapped.googleConsentMode!.map!.constructor).toBeUndefined();
  });

  it('falls back to the default regime for a region named after a prototype property', () => {
    for (const region of PROTOTYPE_NAMES) expect(modeForRegion(config, region), region).toBe('opt-in');
    expect(modeForRegion(config, 'US-CA')).toBe('opt-out');
  });
});
