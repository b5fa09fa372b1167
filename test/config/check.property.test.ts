/**
 * The lean check (`checkConfig`, what the script tag can ship) and the explainer (`validateConfig`,
 * with messages) give the same verdict on any config: generated from the rule tree itself (so
 * every key and kind is covered), valid ones made consistent (unique ids, references to configured
 * categories), then broken in every way a site owner or a hostile page could.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConfig, explainConfig, resolveConfig, validateConfig } from '../../src/config';
import { configRules } from '../../src/config/config-rules';
import type { Rule } from '../../src/config/rules';
import type { ConsentGateConfig } from '../../src/types';
import { HOSTILE_URLS, SAFE_URLS } from '../fixtures/urls';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values that follow `rule` (before the rules between fields). Small: a few items per list. */
function follow(rule: Rule): fc.Arbitrary<Json> {
  switch (rule.k) {
    case 's': {
      if (rule.oneOf) return fc.constantFrom(...rule.oneOf);
      if (rule.url) return fc.constantFrom(...SAFE_URLS);
      const text = rule.re ? fc.stringMatching(rule.re) : fc.string({ maxLength: 12 });
      const { max } = rule as { max?: number };
      return max === undefined ? text : text.filter((s) => s.length <= max);
    }
    case 'n':
      return rule.int ? fc.integer({ min: rule.min, max: rule.max }) : fc.double({ min: rule.min, max: rule.max, noNaN: true });
    case 'b':
      return fc.boolean();
    case 'z':
      return fc.constant(null);
    case 'u':
      return fc.oneof(...rule.of.map(follow));
    case 'a':
      return fc.array(follow(rule.of), { minLength: rule.min ?? 0, maxLength: Math.max(rule.min ?? 0, 3) });
    case 'o': {
      if (rule.values) {
        const key = rule.keyRe ? fc.stringMatching(rule.keyRe) : fc.string({ minLength: 1, maxLength: 8 });
        return fc.dictionary(key, follow(rule.values), { maxKeys: 2 }) as fc.Arbitrary<Json>;
      }
      const model = Object.fromEntries(Object.entries(rule.props).map(([key, sub]) => [key, follow(sub)]));
      return fc.record(model, { requiredKeys: [...(rule.req ?? [])] }) as fc.Arbitrary<Json>;
    }
  }
}

/** Unique ids, and every reference to a category naming a configured one. */
function consistent(config: ConsentGateConfig): ConsentGateConfig {
  const ids = new Set<string>();
  const unique = (id: string, seen: Set<string>) => {
    let candidate = id;
    for (let n = 2; seen.has(candidate); n++) candidate = `${id.slice(0, 28)}-${n}`;
    seen.add(candidate);
    return candidate;
  };
  const services = new Set<string>();
  for (const category of config.categories) {
    category.id = unique(category.id, ids);
    for (const service of category.services ?? []) service.id = unique(service.id, services);
  }
  const known = [...ids];
  const refs = (list?: string[]) => list?.map((_, i) => known[i % known.length]!);
  if (config.signals?.doNotTrack?.categories) config.signals.doNotTrack.categories = refs(config.signals.doNotTrack.categories);
  if (config.signals?.globalPrivacyControl?.categories) config.signals.globalPrivacyControl.categories = refs(config.signals.globalPrivacyControl.categories);
  if (config.ui?.optOutLink?.categories) config.ui.optOutLink.categories = refs(config.ui.optOutLink.categories);
  for (const page of config.sensitivePages ?? []) if (page.block) page.block = refs(page.block);
  const gcm = config.googleConsentMode;
  if (gcm?.map) gcm.map = Object.fromEntries(Object.values(gcm.map).map((types, i) => [known[i % known.length]!, types]));
  return config;
}

/** Every place in a JSON value: the path from the root, as keys. */
function places(value: Json, path: Array<string | number> = []): Array<Array<string | number>> {
  const here = [path];
  if (Array.isArray(value)) return here.concat(...value.map((item, i) => places(item, [...path, i])));
  if (value && typeof value === 'object') return here.concat(...Object.entries(value).map(([key, item]) => places(item, [...path, key])));
  return here;
}

const parentOf = (root: Json, path: Array<string | number>) => path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key]!, root);

/** Values that break a rule wherever they land (and some that happen not to). */
const anything = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(...HOSTILE_URLS, '', ' ', 'x'.repeat(2001), -1, 1e12, 0.5, '__proto__', 'constructor', 'url(https://t.example/)', '#fff', '12px'),
);

/** One way to break (or to leave valid) a config. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: anything }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unknown-key' as const), at: fc.nat(), key: fc.constantFrom('constructor', '__proto__', 'toString', 'categrories', 'tittle', 'x'), value: anything }),
  fc.record({ kind: fc.constant('duplicate-id' as const) }),
  fc.record({ kind: fc.constant('unknown-reference' as const) }),
  // Past the limits: a list or a map grown past its size, services past 1,000 in all, a record past 4 KB.
  fc.record({ kind: fc.constant('grow' as const), at: fc.nat(), size: fc.constantFrom(21, 65, 101, 501, 1001) }),
  fc.record({ kind: fc.constant('many-services' as const), size: fc.constantFrom(999, 1000, 1001) }),
  fc.record({ kind: fc.constant('big-record' as const), size: fc.constantFrom(48, 64), honored: fc.boolean() }),
);

function mutate(config: ConsentGateConfig, m: { kind: string; at?: number; value?: Json; key?: string; size?: number; honored?: boolean }): void {
  const root = config as unknown as Json;
  const all = places(root);
  const path = all[(m.at ?? 0) % all.length]!;
  switch (m.kind) {
    case 'set':
      if (!path.length) return;
      (parentOf(root, path) as Record<string | number, Json>)[path[path.length - 1]!] = m.value!;
      return;
    case 'delete': {
      if (!path.length) return;
      const parent = parentOf(root, path);
      if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
      else delete (parent as Record<string, Json>)[path[path.length - 1]!];
      return;
    }
    case 'unknown-key': {
      const objects = all.map((p) => p.reduce<Json>((node, key) => (node as Record<string, Json>)[key]!, root)).filter((v) => v && typeof v === 'object' && !Array.isArray(v));
      const target = objects[(m.at ?? 0) % objects.length] as Record<string, Json>;
      // As JSON.parse makes it: an own key, even "__proto__".
      Object.defineProperty(target, m.key!, { value: m.value, enumerable: true, configurable: true, writable: true });
      return;
    }
    case 'duplicate-id':
      if (Array.isArray(config.categories) && config.categories.length) config.categories.push({ ...config.categories[0]!, services: [] });
      return;
    case 'grow': {
      const node = path.reduce<Json>((n, key) => (n as Record<string, Json>)[key]!, root);
      if (Array.isArray(node) && node.length) while (node.length < m.size!) node.push(node[0]!);
      else if (node && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length) {
        const first = Object.values(node)[0]!;
        for (let i = 0; Object.keys(node).length < m.size!; i++) node[`k${i}`] = first;
      }
      return;
    }
    case 'many-services':
      if (Array.isArray(config.categories) && config.categories.length)
        config.categories[0]!.services = Array.from({ length: m.size! }, (_, i) => ({ id: `s${i}` }));
      return;
    case 'big-record': {
      const ids = Array.from({ length: m.size! }, (_, i) => `c${i}`.padEnd(24, 'x'));
      config.categories = ids.map((id) => ({ id }));
      config.signals = { doNotTrack: { mode: m.honored ? 'honor' : 'ignore', categories: ids } };
      return;
    }
    case 'unknown-reference':
      config.ui = { ...(typeof config.ui === 'object' ? config.ui : {}), optOutLink: { categories: ['not-configured'] } };
  }
}

const base = follow(configRules).map((config) => consistent(config as unknown as ConsentGateConfig));

describe('checkConfig and validateConfig', () => {
  it('accept the generated configs before they are broken', () => {
    fc.assert(
      fc.property(base, (config) => {
        expect(validateConfig(config).problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(checkConfig(config)).toBe(config);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('give the same verdict on every config, valid or broken, and the same resolved config', () => {
    const seen = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(base, fc.array(mutation, { minLength: 0, maxLength: 3 }), (generated, mutations) => {
        // A copy: fast-check may hand the same value to another run while shrinking.
        const config = JSON.parse(JSON.stringify(generated)) as ConsentGateConfig;
        for (const m of mutations) mutate(config, m);
        const lean = checkConfig(config);
        const full = validateConfig(config);
        expect(lean !== null, JSON.stringify(full.problems).slice(0, 300)).toBe(full.config !== null);
        seen[lean ? 'valid' : 'invalid']++;
        if (lean) expect(resolveConfig(lean)).toEqual(resolveConfig(full.config!));
        // Invalid: the explainer can always say why.
        else expect(explainConfig(config).some((p) => p.severity === 'error')).toBe(true);
      }),
      { numRuns: 600 },
    );
    // Both sides of the property were exercised.
    expect(seen.valid).toBeGreaterThan(60);
    expect(seen.invalid).toBeGreaterThan(60);
  }, 60_000);

  it('agree on values that are not configs at all, and on configs that throw when read', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(checkConfig(value) !== null).toBe(validateConfig(value).config !== null);
      }),
    );
    const throwing = { policy: { version: '1' }, get categories(): never { throw new Error('boom'); } };
    expect(checkConfig(throwing)).toBeNull();
    expect(validateConfig(throwing).config).toBeNull();
  });
});
