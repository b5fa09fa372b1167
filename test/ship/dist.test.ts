// @vitest-environment node
/**
 * Checks of what ships (issue 5): the ES level of dist/, publint, the package.json fields, the
 * schema copy, and that the npm entry is tree-shakable with no side effects on import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'acorn';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const path = (rel: string) => new URL(rel, root).pathname;
const text = (rel: string) => readFileSync(new URL(rel, root), 'utf8');
const pkg = JSON.parse(text('package.json')) as Record<string, unknown> & {
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  files: string[];
  sideEffects: unknown;
  types: string;
};

describe('ES level of dist/', () => {
  // Browsers we support run ES2020 (no class fields, no `??=`, no top-level await): the build must
  // not let newer syntax through from our code or from a dependency.
  it.each([
    ['dist/consentgate.js', 'script'],
    ['dist/consentgate-app.js', 'script'],
    ['dist/consentgate-ui.js', 'script'],
    ['dist/consentgate-registry.js', 'script'],
    ['dist/index.mjs', 'module'],
  ] as const)('%s parses as ES2020', (file, sourceType) => {
    expect(() => parse(text(file), { ecmaVersion: 2020, sourceType })).not.toThrow();
  });

  it('the IIFE files leak no global but window.ConsentGate', () => {
    for (const file of ['dist/consentgate.js', 'dist/consentgate-app.js', 'dist/consentgate-ui.js', 'dist/consentgate-registry.js']) {
      const code = text(file).trim();
      // One expression statement wrapping everything: `!function(){…}();` or `(()=>{…})();`
      const ast = parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as unknown as { body: Array<{ type: string }> };
      expect(ast.body.map((n) => n.type), file).toEqual(['ExpressionStatement']);
    }
  });
});

describe('dead code in the script-tag files', () => {
  /** Statements that only compute a value nobody reads, from a builtin that only reads: `Object.keys(x).join();`. */
  const unusedReads = (code: string) => {
    const found: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (!node || typeof node !== 'object') return;
      const n = node as { type?: string; expression?: unknown; start: number; end: number };
      if (n.type === 'ExpressionStatement' && /^Object\.keys\([\w$]+\)(\.join\(\))?;?$/.test(code.slice(n.start, n.end))) found.push(code.slice(n.start, n.end));
      Object.values(n).forEach(visit);
    };
    visit(parse(code, { ecmaVersion: 2020, sourceType: 'script' }));
    return found;
  };

  it.each(['dist/consentgate.js', 'dist/consentgate-app.js', 'dist/consentgate-ui.js'])('%s computes no Object.keys(…) it drops', (file) => {
    // The app carried `Object.keys(URL_ATTRIBUTES).join()`: markup-gate.ts's tag selector, which only the boot's guards use.
    expect(unusedReads(text(file))).toEqual([]);
  });
});

describe('package.json', () => {
  it('is publint-clean (strict)', async () => {
    const { messages, pkg: json } = await publint({ pkgDir: path('.'), strict: true, pack: false });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, json)}`)).toEqual([]);
  });

  it('exports the ESM entry with types first, the script tag and the schema', () => {
    expect(pkg.exports['.']).toEqual({ types: './dist/types/index.d.ts', import: './dist/index.mjs', default: './dist/index.mjs' });
    expect(Object.keys(pkg.exports['.'] as object)[0]).toBe('types');
    expect(pkg.exports['./consentgate.js']).toBe('./dist/consentgate.js');
    expect(pkg.exports['./schema.json']).toBe('./dist/consentgate.schema.json');
    expect(pkg.types).toBe('./dist/types/index.d.ts');
    expect(pkg.exports['./consentgate-registry.js']).toBe('./dist/consentgate-registry.js');
    for (const target of ['dist/index.mjs', 'dist/types/index.d.ts', 'dist/consentgate.js', 'dist/consentgate-app.js', 'dist/consentgate-ui.js', 'dist/consentgate-registry.js', 'dist/consentgate.schema.json']) {
      expect(existsSync(path(target)), target).toBe(true);
    }
  });

  it('ships dist only, lists the script files as its only side effects, and depends on preact and js-cookie only', () => {
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.sideEffects).toEqual(['./dist/consentgate.js', './dist/consentgate-app.js', './dist/consentgate-ui.js', './dist/consentgate-registry.js']);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['js-cookie', 'preact']);
  });

  it('ships the checked-in JSON Schema unchanged', () => {
    expect(text('dist/consentgate.schema.json')).toBe(text('src/config/consentgate.schema.json'));
    expect(JSON.parse(text('dist/consentgate.schema.json'))).toHaveProperty('$schema');
  });
});

describe('dist/index.mjs', () => {
  /** What a consumer's bundler makes of `entry` (code importing 'consentgate'), dependencies external. */
  const bundleOf = async (entry: string): Promise<string> => {
    const bundle = await rollup({
      input: 'entry',
      external: (id) => id !== 'entry' && !id.startsWith('/'),
      plugins: [
        {
          name: 'entry',
          resolveId: (id) => (id === 'entry' ? id : id === 'consentgate' ? path('dist/index.mjs') : null),
          load: (id) => (id === 'entry' ? entry : null),
        },
      ],
      onwarn: () => {},
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    return output[0].code;
  };

  it('has no side effects on import: a bundle that imports it and uses nothing is empty', async () => {
    // Dependencies are external, so their imports stay as bare `import 'preact'` lines at most.
    const code = (await bundleOf("import 'consentgate';")).replace(/^import\s+['"][^'"]+['"];?\s*$/gm, '').trim();
    expect(code).toBe('');
  });

  it('tree-shakes: importing only VERSION leaves the consent core, UI and registry out', async () => {
    expect((await bundleOf("import { VERSION } from 'consentgate'; console.log(VERSION);")).length).toBeLessThan(300);
  });

  it('keeps preact and js-cookie external', () => {
    const code = text('dist/index.mjs');
    expect(code).toMatch(/from ['"]js-cookie['"]/);
    expect(code).not.toContain('Cookies.withAttributes = ');
  });
});
