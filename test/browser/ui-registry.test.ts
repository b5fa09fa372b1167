/**
 * The registry's details as they ship: dist/consentgate-registry.js (descriptions, cookie purposes
 * and lifetimes, links), which the app loads from its own folder with its CSP nonce only when the
 * preferences or a cookie declaration show. A first visit that only answers the banner never
 * requests it. Needs `npm run build`; skipped (with the reason) when dist/ is not there.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { withPage, type PageEnv, type TestServer } from '../_util/chromium';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const built = ['consentgate.js', 'consentgate-app.js', 'consentgate-registry.js'].every((f) => existsSync(DIST + f));
const NONCE = 'registry-nonce-51c2';
// Nonce only ('self' is not enough for a script): the details file must carry the boot's nonce.
// connect-src 'none': the details come as a script, not by fetch.
const CSP = `default-src 'none'; script-src 'nonce-${NONCE}'; style-src 'nonce-${NONCE}'; connect-src 'none'; img-src 'self'`;

const CONFIG = {
  policy: { version: '1', privacyPolicyUrl: '/privacy' },
  categories: [{ id: 'necessary', required: true }, { id: 'analytics', services: [{ id: 'google-analytics' }] }, { id: 'advertising' }],
  ui: { nonce: NONCE },
};

const page = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(CONFIG)}</script>
<script nonce="${NONCE}" src="/dist/consentgate.js"></script>
<script nonce="${NONCE}">window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));</script>
</head><body><main><h1>Shop</h1>${body}</main><footer><button data-consentgate-settings>Cookie settings</button></footer></body></html>`;

const detailsHits = (server: TestServer) => server.hits.filter((h) => h.url.startsWith('/dist/consentgate-registry.js')).length;
const appHits = (server: TestServer) => server.hits.filter((h) => h.url.startsWith('/dist/consentgate-app.js')).length;
const shadowText = (p: Page) => p.evaluate(() => document.querySelector('consentgate-ui')?.shadowRoot?.textContent ?? '');

async function open(env: PageEnv, body = ''): Promise<Page> {
  env.server.setPage('/shop.html', page(body), { 'Content-Security-Policy': CSP });
  await env.page.goto(env.server.url('/shop.html'));
  return env.page;
}

describe.skipIf(!built)('registry details file (dist/consentgate-registry.js)', () => {
  it('a first visit that only accepts, and the next page, never request it', async () => {
    await withPage(async (env) => {
      const p = await open(env);
      await p.locator('consentgate-ui [data-consentgate-banner]').waitFor();
      await p.locator('consentgate-ui [data-consentgate-accept-all]').click();
      await p.waitForFunction(() => window.ConsentGate?.get()?.method === 'banner-accept-all');
      await p.goto(env.server.url('/shop.html'));
      await p.waitForFunction(() => window.ConsentGate?.isGranted('analytics') === true);
      await p.waitForTimeout(300);
      expect(appHits(env.server)).toBe(2);
      expect(detailsHits(env.server)).toBe(0);
      expect(await p.evaluate(() => window.__violations)).toEqual([]);
    });
  });

  it('the preferences open at once; a registry service\'s cookie purposes and links fill in when the file arrives, loaded once, under the nonce', async () => {
    await withPage(async (env) => {
      const p = await open(env);
      await p.locator('consentgate-ui [data-consentgate-banner]').waitFor();
      // Hold the details file back to see the dialog before it.
      let letThrough!: () => void;
      const held = new Promise<void>((go) => (letThrough = go));
      await p.route('**/consentgate-registry.js', async (route) => {
        await held;
        await route.continue();
      });
      const top = () => p.locator('h1').evaluate((el) => el.getBoundingClientRect().top);
      const before = await top();
      await p.locator('footer [data-consentgate-settings]').click();
      const dialog = p.locator('consentgate-ui [data-consentgate-preferences]');
      await dialog.waitFor({ state: 'visible' });
      // The analytics services (the first list is the required category's: the SDK's own cookie).
      await p.locator('consentgate-ui details', { hasText: 'Google Analytics' }).locator('summary').click();
      await p.locator('consentgate-ui strong', { hasText: 'Google Analytics' }).waitFor({ state: 'visible' });
      expect(detailsHits(env.server)).toBe(0);
      expect(await shadowText(p)).not.toContain('Identifies the visitor.');
      letThrough();
      const purpose = p.locator('consentgate-ui td', { hasText: 'Identifies the visitor.' }).first();
      await purpose.waitFor({ state: 'visible' });
      const text = await shadowText(p);
      expect(text).toContain('Measures how visitors use the site');
      expect(text).toContain('24 hours');
      expect(await p.locator('consentgate-ui a[href="https://policies.google.com/privacy"]').count()).toBeGreaterThan(0);
      // The dialog is an overlay: the page under it did not move.
      expect(await top()).toBe(before);
      // Closed and opened again: nothing more to load.
      await p.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await p.evaluate(() => window.ConsentGate!.showPreferences());
      await dialog.waitFor({ state: 'visible' });
      expect(await shadowText(p)).toContain('Identifies the visitor.');
      expect(detailsHits(env.server)).toBe(1);
      expect(await p.evaluate(() => window.__violations)).toEqual([]);
    });
  });

  it('a cookie declaration on the page loads it and lists every cookie with purpose and lifetime', async () => {
    await withPage(async (env) => {
      const p = await open(env, '<h2>Cookies</h2><div data-consentgate-cookie-table>See the list of cookies below.</div>');
      const analytics = p.locator('[data-consentgate-cookie-table] table', { hasText: '_gid' });
      await analytics.waitFor();
      const rows = await analytics.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(rows).toEqual([
        ['_ga', 'Google LLC', 'Identifies the visitor.', '2 years', 'Persistent'],
        ['_ga_*', 'Google LLC', 'Keeps session state.', '2 years', 'Persistent'],
        ['_gid', 'Google LLC', 'Identifies the visitor.', '24 hours', 'Persistent'],
        ['_gat*', 'Google LLC', 'Limits the request rate.', '1 minute', 'Persistent'],
        ['_gac_*', 'Google LLC', 'Stores campaign data.', '90 days', 'Persistent'],
      ]);
      expect(detailsHits(env.server)).toBe(1);
      expect(await p.evaluate(() => window.__violations)).toEqual([]);
    });
  });
});
