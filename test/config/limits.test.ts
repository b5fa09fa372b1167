/**
 * Limits (issue 16, item 8): sizes past what real sites need are errors with their JSON path, in
 * the lean check and the explainer alike, and a config with 50,000 unknown keys costs a linear
 * walk and a short list, not a 16 s long task. Operations are counted, never timed.
 */
import { describe, expect, it } from 'vitest';
import { checkConfig, ConsentGateConfigError, validateConfig } from '../../src/config';
import { MAX_CATEGORIES, MAX_SERVICES } from '../../src/config/config-rules';
import { obj, str } from '../../src/config/rules';
import { checkAgainst, LISTED } from '../../src/config/validate';
import type { CategoryConfig, ConsentGateConfig } from '../../src/types';
import { minimalConfig } from '../fixtures/configs';

const errors = (value: unknown) => validateConfig(value).problems.filter((p) => p.severity === 'error');
const categories = (n: number, services = 0): CategoryConfig[] =>
  Array.from({ length: n }, (_, i) => ({ id: `c${i}`, ...(services ? { services: Array.from({ length: services }, (_, j) => ({ id: `s${i}-${j}` })) } : {}) }));

/** The verdicts of both validators, which must agree. */
function verdict(config: unknown): boolean {
  const lean = checkConfig(config) !== null;
  expect(validateConfig(config).config !== null).toBe(lean);
  return lean;
}

describe('limits', () => {
  it(`takes ${MAX_CATEGORIES} categories, refuses one more at "categories"`, () => {
    expect(verdict({ ...minimalConfig, categories: categories(MAX_CATEGORIES) })).toBe(true);
    expect(verdict({ ...minimalConfig, categories: categories(MAX_CATEGORIES + 1) })).toBe(false);
    expect(errors({ ...minimalConfig, categories: categories(MAX_CATEGORIES + 1) })).toEqual([
      { path: 'categories', message: 'expected an array of categories (65 items; at most 64)', severity: 'error' },
    ]);
  });

  it(`takes ${MAX_SERVICES} services in all, refuses the first one more at its own path`, () => {
    expect(verdict({ ...minimalConfig, categories: categories(10, 100) })).toBe(true);
    const over = { ...minimalConfig, categories: [...categories(10, 100), { id: 'extra', services: [{ id: 'one-too-many' }, { id: 'two-too-many' }] }] };
    expect(verdict(over)).toBe(false);
    expect(errors(over)).toEqual([
      { path: 'categories[10].services[0]', message: 'expected at most 1000 services in all categories; this one is the first too many', severity: 'error' },
    ]);
    // One category alone cannot hold more either (the JSON Schema says so per category).
    expect(errors({ ...minimalConfig, categories: categories(1, MAX_SERVICES + 1) })[0]!.path).toBe('categories[0].services');
  });

  it.each<[string, (config: Record<string, any>) => void, string]>([
    ['a category id of 25 characters', (c) => (c.categories[1].id = 'a'.repeat(25)), 'categories[1].id'],
    ['a service id of 41 characters', (c) => (c.categories[1].services = [{ id: 'a'.repeat(41) }]), 'categories[1].services[0].id'],
    ['a title of 201 characters', (c) => (c.categories[1].title = 'T'.repeat(201)), 'categories[1].title'],
    ['a description of 2,001 characters', (c) => (c.categories[1].description = 'D'.repeat(2001)), 'categories[1].description'],
    ['101 domains for one service', (c) => (c.categories[1].services = [{ id: 'x', domains: Array.from({ length: 101 }, (_, i) => `h${i}.example.com`) }]), 'categories[1].services[0].domains'],
    ['101 cookies for one service', (c) => (c.categories[1].services = [{ id: 'x', cookies: Array.from({ length: 101 }, (_, i) => ({ name: `k${i}` })) }]), 'categories[1].services[0].cookies'],
    ['501 regions', (c) => (c.regions = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`A${String.fromCharCode(65 + (i % 26))}-${i}`, 'opt-in']))), 'regions'],
    ['51 languages of texts', (c) => (c.texts = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`l${String.fromCharCode(97 + (i % 26))}-x${i}`, {}]))), 'texts'],
    ['a text of 2,001 characters', (c) => (c.texts = { en: { bannerText: 'x'.repeat(2001) } }), 'texts.en.bannerText'],
    ['a policy version of 101 characters', (c) => (c.policy.version = 'v'.repeat(101)), 'policy.version'],
    ['a signal reason of 501 characters', (c) => (c.signals = { doNotTrack: { mode: 'ignore', reason: 'r'.repeat(501) } }), 'signals.doNotTrack.reason'],
    ['a URL of 2,001 characters', (c) => (c.policy.privacyPolicyUrl = '/' + 'p'.repeat(2000)), 'policy.privacyPolicyUrl'],
    ['21 opt-out links', (c) => (c.ui = { optOutLinks: Array.from({ length: 21 }, () => ({ title: 't', url: '/o' })) }), 'ui.optOutLinks'],
    ['101 sensitive pages', (c) => (c.sensitivePages = Array.from({ length: 101 }, () => ({ match: '/x' }))), 'sensitivePages'],
  ])('refuses %s, at its path', (_, change, path) => {
    const config = JSON.parse(JSON.stringify(minimalConfig)) as Record<string, any>;
    change(config);
    expect(verdict(config)).toBe(false);
    const found = errors(config);
    expect(found.map((p) => p.path)).toEqual([path]);
    expect(found[0]!.message).toMatch(/\((\d+) (characters|items|keys); at most \d+\)$/);
  });
});

describe('a config with 50,000 unknown keys', () => {
  const flood = (n: number): Record<string, unknown> => {
    const config: Record<string, unknown> = JSON.parse(JSON.stringify(minimalConfig));
    for (let i = 0; i < n; i++) config[`unknown${i}`] = i;
    return config;
  };

  it(`lists the first ${LISTED} problems and counts the rest; the config stays valid`, () => {
    const { config, problems } = validateConfig(flood(50_000));
    expect(config).not.toBeNull();
    expect(checkConfig(flood(50_000))).not.toBeNull();
    expect(problems).toHaveLength(LISTED + 1);
    expect(problems[0]).toEqual({ path: 'unknown0', message: 'unknown key, ignored', severity: 'warning' });
    expect(problems[LISTED]).toEqual({ path: '(root)', message: '49950 more warnings, not listed', severity: 'warning', count: 49_950 });
  });

  it('computes a did-you-mean for listed problems only (the known keys are read 50 times, not 50,000)', () => {
    let reads = 0;
    const props = new Proxy(
      { categories: str(), policy: str() },
      {
        ownKeys(target) {
          reads++;
          return Reflect.ownKeys(target);
        },
      },
    );
    const problems = checkAgainst(flood(50_000), obj(props));
    expect(problems).toHaveLength(LISTED + 1);
    expect(reads).toBeLessThanOrEqual(LISTED);
  });

  it('never reads the values of unknown keys: the walk, the rules between fields and the copy read known ones', () => {
    let gets = 0;
    const counted = <T extends object>(value: T) =>
      new Proxy(value, {
        get(target, key, receiver) {
          gets++;
          return Reflect.get(target, key, receiver);
        },
      });
    const config = flood(50_000);
    config.categories = categories(60, 16).map(counted);
    checkConfig(counted(config));
    // Each known key and category field a few times (the walk, the rules between fields, the copy
    // for the record's size), the 50,000 unknown ones never.
    expect(gets).toBeLessThan(2_000);
  });

  it('counts errors past the list too, in the one error the console shows', () => {
    const problems = validateConfig({ ...minimalConfig, categories: Array.from({ length: 60 }, () => ({ id: 'Not an id' })) }).problems;
    expect(problems).toHaveLength(LISTED + 1);
    expect(problems[LISTED]).toEqual({ path: '(root)', message: '10 more errors, not listed', severity: 'error', count: 10 });
    expect(new ConsentGateConfigError(problems).message).toMatch(/^Invalid configuration: 60 problems;/);
  });

  it('does not descend into a deep value under an unknown key, nor under a wrong one', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { deep };
    const problems = validateConfig({ ...minimalConfig, nested: deep, ui: deep } as unknown as ConsentGateConfig).problems;
    expect(problems.map((p) => p.path)).toEqual(['nested', 'ui.deep']);
  });
});
