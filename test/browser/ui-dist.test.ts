/**
 * The UI as it ships: dist/consentgate.js (boot) + dist/consentgate-app.js (app, which mounts the
 * UI) on a page with a held YouTube embed and the footer "Opt Out" slot, under a strict CSP.
 * Needs `npm run build`; skipped (with the reason) when dist/ is not there.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackerRuns, withPage, type PageEnv } from '../_util/chromium';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const built = existsSync(DIST + 'consentgate.js') && existsSync(DIST + 'consentgate-app.js');
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const NONCE = 'dist-ui-nonce-7f3a';
const CSP = `default-src 'self'; script-src 'nonce-${NONCE}' 'self'; style-src 'nonce-${NONCE}'; frame-src https:`;

const CONFIG = {
  policy: { version: '1', privacyPolicyUrl: '/privacy' },
  categories: [{ id: 'necessary', required: true }, { id: 'analytics' }, { id: 'advertising' }, { id: 'social', services: [{ id: 'youtube' }] }],
  ui: { nonce: NONCE },
};

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(CONFIG)}</script>
<script nonce="${NONCE}" src="/dist/consentgate.js"></script>
<script nonce="${NONCE}">window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));</script>
</head><body><main><h1>Shop</h1>
<iframe width="560" height="315" title="Video" data-category="social" data-src="https://www.youtube.com/embed/abc"></iframe>
</main><footer><span data-consentgate-opt-out>Opt Out</span></footer></body></html>`;

async function open(env: PageEnv): Promise<Page> {
  env.server.setPage('/shop.html', PAGE, { 'Content-Security-Policy': CSP });
  await env.page.goto(env.server.url('/shop.html'));
  await env.page.locator('consentgate-ui [data-consentgate-banner]').waitFor();
  return env.page;
}

describe.skipIf(!built)('UI from dist/ (boot + app)', () => {
  it('shows the styled banner and a placeholder under a strict CSP, without a violation', async () => {
    await withPage(async (env) => {
      const page = await open(env);
      expect(await page.locator('consentgate-ui [data-consentgate-banner]').evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
      await page.locator('[data-consentgate-placeholder]').waitFor();
      expect(await page.evaluate(() => window.__violations)).toEqual([]);
    });
  });

  it('Accept all closes the banner, records banner-accept-all and loads the embed in place of its placeholder', async () => {
    await withPage(async (env) => {
      const page = await open(env);
      await page.locator('consentgate-ui [data-consentgate-accept-all]').click();
      await page.waitForFunction(() => window.ConsentGate?.get()?.method === 'banner-accept-all');
      await page.waitForFunction(() => !document.querySelector('[data-consentgate-placeholder]'));
      await env.recorder.waitFor((r) => r.host === 'www.youtube.com');
      expect(await page.locator('consentgate-ui [data-consentgate-banner]').count()).toBe(0);
      expect(await trackerRuns(page)).toEqual([]);
    });
  });

  it('the footer Opt Out link records opt-out-link', async () => {
    await withPage(async (env) => {
      const page = await open(env);
      await page.locator('[data-consentgate-opt-out] button').click();
      await page.waitForFunction(() => window.ConsentGate?.get()?.method === 'opt-out-link');
      expect(await page.locator('[data-consentgate-opt-out] [role=status]').textContent()).toContain('You have opted out of');
    });
  });

  it('axe-core: 0 violations for the shipped banner and preferences', async () => {
    await withPage(
      async (env) => {
        const page = await open(env);
        await page.addScriptTag({ path: AXE });
        // Contrast is judged on the final colours, not halfway through the fade-in.
        const settle = () => page.evaluate(() => Promise.all([...document.getAnimations(), ...(document.querySelector('consentgate-ui')?.shadowRoot?.getAnimations() ?? [])].map((a) => a.finished)));
        const run = () =>
          settle().then(() =>
            page.evaluate(async () => {
              const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown; failureSummary: string }> }> }> } }).axe;
              const { violations } = await axe.run(document, { resultTypes: ['violations'] });
              return violations.map((v) => v.id + ' ' + JSON.stringify(v.nodes.map((n) => [n.target, n.failureSummary])));
            }),
          );
        expect(await run(), 'banner').toEqual([]);
        await page.locator('consentgate-ui [data-consentgate-manage]').click();
        expect(await run(), 'preferences').toEqual([]);
      },
      { contextOptions: { bypassCSP: true } },
    );
  });
});
