import { builtinModules } from 'node:module';
import json from '@rollup/plugin-json';
import resolve from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';

// The scanner, for Node: ESM, playwright-core and Node's built-ins left external. What it shares
// with the SDK is bundled in at build time, so a scanner judges a site with the release it was
// built with: the service registry (JSON), the URL matcher and catalog, the config validator, the
// config's JSON Schema id, and the Chromium path and flags (scripts/chromium.mjs). Run from the
// repo root: `rollup -c scan/rollup.config.mjs` (part of `npm run build`).
const external = ['playwright-core', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default {
  input: { cli: 'scan/src/cli.ts' },
  external,
  output: { dir: 'scan/dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs', sourcemap: true },
  plugins: [json({ preferConst: true }), resolve({ preferBuiltins: true }), typescript({ tsconfig: './scan/tsconfig.build.json', noEmitOnError: true })],
};
