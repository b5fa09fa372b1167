/**
 * The pinned property-mangle list (mangle.json), as the build uses it.
 *
 * The script-tag files are separate bundles that share objects: the app calls into the blocking
 * handle and the natives the boot made, the panels into the shell the app made. An internal field
 * is `_`-prefixed so that terser shortens it; it must get the same short name in every file. The
 * list pins each one (like Preact's mangle.json), so the name no longer depends on which bundle
 * was built first or what else it holds:
 * - `props`: each `_field` and the short name it ships under, in every file;
 * - `reserved`: `_`-names that are not ours to rename (a third party reads them), with the reason.
 *
 * `checkMangleList()` fails the build when a module of src/ uses a `_field` the list does not
 * name. `pinnedMangling()` is terser with the list; it also fails the build when a bundle keeps a
 * property under a pinned short name beside the field pinned to it (they would be one property).
 * Preact's own internals (`__k`, `__e`, … in its published build) are shortened per bundle: they
 * never cross one. test/ship/mangle.test.ts checks the shipped files against the list.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import terser from '@rollup/plugin-terser';

export const MANGLE_LIST = fileURLToPath(new URL('../mangle.json', import.meta.url));
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** `{ props: Map<_field, short>, reserved: Map<_field, reason> }` from mangle.json. */
export function readMangleList() {
  const { props, reserved } = JSON.parse(readFileSync(MANGLE_LIST, 'utf8'));
  return { props: new Map(Object.entries(props)), reserved: new Map(Object.entries(reserved)) };
}

/** Every node of an ESTree AST. */
function* walk(node) {
  if (Array.isArray(node)) for (const child of node) yield* walk(child);
  else if (node && typeof node === 'object') {
    if (typeof node.type === 'string') yield node;
    for (const key in node) if (key !== 'type' && node[key] && typeof node[key] === 'object') yield* walk(node[key]);
  }
}

/**
 * The property names a program spells, as terser's property mangler sees them: `a.name`,
 * `a['name']`, `{ name: … }`, `{ name() {} }`, class members, `'name' in a`.
 */
export function propertyNames(ast) {
  const names = new Set();
  const key = (node, computed) => {
    if (!node) return;
    if (!computed && node.type === 'Identifier') names.add(node.name);
    else if (node.type === 'Literal' && typeof node.value === 'string') names.add(node.value);
  };
  for (const node of walk(ast)) {
    if (node.type === 'MemberExpression') key(node.property, node.computed);
    else if (node.type === 'Property' || node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') key(node.key, node.computed);
    else if (node.type === 'BinaryExpression' && node.operator === 'in') key(node.left, true);
  }
  return names;
}

/** Fails the build when a module of src/ uses a `_field` that mangle.json does not list. */
export function checkMangleList() {
  return {
    name: 'consentgate-check-mangle-list',
    buildStart() {
      this.addWatchFile(MANGLE_LIST);
    },
    transform(code, id) {
      if (!id.startsWith(SRC) || !/\.tsx?$/.test(id)) return null;
      const { props, reserved } = readMangleList();
      const missing = [...propertyNames(this.parse(code))].filter((name) => name.startsWith('_') && !props.has(name) && !reserved.has(name));
      if (missing.length)
        this.error(
          `${id} uses ${missing.join(', ')}, which mangle.json does not list: pin each internal field to a short name under "props" ` +
            `(the same in every script-tag file), or put a name a third party reads under "reserved".`,
        );
      return null;
    },
  };
}

/** The regex source that matches exactly `names`. */
const exactly = (names) => `^(?:${[...names].map((n) => n.replace(/\$/g, '\\$')).join('|')})$`;

/**
 * Output plugins: terser with `options`, its property mangling taken from mangle.json, after a
 * check that no pinned short name is also a property the bundle keeps as it is.
 */
export function pinnedMangling(options) {
  const { props, reserved } = readMangleList();
  const shortNames = new Map([...props].map(([field, short]) => [short, field]));
  /**
   * Preact's internal fields in its published build: `__k`, `__e`, … and `_sb` (its own mangle.json
   * pins them so). They live in the panels' file only and never cross it: shortened per bundle.
   */
  const PREACT_INTERNAL = '^(?:__[a-zA-Z$]*|_sb)$';
  const mangled = new RegExp(`${exactly(props.keys())}|${PREACT_INTERNAL}`);
  return [
    {
      name: 'consentgate-pinned-names',
      renderChunk(code, chunk) {
        const names = propertyNames(this.parse(code));
        // A pinned name clashes only where its field is in this bundle too.
        const kept = [...names].filter((name) => !mangled.test(name) && shortNames.has(name) && names.has(shortNames.get(name)));
        if (kept.length)
          this.error(
            `${chunk.fileName}: ${kept.map((name) => `"${name}" (pinned for ${shortNames.get(name)})`).join(', ')} is also a property this file keeps ` +
              'under that name: pick another short name in mangle.json.',
          );
        return null;
      },
    },
    terser({
      ...options,
      mangle: { ...options.mangle, properties: { regex: mangled, reserved: [...reserved.keys()] } },
      // terser takes pinned names from its name cache (`$` + property name → short name); a fresh
      // one per bundle, so nothing one bundle adds (Preact's fields) reaches the next.
      nameCache: { props: { props: Object.fromEntries([...props].map(([field, short]) => ['$' + field, short])) } },
    }),
  ];
}
