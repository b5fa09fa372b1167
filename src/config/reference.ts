/**
 * The configuration reference, one entry per key, from the one place each fact lives:
 * - shape, type, required, allowed values and limits: the rule tree (`config-rules.ts`), in the
 *   explainer's words (`config-words.ts`);
 * - description and default: the doc comments of `ConsentGateConfig` in `../types.ts` (what users
 *   read in their editor; the type test proves that type is the rule tree's), read with the
 *   TypeScript compiler;
 * - example: the key's value in `config-example.ts`, a complete config.
 * It writes docs/configuration.md (`npm run docs:config`) and the JSON Schema's descriptions and
 * defaults (`npm run schema`); test/config/reference.test.ts fails when either is stale, a key has
 * no description or example, or a default disagrees with what `resolveConfig` applies.
 * Build-time only: no entry imports this file.
 */
import ts from 'typescript';
import type { ConsentGateConfig } from '../types';
import { configExample } from './config-example';
import { configRules } from './config-rules';
import { configWords } from './config-words';
import type { Rule } from './rules';

export interface ReferenceEntry {
  /** Rule path, as the JSON Schema's descriptions are keyed: `categories[].id`, `texts.*`. */
  path: string;
  rule: Rule;
  required: boolean;
  description: string;
  /** From `@default`: a JSON value, or words when the default is not one value. */
  default?: { json: unknown } | { words: string };
  /** The key's value in the complete example (its first occurrence). */
  example: unknown;
}

/** How docs/configuration.md writes a map's keys. */
const MAP_KEYS: Record<string, string> = { texts: '<language>' };
export const displayPath = (path: string): string => path.replace(/(^|\.)([^.[\]]+)\.\*/g, (_, dot: string, key: string) => `${dot}${key}.${MAP_KEYS[key] ?? '<key>'}`);

/** A `@default` as written in types.ts: JSON (single quotes allowed), else words. */
function parseDefault(text: string): ReferenceEntry['default'] {
  try {
    return { json: JSON.parse(text.replace(/'([^']*)'/g, (_, inner: string) => JSON.stringify(inner))) };
  } catch {
    return { words: text };
  }
}

/** Every value at a path of the example (`[]` steps through each item). */
function valuesAt(value: unknown, steps: string[]): unknown[] {
  if (!steps.length) return [value];
  const [step, ...rest] = steps as [string, ...string[]];
  if (step === '[]') return Array.isArray(value) ? value.flatMap((item) => valuesAt(item, rest)) : [];
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (step === '*') return Object.values(record).flatMap((item) => valuesAt(item, rest));
  return Object.prototype.hasOwnProperty.call(record, step) ? valuesAt(record[step], rest) : [];
}
const stepsOf = (path: string) => path.split(/\.|(?=\[\])/).filter(Boolean);

/** Reads the doc comments of `ConsentGateConfig` (and what it refers to) with the TypeScript compiler. */
function docReader(typesFile: string) {
  const program = ts.createProgram([typesFile], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(typesFile);
  const module = source && checker.getSymbolAtLocation(source);
  const root = module && checker.getExportsOfModule(module).find((s) => s.name === 'ConsentGateConfig');
  if (!root) throw new Error(`ConsentGateConfig not found in ${typesFile}`);
  const text = (parts: ts.SymbolDisplayPart[] | undefined) => ts.displayPartsToString(parts).trim();
  return {
    root: checker.getDeclaredTypeOfSymbol(root),
    rootDoc: text(root.getDocumentationComment(checker)),
    property(type: ts.Type, key: string) {
      const symbol = checker.getPropertyOfType(type, key);
      if (!symbol) throw new Error(`types.ts has no "${key}" here: run the type test (test/config/config-type.test-d.ts)`);
      const declaration = symbol.valueDeclaration ?? symbol.declarations![0]!;
      const tag = symbol.getJsDocTags(checker).find((t) => t.name === 'default');
      return {
        type: checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(symbol, declaration)),
        doc: text(symbol.getDocumentationComment(checker)),
        default: tag && text(tag.text),
      };
    },
    item: (type: ts.Type) => checker.getIndexTypeOfType(type, ts.IndexKind.Number)!,
    value: (type: ts.Type) => checker.getIndexTypeOfType(type, ts.IndexKind.String)!,
  };
}

/** Every key of the config, in the rule tree's order, with what the docs and the schema say of it. */
export function configReference(typesFile: string, example: ConsentGateConfig = configExample): ReferenceEntry[] {
  const docs = docReader(typesFile);
  const entries: ReferenceEntry[] = [];
  const visit = (rule: Rule, path: string, type: ts.Type, inherited: unknown) => {
    if (rule.k === 'a') return visit(rule.of, `${path}[]`, docs.item(type), undefined);
    if (rule.k !== 'o') return;
    if (rule.values?.k === 'o') return visit(rule.values, `${path}.*`, docs.value(type), undefined);
    for (const [key, sub] of Object.entries(rule.props)) {
      const property = docs.property(type, key);
      const childPath = path ? `${path}.${key}` : key;
      const own = property.default === undefined ? undefined : parseDefault(property.default);
      // A key without its own @default takes its part of the parent's (signals.doNotTrack.mode).
      const fromParent = inherited && typeof inherited === 'object' && key in inherited ? { json: (inherited as Record<string, unknown>)[key] } : undefined;
      entries.push({
        path: childPath,
        rule: sub,
        required: rule.req?.includes(key) ?? false,
        description: property.doc,
        default: own ?? fromParent,
        example: valuesAt(example, stepsOf(childPath))[0],
      });
      visit(sub, childPath, property.type, own && 'json' in own ? own.json : undefined);
    }
  };
  visit(configRules, '', docs.root, undefined);
  return entries;
}

/** The JSON Schema's descriptions and defaults, by rule path (`json-schema.ts`). */
export function schemaDocs(entries: readonly ReferenceEntry[], typesFile: string): Record<string, { description: string; default?: unknown }> {
  const byPath: Record<string, { description: string; default?: unknown }> = { '': { description: docReader(typesFile).rootDoc.replace(/(?<!\n)\n(?!\n)/g, ' ') } };
  for (const entry of entries) {
    // Doc comments wrap lines for the source: an editor's tooltip reflows them.
    const description = entry.description.replace(/(?<!\n)\n(?!\n)/g, ' ');
    byPath[entry.path] = { description, ...(entry.default && 'json' in entry.default ? { default: entry.default.json } : {}) };
  }
  return byPath;
}

/** JSON on one line, spaced as people write it: `{ "mode": "ignore", "categories": ["analytics"] }`. */
const oneLine = (value: unknown): string =>
  JSON.stringify(value, null, 1)
    .replace(/\n\s*/g, ' ')
    .replace(/\[ /g, '[')
    .replace(/ \]/g, ']');

/** JSON indented, with lists of plain values kept on one line. */
const pretty = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_, items: string) => `[${items.replace(/,\n\s*/g, ', ')}]`);

/** The kind of value, in words: `integer`, `array of strings`, `map`. */
function kind(rule: Rule): string {
  switch (rule.k) {
    case 's':
      return rule.url ? 'string (URL)' : 'string';
    case 'n':
      return rule.int ? 'integer' : 'number';
    case 'b':
      return 'boolean';
    case 'z':
      return 'null';
    case 'u':
      return rule.of.map(kind).join(' or ');
    case 'a':
      return `array of ${kind(rule.of).replace(/^(\w+).*$/, (word) => (word === 'object' ? 'objects' : word + 's'))}`;
    case 'o':
      return rule.values ? 'object (map)' : 'object';
  }
}

/** What values are allowed, in words; '' when the kind says it all. */
function allowed(rule: Rule): string {
  const parts: string[] = [];
  const words = configWords.get(rule);
  if (rule.k === 's') {
    if (rule.oneOf) parts.push(rule.oneOf.map((v) => `\`"${v}"\``).join(', '));
    else if (words) parts.push(words);
    else if (rule.url) parts.push('https:, http: or a relative URL, as the browser parses it');
    if (rule.max !== undefined) parts.push(`at most ${rule.max} characters`);
  } else if (rule.k === 'n') {
    parts.push(`${rule.min} to ${rule.max}`);
  } else if (rule.k === 'a') {
    const of = rule.of;
    if (of.k === 's' && of.oneOf) parts.push(`each one of ${of.oneOf.map((v) => `\`"${v}"\``).join(', ')}`);
    else if (of.k === 's' && configWords.get(of)) parts.push(`each ${configWords.get(of)}`);
    else if (words) parts.push(words);
    if (rule.min) parts.push(`at least ${rule.min}`);
    if (rule.max !== undefined) parts.push(`at most ${rule.max} items`);
  } else if (rule.k === 'o' && rule.values) {
    if (words) parts.push(words);
    const values = rule.values;
    if (values.k === 's' && values.oneOf) parts.push(`values ${values.oneOf.map((v) => `\`"${v}"\``).join(', ')}`);
    if (values.k === 'a' && values.of.k === 's' && values.of.oneOf) parts.push(`values: arrays of ${values.of.oneOf.map((v) => `\`"${v}"\``).join(', ')}`);
    if (rule.max !== undefined) parts.push(`at most ${rule.max} keys`);
  }
  return parts.join('; ');
}


const anchor = (path: string) => displayPath(path).toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');

/** docs/configuration.md. */
export function renderReference(entries: readonly ReferenceEntry[], example: ConsentGateConfig = configExample): string {
  const top = entries.filter((e) => !e.path.includes('.') && !e.path.includes('['));
  const lines: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs:config` from the rule tree (src/config/config-rules.ts), the doc',
    '     comments of src/types.ts and the example in src/config/config-example.ts. Do not edit here:',
    '     change those and run the script; test/config/reference.test.ts fails when this file is stale. -->',
    '',
    'A ConsentGate config is one JSON object: inline in the page (`<script type="application/json"',
    'data-consentgate-config>`), at a URL (`data-config` on the script tag), in `window.consentGateConfig`,',
    'or passed to `createConsentGate()`. The JSON Schema ships as `consentgate/schema.json`',
    '(`dist/consentgate.schema.json`): set `$schema` to it and your editor completes and checks every key below.',
    '',
    'How a config is checked:',
    '',
    '- **An error fails closed.** A value of the wrong kind, a missing required key, or a value past a limit:',
    '  the console shows one error listing every problem by JSON path, `ConsentGate.problems` holds them,',
    '  and every category but `necessary` stays blocked.',
    '- **An unknown key is a warning** (with the key that was probably meant) and is ignored.',
    '- **Rules between keys:** category and service ids are unique; every category list names configured',
    '  categories; at most 1,000 services in all categories together; and the consent record this config',
    '  can produce must fit its cookie (4,000 bytes: every category id, honored signals, their reasons and',
    '  the policy version take room in it).',
    '- **At most 50 problems are listed**; a last line counts the rest.',
    '- **Links** (`privacyPolicyUrl`, `optOutUrl`, `optOutLinks[].url`, `receipts.endpoint`) must be https:,',
    '  http: or relative, judged as the browser parses them, with no spaces or control characters.',
    '',
    '## Keys',
    '',
    ...top.map((e) => `- [\`${e.path}\`](#${anchor(e.path)})${e.required ? ' (required)' : ''}`),
    '',
  ];
  for (const entry of entries) {
    const depth = entry.path.includes('.') || entry.path.includes('[') ? '###' : '##';
    const name = displayPath(entry.path);
    const rows: Array<[string, string]> = [['Type', kind(entry.rule)]];
    const values = allowed(entry.rule);
    if (values) rows.push(['Allowed', values]);
    rows.push(['Required', entry.required ? 'yes' : 'no']);
    if (entry.default) rows.push(['Default', 'json' in entry.default ? `\`${oneLine(entry.default.json)}\`` : entry.default.words]);
    // The example as it stands in a config: `"key": value`. A section (an object, a list of
    // objects) is its keys below and the complete example: it is not repeated here.
    const key = name.split('.').pop()!.replace(/\[\]$/, '');
    const value = oneLine(entry.example);
    const example = /^</.test(key) ? value : `${JSON.stringify(key)}: ${value}`;
    const section = (entry.rule.k === 'o' && !entry.rule.values) || (entry.rule.k === 'a' && entry.rule.of.k === 'o');
    if (section) rows.push(['Example', `its keys below; [the complete example](#complete-example)`]);
    else if (example.length <= 100) rows.push(['Example', `\`${example}\``]);
    lines.push(`${depth} \`${name}\``, '', entry.description, '', '| | |', '|---|---|');
    for (const [label, text] of rows) lines.push(`| ${label} | ${text} |`);
    if (!section && example.length > 100) lines.push('', 'Example:', '', '```json', pretty(/^</.test(key) ? entry.example : { [key]: entry.example }), '```');
    lines.push('');
  }
  lines.push('## Complete example', '', 'Every key above, as a health company\'s site might set them:', '', '```json', pretty(example), '```', '');
  return lines.join('\n');
}
