/**
 * `npm run size`: the shipped files' sizes (raw, gzip, brotli) against the budgets, and the README
 * size lines that test/ship/size.test.ts checks (paste them where the README gives the figures).
 */
import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const files = ['dist/consentgate.js', 'dist/consentgate-app.js', 'dist/consentgate-ui.js', 'dist/consentgate-registry.js', 'dist/index.mjs', 'dist/consentgate.schema.json'].filter((f) => existsSync(f));
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const sizes = Object.fromEntries(
  files.map((f) => {
    const buf = readFileSync(f);
    return [f, { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length }];
  }),
);
for (const [f, s] of Object.entries(sizes)) console.log(`${f.padEnd(32)} ${String(s.raw).padStart(7)} B raw  ${String(s.gzip).padStart(6)} B gzip (${kb(s.gzip)})  ${String(s.brotli).padStart(6)} B brotli`);
const boot = sizes['dist/consentgate.js']?.gzip ?? 0;
const total = ['dist/consentgate.js', 'dist/consentgate-app.js', 'dist/consentgate-ui.js'].reduce((n, f) => n + (sizes[f]?.gzip ?? 0), 0);
console.log(`\nboot (returning visitor, before the page's scripts): ${boot} B gzip — budget 5120 B ${boot <= 5120 ? 'OK' : 'OVER by ' + (boot - 5120) + ' B'}`);
console.log(`first-time visitor total (script tag):               ${total} B gzip — budget 13312 B ${total <= 13312 ? 'OK' : 'OVER by ' + (total - 13312) + ' B'}`);
// Not part of a first visit: the registry's details load only when the preferences or a cookie declaration show.
const details = sizes['dist/consentgate-registry.js']?.gzip ?? 0;
if (details) console.log(`opening the preferences adds (registry details):        ${details} B gzip — ${total + details} B in all`);
console.log('\nREADME lines (checked by test/ship/size.test.ts, ±100 B):');
console.log(`<!-- size:boot -->${kb(boot)}<!-- /size -->`);
console.log(`<!-- size:total -->${kb(total)}<!-- /size -->`);
