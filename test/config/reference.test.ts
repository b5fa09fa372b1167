/**
 * One source per fact, checked: docs/configuration.md is what the rule tree, the doc comments of
 * `ConsentGateConfig` and the complete example make of every key (`npm run docs:config` rewrites
 * it); every key of the shipped JSON Schema is in docs/; every key has a description and an
 * example; every `@default` is what the run time applies.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, validateConfig } from '../../src/config';
import { configExample } from '../../src/config/config-example';
import { configReference, displayPath, renderReference, type ReferenceEntry } from '../../src/config/reference';
import { DEFAULT_CONSENT_MAP, DEFAULT_WAIT_FOR_UPDATE } from '../../src/integrations/google-consent-mode';

// Paths from the project root (vitest's cwd): happy-dom gives import.meta.url no file: scheme.
const DOC = resolve('docs/configuration.md');
const entries = configReference(resolve('src/types.ts'));
const byPath = new Map(entries.map((e) => [e.path, e]));

describe('docs/configuration.md', () => {
  it('is what the rule tree, types.ts and the example make of it (npm run docs:config rewrites it)', () => {
    const text = renderReference(entries);
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, text);
    expect(existsSync(DOC) ? readFileSync(DOC, 'utf8') : '', 'docs/configuration.md is stale: run npm run docs:config').toBe(text);
  });

  it('covers every key of the shipped JSON Schema', () => {
    const schema = JSON.parse(readFileSync(resolve('src/config/consentgate.schema.json'), 'utf8')) as Schema;
    const docs = readdirSync(resolve('docs')).filter((f) => f.endsWith('.md')).map((f) => readFileSync(resolve('docs', f), 'utf8')).join('\n');
    const keys = schemaKeys(schema);
    expect(keys.length).toBeGreaterThan(80);
    expect(keys.filter((key) => !docs.includes('`' + key + '`'))).toEqual([]);
  });

  it('ships to no visitor: no description is in a built file (the rule tree carries none)', () => {
    const built = ['dist/consentgate.js', 'dist/consentgate-app.js', 'dist/consentgate-ui.js', 'dist/index.mjs'].filter((f) => existsSync(resolve(f)));
    expect(built, 'run npm run build first').toHaveLength(4);
    const code = built.map((f) => readFileSync(resolve(f), 'utf8')).join('\n');
    const leaked = entries.map((e) => e.description.split('\n')[0]!.slice(0, 40)).filter((start) => start.length > 20 && code.includes(start));
    expect(leaked).toEqual([]);
  });

  it('gives every key a description and an example from the complete config, which is valid', () => {
    expect(validateConfig(configExample).problems).toEqual([]);
    expect(entries.filter((e) => !e.description).map((e) => e.path)).toEqual([]);
    expect(entries.filter((e) => e.example === undefined).map((e) => e.path)).toEqual([]);
  });
});

type Schema = { properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema | boolean };

/** Every property of the schema by path, as the docs write it: `categories[].id`, `texts.<language>`. */
function schemaKeys(schema: Schema, path = ''): string[] {
  const keys: string[] = [];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const child = path ? `${path}.${key}` : key;
    keys.push(child, ...schemaKeys(sub, child));
  }
  if (schema.items) keys.push(...schemaKeys(schema.items, `${path}[]`));
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties.properties)
    keys.push(...schemaKeys(schema.additionalProperties, displayPath(`${path}.*`)));
  return keys;
}

describe('the defaults in types.ts', () => {
  const withDefault = entries.filter((e): e is ReferenceEntry & { default: { json: unknown } } => !!e.default && 'json' in e.default);

  /** The example without the key (in every item of a list), or without its parent where the key is required. */
  function without(path: string): unknown {
    const config = JSON.parse(JSON.stringify(configExample)) as Record<string, unknown>;
    const target = byPath.get(path)!.required ? path.replace(/\.[^.]+$/, '') : path;
    const steps = target.split(/\.|(?=\[\])/);
    const last = steps.pop()!;
    const parents = steps.reduce<unknown[]>((nodes, step) => nodes.flatMap((n) => (step === '[]' ? (n as unknown[]) : [(n as Record<string, unknown>)[step]])).filter(Boolean), [config]);
    for (const parent of parents) delete (parent as Record<string, unknown>)[last];
    return config;
  }

  /** Where the resolved config keeps a key whose place differs from the config's. */
  const RESOLVED_AT: Record<string, string> = { 'ui.optOutLink.categories': 'ui.optOutCategories', 'ui.optOutLink.fixed': 'ui.optOutFixed' };
  /** The first value at `path` (`[]`: in any item). */
  const at = (value: unknown, path: string) =>
    path
      .split(/\.|(?=\[\])/)
      .reduce<unknown[]>((nodes, step) => nodes.flatMap((node) => (step === '[]' ? (Array.isArray(node) ? node : []) : node && typeof node === 'object' && step in node ? [(node as Record<string, unknown>)[step]] : [])), [value])[0];

  it('are what resolveConfig applies when a key is left out', () => {
    const checked = withDefault.filter((e) => !e.path.startsWith('ui.theme.') && !e.path.startsWith('googleConsentMode.'));
    expect(checked.length).toBeGreaterThan(20);
    for (const entry of checked) {
      const config = without(entry.path);
      expect(validateConfig(config).problems.filter((p) => p.severity === 'error'), entry.path).toEqual([]);
      const resolved = at(resolveConfig(config as never), RESOLVED_AT[entry.path] ?? entry.path);
      // An object default names only what it sets (signals.doNotTrack: mode and categories).
      const expected = entry.default.json;
      if (expected && typeof expected === 'object' && !Array.isArray(expected)) expect(resolved, entry.path).toMatchObject(expected);
      else expect(resolved, entry.path).toEqual(expected);
    }
  });

  it('are what the style sheet and Google Consent Mode apply for the keys they read themselves', () => {
    const theme = withDefault.filter((e) => e.path.startsWith('ui.theme.'));
    expect(theme).toHaveLength(10);
    // The light scheme's values: the first `:host` rule of the shell's sheet, read without spaces.
    const sheet = readFileSync(resolve('src/ui/styles/shell.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, '');
    const host = sheet.match(/:host\{all:initial;([^}]*)\}/)![1]!;
    for (const entry of theme) expect(host, entry.path).toContain(`${entry.path.slice('ui.theme.'.length)}:${String(entry.default.json).replace(/\s+/g, '')}`);
    expect(byPath.get('googleConsentMode.map')!.default).toEqual({ json: DEFAULT_CONSENT_MAP });
    expect(byPath.get('googleConsentMode.waitForUpdate')!.default).toEqual({ json: DEFAULT_WAIT_FOR_UPDATE });
  });

  it('cover every key resolveConfig fills in', () => {
    // A key whose value the resolved config has though the config left it out has a default.
    const undocumented = entries
      .filter((e) => e.rule.k !== 'o' && !e.required && !e.default)
      .filter((e) => at(resolveConfig(without(e.path) as never), RESOLVED_AT[e.path] ?? e.path) !== undefined)
      .map((e) => e.path);
    expect(undocumented).toEqual([]);
  });
});
