/**
 * Style sheets as modules, for the UI's shadow roots: `import css, * as classes from './styles/panels.css'`
 * gives the sheet as a minified string (the UI puts it in a `<style>` with the CSP nonce) and each of
 * its classes as a constant. One plugin for rollup (rollup.config.mjs, test/fixtures/ui) and for
 * vitest (vitest.config.ts), so unit tests run on the sheet that ships.
 *
 * The CSS is written readable (src/ui/styles/*.css); lightningcss minifies it. No browser targets:
 * nothing is prefixed or lowered, so logical properties (right-to-left layouts) stay as written.
 * A class in the source is `kebab-case`; its constant is the `camelCase` of it.
 *
 * TypeScript sees each sheet through the `.css.d.ts` beside it, written by `styleTypings`
 * (test/ui/styles.test.ts checks that they agree; `UPDATE_STYLES=1` rewrites them).
 */
import { readFileSync } from 'node:fs';
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

/** Every class in a selector, nested ones too (`:not(.a)`, `:host(.b)`). */
function visitClasses(components, visit) {
  for (const c of components) {
    if (c.type === 'class') visit(c);
    for (const nested of [c.selectors, c.selector].flat()) if (Array.isArray(nested)) visitClasses(nested.flat(), visit);
  }
}

/** Minifies one sheet; returns its CSS and its classes in order of appearance. */
export function compileStyle(file) {
  const classes = [];
  const { code } = transform({
    filename: file,
    code: readFileSync(file),
    minify: true,
    visitor: {
      Selector(selector) {
        visitClasses(selector, (c) => {
          if (!classes.includes(c.name)) classes.push(c.name);
        });
      },
    },
  });
  for (const name of classes) if (RESERVED.test(camelCase(name))) throw new Error(`${file}: the class "${name}" cannot be a constant's name (a reserved word): name it otherwise`);
  return { css: code.toString(), classes };
}

/** The module a sheet becomes: the CSS as the default export, each class as a named one. */
function styleModule(file) {
  const { css, classes } = compileStyle(file);
  return [
    `export default ${JSON.stringify(css)};`,
    ...classes.map((name) => `export const ${camelCase(name)} = ${JSON.stringify(name)};`),
  ].join('\n');
}

/** The `.css.d.ts` for a sheet: what its module exports, so that TypeScript checks each class used. */
export function styleTypings(file) {
  const { classes } = compileStyle(file);
  return [
    `// Written from ${file.split('/').pop()} by scripts/css-modules.mjs (UPDATE_STYLES=1 npx vitest run test/ui/styles.test.ts).`,
    '/** The style sheet, minified. */',
    'declare const css: string;',
    'export default css;',
    ...classes.map((name) => `export declare const ${camelCase(name)}: string;`),
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
      const file = id.slice(PREFIX.length) + '.css';
      this.addWatchFile?.(file);
      return { code: styleModule(file), map: null };
    },
  };
}
