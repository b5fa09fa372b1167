// @vitest-environment node
/**
 * The size budget of the script tag (issue 5), measured on the built dist/ files, and the README's
 * figures kept honest. gzip at level 9, sizes summed per file (each file is its own download).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, root));
const gzip = (rel: string) => gzipSync(read(rel), { level: 9 }).length;
const exists = (rel: string) => existsSync(new URL(rel, root));

const BOOT = 'dist/consentgate.js';
const APP = 'dist/consentgate-app.js';
/** The registry's details (descriptions, cookie purposes, links): loaded when the preferences or a declaration show. */
const REGISTRY = 'dist/consentgate-registry.js';
/** The panels (Preact, banner, preferences, placeholders, declaration): loaded when one of them must show. */
const UI = 'dist/consentgate-ui.js';

/**
 * Issue 5's budget: what a returning visitor runs before the page's scripts ≤ 5 KB, a first visit
 * ≤ 13 KB. NOT MET yet (bench/README.md, "Where the bytes go", gives today's figures and why).
 * Until it is, the limits asserted below are a ratchet at today's figures plus a little slack, so
 * that nothing grows while the work to reach the budget goes on; the gap to the budget is printed
 * on every run. Raising a ratchet says why in its commit message.
 */
const BUDGET = { boot: 5 * 1024, total: 13 * 1024 } as const;
const RATCHET = { boot: 12_500, total: 49_100, returning: 40_050, registry: 6_700 } as const;
const FIRST_VISIT = [BOOT, APP, UI];

const sources = (rel: string): string[] => (JSON.parse(read(rel + '.map').toString()) as { sources: string[] }).sources;

describe('script-tag size budget (gzip)', () => {
  it(`the boot, all a returning visitor runs before the page scripts, does not grow past ${RATCHET.boot} B (budget ${BUDGET.boot} B)`, () => {
    const boot = gzip(BOOT);
    console.info(`boot ${boot} B gzip; budget ${BUDGET.boot} B (${boot > BUDGET.boot ? `${boot - BUDGET.boot} B over` : 'met'})`);
    expect(boot, `${BOOT} is ${boot} B gzip`).toBeLessThanOrEqual(RATCHET.boot);
  });

  it(`a first-time visitor's download (boot + app + panels: CSS, Preact, js-cookie, English texts, registry) does not grow past ${RATCHET.total} B (budget ${BUDGET.total} B)`, () => {
    const files = FIRST_VISIT;
    const parts = files.map((f) => `${f} ${gzip(f)} B`).join(', ');
    const total = files.reduce((n, f) => n + gzip(f), 0);
    console.info(`first visit ${total} B gzip (${parts}); budget ${BUDGET.total} B (${total > BUDGET.total ? `${total - BUDGET.total} B over` : 'met'})`);
    expect(total, `total ${total} B gzip (${parts})`).toBeLessThanOrEqual(RATCHET.total);
  });

  it(`a returning visitor whose page shows no panel downloads the boot and the app only: at most ${RATCHET.returning} B`, () => {
    const returning = gzip(BOOT) + gzip(APP);
    console.info(`returning visitor ${returning} B gzip (boot + app); the panels, ${gzip(UI)} B, load only when one shows`);
    expect(returning).toBeLessThanOrEqual(RATCHET.returning);
  });

  it(`the registry's details, loaded only when the preferences or a cookie declaration show, stay under ${RATCHET.registry} B`, () => {
    const registry = gzip(REGISTRY);
    console.info(`registry details ${registry} B gzip; a visitor who opens the preferences downloads ${gzip(BOOT) + gzip(APP) + registry} B in all`);
    expect(registry, `${REGISTRY} is ${registry} B gzip`).toBeLessThanOrEqual(RATCHET.registry);
  });

  it('keeps the registry\'s prose and links out of the app: they are in the details file', () => {
    const app = read(APP).toString();
    const details = read(REGISTRY).toString();
    for (const text of ['Identifies the visitor.', 'Measures how visitors use the site', 'https://policies.google.com/privacy', 'https://tools.google.com/dlpage/gaoptout', '2 years']) {
      expect(app, text).not.toContain(text);
      expect(details, text).toContain(text);
    }
    // What the app needs on every page stays in it: titles (placeholders, rows) and cookie names (cleanup).
    expect(app).toContain('Google Analytics');
    expect(app).toContain('"_gid"');
  });

  it('ships no registry `sources` (the vendor pages behind each entry are for review, not for visitors)', () => {
    for (const file of [BOOT, APP, REGISTRY, UI, 'dist/index.mjs']) {
      const code = read(file).toString();
      expect(code, file).not.toContain('docs.tealium.com/iq-tag-management/data-layer/cookies');
      expect(code, file).not.toMatch(/\bsources\b["']?:\s*\{\s*["']?domains/);
    }
  });

  it('keeps the UI, Preact, js-cookie, validation and the full registry out of the boot', () => {
    const boot = sources(BOOT).join('\n');
    expect(boot).not.toMatch(/node_modules\/preact/);
    expect(boot).not.toMatch(/node_modules\/js-cookie/);
    expect(boot).not.toMatch(/src\/ui\//);
    expect(boot).not.toMatch(/src\/config\/validate/);
    // The slim registry: the boot carries patterns, not titles and cookie lists.
    const code = read(BOOT).toString();
    expect(code).not.toContain('Identifies the visitor');
  });

  it('the app carries what the boot leaves out, except the panels: Preact and the components are in the UI file', () => {
    const app = sources(APP).join('\n');
    expect(app).toMatch(/node_modules\/js-cookie/);
    expect(app).toMatch(/src\/config\/validate/);
    expect(app).toMatch(/src\/ui\/shell/);
    expect(app).not.toMatch(/node_modules\/preact/);
    expect(app).not.toMatch(/src\/ui\/(banner|preferences|placeholder|cookie-table)/);
    const ui = sources(UI).join('\n');
    expect(ui).toMatch(/node_modules\/preact/);
    expect(ui).toMatch(/src\/ui\/preferences/);
    // The panels take the texts, the shell and the config from the app: no validator, no core, no second copy of the texts.
    expect(ui).not.toMatch(/src\/(config\/validate|consent\/manager)|i18n\/en\.json|node_modules\/js-cookie/);
  });
});

describe('README size figures', () => {
  // The README states sizes as `<!-- size:boot -->4.6 KB<!-- /size -->` and
  // `<!-- size:total -->12.3 KB<!-- /size -->` (KB = 1024 B, gzip); `npm run size` prints both lines.
  const readme = exists('README.md') ? read('README.md').toString() : '';
  const figure = (name: string): number | null => {
    const m = new RegExp(`<!-- size:${name} -->\\s*([\\d.]+)\\s*KB\\s*<!-- /size -->`).exec(readme);
    return m ? Number(m[1]) * 1024 : null;
  };

  it.each([
    ['boot', () => gzip(BOOT)],
    ['total', () => FIRST_VISIT.reduce((n, f) => n + gzip(f), 0)],
  ] as const)('states the %s size within 100 bytes of the measured one', (name, measure) => {
    const stated = figure(name);
    const measured = measure();
    expect(stated, `README.md needs <!-- size:${name} -->${(measured / 1024).toFixed(1)} KB<!-- /size --> (run "npm run size")`).not.toBeNull();
    expect(Math.abs(stated! - measured), `README says ${stated! / 1024} KB, measured ${measured} B`).toBeLessThanOrEqual(100);
  });
});
