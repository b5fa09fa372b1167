import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config';
import { buildJsonSchema } from '../../src/config/json-schema';
import { configReference, schemaDocs } from '../../src/config/reference';
import { healthSiteConfig, minimalConfig } from '../fixtures/configs';

// Paths from the project root (vitest's cwd): happy-dom gives import.meta.url no file: scheme.
const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string };
const schemaFile = resolve('src/config/consentgate.schema.json');
const types = resolve('src/types.ts');
const schema = buildJsonSchema(pkg.version, schemaDocs(configReference(types), types));

describe('the shipped JSON Schema', () => {
  it('is the one the rule tree produces (npm run schema rewrites it)', () => {
    const text = JSON.stringify(schema, null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA) writeFileSync(schemaFile, text);
    expect(readFileSync(schemaFile, 'utf8')).toBe(text);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const check = ajv.compile(schema);
  // The run time and the schema must agree: same rules in both places. JSON Schema cannot say
  // "ids are unique" or "this id names a configured category": those cross-checks are run-time only.
  const crossCheck = /^duplicate|configured category/;
  const agree = (value: unknown) => {
    const runtime = validateConfig(value).problems.filter((p) => !crossCheck.test(p.message)).length === 0;
    expect(check(value), JSON.stringify(value).slice(0, 300)).toBe(runtime);
  };

  it('agrees with the run time on the documented configs and on broken ones', () => {
    agree(healthSiteConfig);
    agree(minimalConfig);
    agree({ ...minimalConfig, mode: 'opt-out', regions: { 'US-CA': 'opt-out', GB: 'opt-in', default: 'opt-in' } });
    agree({ ...minimalConfig, mode: 'sometimes' });
    agree({ ...minimalConfig, regions: { california: 'opt-out' } });
    agree({ ...minimalConfig, policy: { version: '1', lifetimeDays: 396 } });
    agree({ ...minimalConfig, policy: { version: '1', privacyPolicyUrl: 'javascript:alert(1)' } });
    agree({ ...minimalConfig, policy: { version: '1', privacyPolicyUrl: '\u0001javascript:alert(1)' } });
    agree({ ...minimalConfig, ui: { theme: { '--cg-accent': 'red;} body{display:none' } } });
    agree({ ...minimalConfig, ui: { theme: { color: 'red' } } });
    agree({ ...minimalConfig, categrories: [] });
    agree({ policy: { version: '' }, categories: [] });
  });

  it('agrees with the run time on random mutations of a valid config', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('opt-in', 'honor', 'analytics', '/x', 'a.example.com'));
    const paths: Array<(c: any, v: unknown) => void> = [
      (c, v) => (c.mode = v),
      (c, v) => (c.policy.version = v),
      (c, v) => (c.policy.lifetimeDays = v),
      (c, v) => (c.categories[1].id = v),
      (c, v) => (c.categories[1].required = v),
      (c, v) => (c.categories[2].services[0].domains = [v]),
      (c, v) => (c.categories[3].services[1].cookies[0].lifetime = v),
      (c, v) => (c.signals.globalPrivacyControl.mode = v),
      (c, v) => (c.ui.optOutLinks[0].url = v),
      (c, v) => (c.language = v),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: paths.length - 1 }), leaf, (index, value) => {
        const config = JSON.parse(JSON.stringify(healthSiteConfig));
        paths[index]!(config, value);
        agree(config);
      }),
      { numRuns: 300 },
    );
  });
});
