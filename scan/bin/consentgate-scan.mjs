#!/usr/bin/env node
// The built CLI (scan/dist, from scan/src by `npm run build` at the repo root).
let cli;
try {
  cli = await import('../dist/cli.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.mjs')) throw error;
  console.error('consentgate-scan is not built yet: run `npm run build` at the repository root, then try again.');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
