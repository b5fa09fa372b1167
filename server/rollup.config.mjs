import { builtinModules } from 'node:module';
import json from '@rollup/plugin-json';
import resolve from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';

// The collector, for Node: ESM, its dependencies (better-sqlite3, pg) and Node's built-ins left
// external. The SDK sources it imports (the receipt rules, checkAgainst, receiptKey) are bundled in,
// so the server validates with the SDK's own definition. Run from the repo root:
// `rollup -c server/rollup.config.mjs` (part of `npm run build`).
const external = ['better-sqlite3', 'pg', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default {
  input: { cli: 'server/src/cli.ts', index: 'server/src/index.ts' },
  external,
  output: { dir: 'server/dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs', sourcemap: true },
  plugins: [json({ preferConst: true }), resolve({ preferBuiltins: true }), typescript({ tsconfig: './server/tsconfig.build.json', noEmitOnError: true })],
};
