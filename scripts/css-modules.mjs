/**
 * Style sheets as modules, for the UI's shadow roots: `import css, * as classes from './styles/panels.css'`
 * gives the sheet as a minified string (the UI puts it in a `<style>` with the CSP nonce) and each of
 * its classes as a constant holding the name it ships under. One plugin for rollup (rollup.config.mjs,
 * test/fixtures/ui) and for vitest (vitest.config.ts), so unit tests run on the sheet that ships.
 *
 * The CSS is written readable (src/ui/styles/*.css) with descriptive `kebab-case` classes; the
 * module's constant for a class is its `camelCase`. lightningcss minifies the sheet, and its
 * visitor gives each class a short name (`a`, `b`, … `aa`), the same in the sheet and in the
 * constant, so the components never spell a shipped name. No browser targets: nothing is prefixed
 * or lowered, so logical properties (right-to-left layouts) stay as written.
 *
 * The sheets share the shadow roots (the shell's and the panels' in the main one), and a component
 * may use a class of either: the short names are handed out over all the sheets of the folder at
 * once (by file name, then order of appearance), so each class has one short name in every bundle.
 *
 * TypeScript sees each sheet through the `.css.d.ts` beside it, written by `styleTypings`
 * (test/ui/styles.test.ts checks that they agree; `UPDATE_STYLES=1` rewrites them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'lightningcss';

/** The only sheets this plugin takes. */
const FOLDER = fileURLToPath(new URL('../src/ui/styles/', import.meta.url));

/**
 * Vite and vitest handle every id that ends in `.css` (vitest empties them): ours resolve to an id
 * of their own, the path without its `.css`. The `\0` marks it as made by a plugin.
 */
const PREFIX = '\0consentgate-css:';

const camelCase = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Names a class's constant cannot take (`default` is the sheet's own export). */
const RESERVED =
  /^(arguments|await|break|case|catch|class|const|continue|debugger|default|delete|do|else|enum|eval|export|extends|false|finally|for|function|if|implements|import|in|instanceof|interface|let|new|null|package|private|protected|public|return|static|super|switch|this|throw|true|try|typeof|var|void|while|with|yield)$/;

/**
 * The n-th short class name: `a` … `z`, `aa` … Lower case only: a page in quirks mode (no doctype)
 * matches class names without regard to case, so `a` and `A` would be one class there.
 */
const shortName = (n) => (n < 26 ? '' : shortName(Math.floor(n / 26) - 1)) + String.fromCharCode(97 + (n % 26));

/** Every class in a selector, nested ones too (`:not(.a)`, `:host(.b)`): the visitor sees the outer selector only. */
function visitClasses(components, visit) {
  for (const c of components) {
    if (c.type === 'class') visit(c);
    for (const nested of [c.selectors, c.selector]) if (Array.isArray(nested)) visitClasses(nested.flat(), visit);
  }
}

/**
 * Every sheet of the folder, minified, its classes renamed: file → `{ css, classes }`, `classes`
 * mapping each class the sheet names (as written) to the name it ships under.
 */
export function compileStyles() {
  const shipped = new Map();
  const sheets = new Map();
  for (const name of readdirSync(FOLDER).filter((f) => f.endsWith('.css')).sort()) {
    const file = FOLDER + name;
    const classes = new Map();
    const { code } = transform({
      filename: file,
      code: readFileSync(file),
      minify: true,
      visitor: {
        Selector(selector) {
          visitClasses(selector, (c) => {
            if (RESERVED.test(camelCase(c.name))) throw new Error(`${file}: the class "${c.name}" cannot be a constant's name (a reserved word): name it otherwise`);
            if (!shipped.has(c.name)) shipped.set(c.name, shortName(shipped.size));
            classes.set(c.name, shipped.get(c.name));
            c.name = shipped.get(c.name);
          });
          return selector;
        },
      },
    });
    sheets.set(file, { css: code.toString(), classes });
  }
  return sheets;
}

/** One sheet of the folder (see `compileStyles`). */
export function compileStyle(file) {
  const sheet = compileStyles().get(resolve(file));
  if (!sheet) throw new Error(`${file} is not a sheet of ${FOLDER}`);
  return sheet;
}

/** The module a sheet becomes: the CSS as the default export, each class as a named one. */
function styleModule(file) {
  const { css, classes } = compileStyle(file);
  return [`export default ${JSON.stringify(css)};`, ...[...classes].map(([name, short]) => `export const ${camelCase(name)} = ${JSON.stringify(short)};`)].join('\n');
}

/** The `.css.d.ts` for a sheet: what its module exports, so that TypeScript checks each class used. */
export function styleTypings(file) {
  const { classes } = compileStyle(file);
  return [
    `// Written from ${file.split('/').pop()} by scripts/css-modules.mjs (UPDATE_STYLES=1 npx vitest run test/ui/styles.test.ts).`,
    '/** The style sheet, minified, its classes renamed. */',
    'declare const css: string;',
    'export default css;',
    '/** Each class of the sheet: the name it ships under. */',
    ...[...classes.keys()].map((name) => `export declare const ${camelCase(name)}: string;`),
    '',
  ].join('\n');
}

/** The rollup (and vite) plugin. */
export function cssModules() {
  return {
    name: 'consentgate-css-modules',
    // Before vite's own CSS handling, which would otherwise take the `.css` import.
    enforce: 'pre',
    resolveId(source, importer) {
      if (!source.endsWith('.css') || !importer) return null;
      const file = resolve(dirname(importer), source);
      return file.startsWith(FOLDER) ? PREFIX + file.slice(0, -'.css'.length) : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      // Every sheet: a class added to one may change the short names of the others.
      for (const sheet of compileStyles().keys()) this.addWatchFile?.(sheet);
      return { code: styleModule(id.slice(PREFIX.length) + '.css'), map: null };
    },
  };
}
