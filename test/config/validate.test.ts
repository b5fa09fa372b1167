import { describe, expect, it } from 'vitest';
import { ConsentGateConfigError, validateConfig } from '../../src/config';
import { healthSiteConfig, minimalConfig } from '../fixtures/configs';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const errors = (value: unknown) => validateConfig(value).problems.filter((p) => p.severity === 'error');

describe('validateConfig', () => {
  it('accepts the documented configs without problems', () => {
    for (const config of [healthSiteConfig, minimalConfig]) {
      const result = validateConfig(config);
      expect(result.problems).toEqual([]);
      expect(result.config).toBe(config);
    }
  });

  it('reports a wrong type with its JSON path and what was expected', () => {
    const config = clone(healthSiteConfig) as any;
    config.categories[2].services[0].domains = 'google-analytics.com';
    expect(errors(config)).toEqual([
      { path: 'categories[2].services[0].domains', message: 'expected an array of host patterns', severity: 'error' },
    ]);
  });

  it('lists every problem at once, not the first one', () => {
    const config = clone(healthSiteConfig) as any;
    config.mode = 'opt-maybe';
    config.policy.lifetimeDays = 400;
    config.categories[1].services[0].domains = ['not a host'];
    config.categories[3].services[1].cookies[0].lifetime = 'forever';
    config.ui.optOutLinks[0].url = 'javascript:alert(1)';
    config.signals.doNotTrack.mode = 'respect';
    const paths = errors(config).map((p) => p.path);
    // In the order the config's keys are written (`mode` was added last here).
    expect(paths).toEqual([
      'policy.lifetimeDays',
      'categories[1].services[0].domains[0]',
      'categories[3].services[1].cookies[0].lifetime',
      'signals.doNotTrack.mode',
      'ui.optOutLinks[0].url',
      'mode',
    ]);
    const messages = Object.fromEntries(errors(config).map((p) => [p.path, p.message]));
    expect(messages.mode).toBe('expected one of "opt-in", "opt-out"');
    expect(messages['policy.lifetimeDays']).toBe('expected an integer from 1 to 395');
    expect(messages['ui.optOutLinks[0].url']).toBe('expected an https:, http: or relative URL');
  });

  it('reports missing required fields', () => {
    expect(errors({ categories: [{ title: 'x' }] })).toEqual([
      { path: 'policy', message: 'missing; expected an object', severity: 'error' },
      { path: 'categories[0].id', message: expect.stringMatching(/^missing; expected an id/), severity: 'error' },
    ]);
  });

  it('rejects non-objects at the root', () => {
    for (const value of [null, undefined, 42, 'config', [], true]) {
      const result = validateConfig(value);
      expect(result.config).toBeNull();
      expect(result.problems[0]).toEqual({ path: '(root)', message: 'expected a configuration object', severity: 'error' });
    }
  });

  it('warns about unknown keys and suggests the key that was meant', () => {
    const config = { ...clone(minimalConfig), categrories: [] };
    const result = validateConfig(config);
    expect(result.config).not.toBeNull();
    expect(result.problems).toEqual([{ path: 'categrories', message: 'unknown key, ignored (did you mean "categories"?)', severity: 'warning' }]);
  });

  it('checks references between sections and unique ids', () => {
    const config = clone(healthSiteConfig) as any;
    config.categories.push({ id: 'analytics' });
    config.categories[1].services.push({ id: 'hotjar' });
    config.ui.optOutLink = { categories: ['marketing'] };
    config.sensitivePages = [{ match: '/conditions/**', block: ['ads'] }];
    expect(errors(config).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'categories[2].services[1].id: duplicate service id "hotjar"',
      'categories[5].id: duplicate category id "analytics"',
      'ui.optOutLink.categories[0]: expected the id of a configured category; "marketing" is not one',
      'sensitivePages[0].block[0]: expected the id of a configured category; "ads" is not one',
    ]);
  });

  it('only accepts https:, http: and relative links', () => {
    const withUrl = (url: string) => ({ ...clone(minimalConfig), policy: { version: '1', privacyPolicyUrl: url } });
    for (const ok of ['https://example.com/privacy', 'http://example.com', '/privacy', 'privacy.html', '#cookies', '//cdn.example.com/p'])
      expect(errors(withUrl(ok)), ok).toEqual([]);
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', ' javascript:x', 'vbscript:x', 'java\tscript:x'])
      expect(errors(withUrl(bad)), bad).toHaveLength(1);
  });

  it('never throws, even on a config whose getters throw', () => {
    const hostile = { policy: { version: '1' }, get categories(): never { throw new Error('boom'); } };
    const result = validateConfig(hostile);
    expect(result.config).toBeNull();
    expect(result.problems[0]!.message).toMatch(/could not be read/);
  });

  it('formats one error that lists every problem', () => {
    const problems = validateConfig({ policy: {}, categories: 'all' }).problems;
    const error = new ConsentGateConfigError(problems);
    expect(error.message).toBe(
      'Invalid configuration: 2 problems; every non-necessary category stays blocked.\n' +
        '  policy.version: missing; expected a policy version (one line, no leading space)\n' +
        '  categories: expected an array of categories',
    );
  });
});
