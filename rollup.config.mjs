import { readFileSync } from 'node:fs';
import json from '@rollup/plugin-json';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const plugins = () => [
  replace({
    preventAssignment: true,
    values: { __CONSENTGATE_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': JSON.stringify('production') },
  }),
  json({ preferConst: true, compact: true }),
  resolve({ browser: true }),
  typescript({ tsconfig: './tsconfig.build.json', noEmitOnError: true }),
];

// Only `_`-prefixed internal fields are mangled: public API and the stored record keep their names.
const minify = () =>
  terser({
    ecma: 2020,
    compress: { passes: 2, pure_getters: true },
    mangle: { properties: { regex: /^_/ } },
    format: { comments: false },
  });

export default [
  {
    // npm: ESM, tree-shakable, dependencies left to the consumer's bundler.
    input: 'src/index.ts',
    external: ['preact', 'preact/hooks', 'preact/jsx-runtime', 'js-cookie'],
    output: { file: 'dist/index.mjs', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
  {
    // Script tag: one self-starting IIFE with Preact and js-cookie inside.
    input: 'src/embed.ts',
    output: { file: 'dist/consentgate.js', format: 'iife', sourcemap: true, plugins: [minify()] },
    plugins: plugins(),
  },
];
