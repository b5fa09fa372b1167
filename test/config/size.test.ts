// @vitest-environment node
/**
 * The lean check ships no words: built on its own with the shipped terser settings, it holds none
 * of the explainer's messages, paths or suggestions, and stays within its byte ratchet. The
 * explainer's extra bytes (what the script tag would load only for a broken config) are printed.
 */
import { gzipSync } from 'node:zlib';
import json from '@rollup/plugin-json';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';
import { configWords } from '../../src/config/config-words';

const root = new URL('../../', import.meta.url).pathname;

/** Minified ESM of `code` (imports relative to src/config/), as the shipped builds minify. */
async function build(code: string): Promise<string> {
  const bundle = await rollup({
    input: 'entry',
    plugins: [
      { name: 'entry', resolveId: (id) => (id === 'entry' ? id : null), load: (id) => (id === 'entry' ? code : null) },
      json({ preferConst: true, compact: true }),
      resolve({ browser: true }),
      typescript({ tsconfig: root + 'tsconfig.build.json', include: ['src/**/*'], rootDir: root, noEmitOnError: false, outputToFilesystem: false }),
    ],
  });
  try {
    const { output } = await bundle.generate({
      format: 'es',
      plugins: [terser({ ecma: 2020, compress: { passes: 3, pure_getters: true }, mangle: { properties: { regex: /^_/ } }, format: { comments: false } })],
    });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}

/** Ratchet on today's figure: the lean check, the rule tree, resolveConfig (the record's size is
 * checked on the resolved config) and what they import. */
const LEAN_RATCHET = 3_700;

const gzip = (code: string) => gzipSync(code, { level: 9 }).length;
const from = (file: string, names: string) => `export { ${names} } from ${JSON.stringify(root + 'src/config/' + file)};`;

describe('lean check and explainer (gzip, minified)', () => {
  it('the lean check holds no message, path words or suggestion, and stays under its ratchet', async () => {
    const lean = await build(from('check.ts', 'checkConfig'));
    for (const words of [...configWords.values(), 'did you mean', 'unknown key', 'expected ', 'missing;', 'could not be read']) {
      expect(lean, words).not.toContain(words);
    }
    const explainer = await build(from('check.ts', 'checkConfig') + from('validate.ts', 'explainConfig'));
    const resolveOnly = await build(from('resolve.ts', 'resolveConfig'));
    console.info(
      `lean check ${gzip(lean)} B gzip (resolveConfig alone, which the app has anyway: ${gzip(resolveOnly)} B); ` +
        `with the explainer ${gzip(explainer)} B: the explainer adds ${gzip(explainer) - gzip(lean)} B`,
    );
    expect(gzip(lean)).toBeLessThanOrEqual(LEAN_RATCHET);
  }, 120_000);
});
