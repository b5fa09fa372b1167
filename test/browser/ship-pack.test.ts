/**
 * `npm pack` gives a package that installs and works in a fresh folder (issue 5): packed from the
 * built dist/, installed from the tarball with the local npm cache (its two dependencies), then
 *  (a) imported by Node as ESM, and its types compiled by tsc against a consumer file;
 *  (b) its consentgate.js used as a script tag in Chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPage } from '../_util/chromium';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

let work = '';
let consumer = '';
let packed: { filename: string; files: Array<{ path: string }> };

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'consentgate-pack-'));
  packed = (JSON.parse(run(NPM, ['pack', '--json', '--pack-destination', work], REPO)) as Array<typeof packed>)[0]!;
  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // --prefer-offline: preact and js-cookie come from the local npm cache when it has them.
  run(NPM, ['install', join(work, packed.filename), '--prefer-offline', '--no-save'], consumer);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('contains dist/, the README and package.json, and nothing from src/ or test/', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain('package.json');
    expect(paths).toContain('README.md');
    for (const f of ['dist/index.mjs', 'dist/types/index.d.ts', 'dist/consentgate.js', 'dist/consentgate-app.js', 'dist/consentgate-ui.js', 'dist/consentgate-registry.js', 'dist/consentgate.schema.json']) {
      expect(paths).toContain(f);
    }
    expect(paths.filter((p) => !/^(dist\/|package\.json$|README\.md$|LICENSE(\.md)?$)/.test(p))).toEqual([]);
  });

  it('(a) imports as ESM in Node and resolves every export path', () => {
    const out = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createConsentGate, createMemoryStore, VERSION } from 'consentgate';
         const schema = import.meta.resolve('consentgate/schema.json');
         const tag = import.meta.resolve('consentgate/consentgate.js');
         const fs = await import('node:fs');
         const parsed = JSON.parse(fs.readFileSync(new URL(schema), 'utf8'));
         const gate = createConsentGate({ policy: { version: '1' }, categories: [{ id: 'necessary', required: true }, { id: 'analytics' }] }, { store: createMemoryStore() });
         console.log(JSON.stringify({ create: typeof createConsentGate, version: VERSION, granted: gate.isGranted('analytics'), schema: typeof parsed.$schema, tag: tag.endsWith('/dist/consentgate.js') }));`,
      ],
      consumer,
    );
    const pkgVersion = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ create: 'function', version: pkgVersion, granted: false, schema: 'string', tag: true });
  });

  it('(a) its types compile with tsc against a consumer file (strict, NodeNext)', () => {
    writeFileSync(
      join(consumer, 'consumer.ts'),
      `import { createConsentGate, type ConsentGate, type ConsentGateConfig, type ConsentChange } from 'consentgate';
const config: ConsentGateConfig = {
  policy: { version: '2025-01' },
  categories: [{ id: 'necessary', required: true }, { id: 'analytics', services: [{ id: 'google-analytics' }] }],
  googleConsentMode: { enabled: true },
};
const gate: ConsentGate = createConsentGate(config, { region: 'US-CA' });
const granted: boolean = gate.isGranted('analytics', 'google-analytics');
const off: () => void = gate.onChange((change: ConsentChange) => void change.categories.includes('analytics'));
void gate.whenGranted('analytics').then(() => off());
// @ts-expect-error: the mode is 'opt-in' | 'opt-out'
const wrong: ConsentGateConfig = { mode: 'maybe', policy: { version: '1' }, categories: [] };
export { granted, wrong };
`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2020', lib: ['ES2022', 'DOM'], noEmit: true, types: [], skipLibCheck: false },
        files: ['consumer.ts'],
      }),
    );
    let output = '';
    try {
      output = run(process.execPath, [TSC, '-p', 'tsconfig.json'], consumer);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });

  it('(b) its consentgate.js works as a script tag in Chromium', async () => {
    const dist = join(consumer, 'node_modules', 'consentgate', 'dist');
    await withPage(async ({ page, server }) => {
      const js = { 'content-type': 'text/javascript; charset=utf-8' };
      server.setPage('/vendor/consentgate/consentgate.js', readFileSync(join(dist, 'consentgate.js'), 'utf8'), js);
      server.setPage('/vendor/consentgate/consentgate-app.js', readFileSync(join(dist, 'consentgate-app.js'), 'utf8'), js);
      server.setPage('/vendor/consentgate/consentgate-ui.js', readFileSync(join(dist, 'consentgate-ui.js'), 'utf8'), js);
      server.setPage('/vendor/consentgate/consentgate-registry.js', readFileSync(join(dist, 'consentgate-registry.js'), 'utf8'), js);
      const config = { policy: { version: '1' }, categories: [{ id: 'necessary', required: true }, { id: 'analytics', services: [{ id: 'google-analytics' }] }] };
      server.setPage(
        '/packed.html',
        `<!doctype html><html lang="en"><head>
          <script type="application/json" data-consentgate-config>${JSON.stringify(config)}</script>
          <script src="/vendor/consentgate/consentgate.js"></script>
        </head><body><h1>Packed</h1></body></html>`,
      );
      await page.goto(server.url('/packed.html'));
      await page.locator('[data-consentgate-banner]').waitFor({ state: 'visible', timeout: 10_000 });
      await page.locator('[data-consentgate-accept-all]').click();
      await page.waitForFunction(() => window.ConsentGate?.isGranted('analytics') === true);
      expect(server.hits.map((h) => h.url)).toContain('/vendor/consentgate/consentgate-app.js');
      expect(server.hits.map((h) => h.url)).toContain('/vendor/consentgate/consentgate-ui.js');
      // The registry's details come from the same folder when the preferences open.
      await page.evaluate(() => window.ConsentGate!.showPreferences());
      await page.waitForFunction(() => document.querySelector('consentgate-ui')?.shadowRoot?.textContent?.includes('Identifies the visitor.'));
      expect(server.hits.map((h) => h.url)).toContain('/vendor/consentgate/consentgate-registry.js');
    });
  });
});
