/**
 * Consent cookies the site did not write (issue 16, item 6), in Chromium with real hostnames:
 * `--host-resolver-rules` sends `site.test` and its subdomains to the local server, so a sibling
 * subdomain can set a cookie for the parent domain, as `evil.site.test` would in production.
 *
 * - A sibling's `consentgate` cookie for `Domain=site.test; Path=/shop` does not override the
 *   site's own record on `/shop/`, and is deleted.
 * - A site that adds `policy.cookieDomain` reads its new domain cookie, not the visitor's older
 *   host-only one (which is deleted when the new one is written).
 * - When none of the cookies is the site's own, the most restrictive decision of them counts.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { APP_STARTED } from '../_util/after-app';
import { chromePath, startServer, type TestServer } from '../_util/chromium';

const CONFIG = {
  policy: { version: '1' },
  categories: [
    { id: 'necessary', required: true },
    { id: 'analytics', services: [{ id: 'google-analytics' }] },
    { id: 'advertising', services: [{ id: 'meta-pixel' }] },
  ],
  ui: { optOutLink: { fixed: false } },
};

const pageWith = (config: unknown) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script src="/dist/consentgate.js"></script>
${APP_STARTED}
</head><body><main><h1>Shop</h1></main></body></html>`;

/** A record that grants everything, as a sibling subdomain can write one: the format is public. */
const grantAll = (id = '11111111-2222-4333-8444-555555555555') => {
  const at = new Date().toISOString();
  const off = { observed: null, honored: false, categories: [], reason: '' };
  return JSON.stringify({
    v: 1,
    id,
    givenAt: at,
    updatedAt: at,
    policyVersion: '1',
    mode: 'opt-in',
    categories: { necessary: true, analytics: true, advertising: true },
    services: {},
    method: 'banner-accept-all',
    seq: 9,
    signals: { doNotTrack: off, globalPrivacyControl: { ...off, observed: false } },
  });
};

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: chromePath().path,
    headless: true,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP site.test 127.0.0.1, MAP *.site.test 127.0.0.1'],
  });
  server = await startServer();
  server.setPage('/shop/', pageWith(CONFIG));
  server.setPage('/shared/', pageWith({ ...CONFIG, policy: { version: '1', cookieDomain: 'site.test' } }));
  server.setPage('/evil/', '<!doctype html><title>evil</title>');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function withContext(fn: (context: BrowserContext) => Promise<void>): Promise<void> {
  const context = await browser.newContext();
  try {
    await fn(context);
  } finally {
    await context.close();
  }
}

/** Opens a ConsentGate page and waits for its app. */
async function open(page: Page, path: string, host: string): Promise<void> {
  await page.goto(server.url(path, host));
  await page.waitForFunction(() => window.__appStarted === true);
}

const state = (page: Page) =>
  page.evaluate(() => ({ advertising: window.ConsentGate!.isGranted('advertising'), record: window.ConsentGate!.get()?.categories ?? null, cookie: document.cookie }));

const consentCookies = async (context: BrowserContext) =>
  (await context.cookies()).filter((c) => c.name === 'consentgate').map((c) => `${c.domain} ${c.path}`).sort();

describe('consent cookies the site did not write', () => {
  it("ignores and deletes a sibling subdomain's cookie for the parent domain and a deeper path", async () => {
    await withContext(async (context) => {
      const page = await context.newPage();
      await open(page, '/shop/', 'site.test');
      await page.evaluate(() => window.ConsentGate!.rejectAll());
      const evil = await context.newPage();
      await evil.goto(server.url('/evil/', 'evil.site.test'));
      await evil.evaluate((value) => (document.cookie = `consentgate=${encodeURIComponent(value)}; domain=site.test; path=/shop`), grantAll());
      expect(await consentCookies(context)).toEqual(['.site.test /shop', 'site.test /']);

      await open(page, '/shop/', 'site.test');
      const { advertising, record } = await state(page);
      expect(advertising).toBe(false);
      expect(record).toEqual({ necessary: true, analytics: false, advertising: false });
      expect(await consentCookies(context)).toEqual(['site.test /']);
    });
  });

  it('reads the new domain cookie after the site adds cookieDomain, and deletes the host-only one', async () => {
    await withContext(async (context) => {
      const page = await context.newPage();
      await open(page, '/shop/', 'www.site.test');
      await page.evaluate(() => window.ConsentGate!.acceptAll());
      expect(await consentCookies(context)).toEqual(['www.site.test /']);

      // The same site, now with `cookieDomain`: the visitor's host-only record still counts …
      await open(page, '/shared/', 'www.site.test');
      expect((await state(page)).advertising).toBe(true);
      // … until they decide again: the decision is written for the domain and read back.
      await page.evaluate(() => window.ConsentGate!.rejectAll());
      expect(await consentCookies(context)).toEqual(['.site.test /']);
      await open(page, '/shared/', 'www.site.test');
      expect((await state(page)).advertising).toBe(false);
      await open(page, '/shared/', 'shop.site.test');
      expect((await state(page)).advertising).toBe(false);
    });
  });

  it('takes the most restrictive decision when none of several cookies is the site’s own', async () => {
    await withContext(async (context) => {
      const page = await context.newPage();
      // An older host-only record that rejected, and a sibling's grant for the domain and /shared.
      await open(page, '/shop/', 'www.site.test');
      await page.evaluate(() => window.ConsentGate!.rejectAll());
      await page.evaluate((value) => (document.cookie = `consentgate=${encodeURIComponent(value)}; domain=site.test; path=/shared`), grantAll());

      await open(page, '/shared/', 'www.site.test');
      const { advertising, record } = await state(page);
      expect(advertising).toBe(false);
      expect(record).toEqual({ necessary: true, analytics: false, advertising: false });
      // Kept as the site's own record from now on: the others are gone.
      expect(await consentCookies(context)).toEqual(['.site.test /']);
      await open(page, '/shared/', 'www.site.test');
      expect((await state(page)).advertising).toBe(false);
    });
  });
});
