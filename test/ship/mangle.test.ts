// @vitest-environment node
/**
 * The pinned mangle list (mangle.json, scripts/mangle.mjs) against what ships. The boot, the app
 * and the panels share objects (the blocking handle, the natives, the shell), so each internal
 * `_field` must have one short name in all of them: read from each built file's source map, every
 * renamed property is the one mangle.json pins, and the boot and the app agree. The build refuses
 * a `_field` the list does not name, and a pinned name that a bundle also keeps as a property.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decode } from '@jridgewell/sourcemap-codec';
import { parse, type Node } from 'acorn';
import { rollup, type Plugin } from 'rollup';
import { describe, expect, it } from 'vitest';
import { checkMangleList, pinnedMangling, propertyNames, readMangleList } from '../../scripts/mangle.mjs';

const root = new URL('../../', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, root), 'utf8');
const { props, reserved } = readMangleList();

const BOOT = 'dist/consentgate.js';
const APP = 'dist/consentgate-app.js';
const UI = 'dist/consentgate-ui.js';

/** Every property-name node (`a.name`, `{ name: … }`, `{ name() {} }`) of a program. */
function* propertyNodes(node: unknown): Generator<{ name: string; line: number; column: number }> {
  if (Array.isArray(node)) for (const child of node) yield* propertyNodes(child);
  else if (node && typeof node === 'object') {
    const n = node as Node & Record<string, unknown>;
    const key = n.type === 'MemberExpression' && !n.computed ? n.property : (n.type === 'Property' || n.type === 'MethodDefinition') && !n.computed ? n.key : null;
    if (key && (key as Node).type === 'Identifier') {
      const { name, loc } = key as Node & { name: string };
      yield { name, line: loc!.start.line - 1, column: loc!.start.column };
    }
    for (const k in n) if (k !== 'loc' && n[k] && typeof n[k] === 'object') yield* propertyNodes(n[k]);
  }
}

/**
 * The shipped file's renamed properties: original `_field` (the source map's name at the
 * property) → the names it ships under there.
 */
function shippedFields(file: string): Map<string, Set<string>> {
  const code = read(file);
  const map = JSON.parse(read(file + '.map')) as { mappings: string; names: string[]; sources: string[] };
  const named = new Map<string, string>();
  decode(map.mappings).forEach((segments, line) => {
    // Ours only: Preact's internals are shortened per bundle (scripts/mangle.mjs).
    for (const s of segments) if (s.length === 5 && /(^|\/)src\//.test(map.sources[s[1]]!)) named.set(`${line}:${s[0]}`, map.names[s[4]]!);
  });
  const fields = new Map<string, Set<string>>();
  for (const { name, line, column } of propertyNodes(parse(code, { ecmaVersion: 2022, locations: true }))) {
    const original = named.get(`${line}:${column}`);
    if (original?.startsWith('_')) fields.set(original, (fields.get(original) ?? new Set()).add(name));
  }
  return fields;
}

describe('mangle.json', () => {
  it('pins each internal field to its own short name', () => {
    const shortNames = [...props.values()];
    expect(new Set(shortNames).size).toBe(shortNames.length);
    for (const [field, short] of props) {
      expect(field, field).toMatch(/^_[a-zA-Z]\w*$/);
      expect(short, field).toMatch(/^[a-zA-Z_$][\w$]*$/);
      expect(props.has(short), `${field} → ${short}`).toBe(false);
      expect(reserved.has(field), field).toBe(false);
    }
  });

  it('lists no field that src/ no longer uses', () => {
    const src = fileURLToPath(new URL('src/', root));
    const text = (readdirSync(src, { recursive: true }) as string[])
      .filter((f) => /\.tsx?$/.test(f))
      .map((f) => readFileSync(src + f, 'utf8'))
      .join('\n');
    for (const field of [...props.keys(), ...reserved.keys()]) expect(text, field).toMatch(new RegExp(`[.{,\\s]${field}\\b`));
  });
});

describe('the shipped files against mangle.json', () => {
  const files: Record<string, Map<string, Set<string>>> = { [BOOT]: shippedFields(BOOT), [APP]: shippedFields(APP), [UI]: shippedFields(UI) };

  it.each([BOOT, APP, UI])('%s ships each `_field` under its pinned name, a reserved one as it is', (file) => {
    for (const [field, names] of files[file]!) {
      expect(props.has(field) || reserved.has(field), `${file}: ${field} is not in mangle.json`).toBe(true);
      expect([...names], `${file}: ${field}`).toEqual([props.get(field) ?? field]);
    }
  });

  it('the boot and the app agree on the fields they share (the natives, the URL patterns)', () => {
    const boot = files[BOOT]!;
    const app = files[APP]!;
    const shared = [...boot.keys()].filter((field) => app.has(field));
    expect(shared).toEqual(expect.arrayContaining(['_setAttribute', '_replaceChild', '_value', '_path']));
    for (const field of shared) expect([...app.get(field)!], field).toEqual([...boot.get(field)!]);
  });

  it('no pinned field ships under its own name; a reserved one does (GTM reads `_clear`)', () => {
    for (const file of [BOOT, APP, UI]) {
      const names = propertyNames(parse(read(file), { ecmaVersion: 2022 }));
      for (const field of props.keys()) expect(names.has(field), `${file}: ${field}`).toBe(false);
    }
    expect(propertyNames(parse(read(APP), { ecmaVersion: 2022 })).has('_clear')).toBe(true);
  });
});

describe('the build refuses', () => {
  const srcModule = fileURLToPath(new URL('src/mangle-probe.ts', root));
  /** Builds `code` as if it were a module of src/, through the given plugins. */
  async function build(code: string, plugins: Plugin[], outputPlugins: ReturnType<typeof pinnedMangling> = []) {
    const virtual: Plugin = { name: 'probe', resolveId: (id) => (id === srcModule ? id : null), load: (id) => (id === srcModule ? code : null) };
    const bundle = await rollup({ input: srcModule, plugins: [virtual, ...plugins], logLevel: 'silent' });
    try {
      return (await bundle.generate({ format: 'iife', plugins: outputPlugins })).output[0].code;
    } finally {
      await bundle.close();
    }
  }

  it('a `_field` in src/ that mangle.json does not list', async () => {
    await expect(build('const o = { _unlisted: 1 }; console.log(o._unlisted);', [checkMangleList()])).rejects.toThrow(
      /mangle-probe\.ts uses _unlisted, which mangle\.json does not list/,
    );
    // Listed and reserved names pass, and ship as pinned / as they are.
    const code = await build('const o = { _done: 1, _clear: true }; console.log(o._done, o);', [checkMangleList()], pinnedMangling({ ecma: 2020 }));
    expect(code).toContain(`${props.get('_done')}:1`);
    expect(code).toContain('_clear:!0');
  });

  it('a pinned short name that the bundle also keeps as a property, beside the field pinned to it', async () => {
    const short = props.get('_catalog')!;
    await expect(build(`const o = { _catalog: 1 }; console.log({ ${short}: 1 }, o._catalog);`, [], pinnedMangling({ ecma: 2020 }))).rejects.toThrow(
      new RegExp(`"${short.replace(/\$/g, '\\$')}" \\(pinned for _catalog\\) is also a property`),
    );
  });
});
