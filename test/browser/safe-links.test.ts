/**
 * Config links in real Chromium (issue 16, item 3): a `javascript:` URL behind control characters,
 * tabs or newlines must never run, whether the validator or the UI is the one to catch it.
 * - The script tag as it ships (dist/): the validator refuses the config and says where.
 * - The UI on its own (the UI test bundle, validation skipped): every hostile link is left out, a
 *   safe one is rendered as the browser parses it, and clicking every link runs nothing.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withPage } from '../_util/chromium';
import { buildUiTestBundle, siteConfig, uiTestPage } from '../fixtures/ui/page.mjs';
import { HOSTILE_URLS } from '../fixtures/urls';


const ISSUE_URL = '\u0001javascript:alert(document.domain)';

/** Every dialog the page opens (a `javascript:alert` that ran), dismissed. */
function dialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (dialog) => {
    seen.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

/**
 * Clicks every link our UI rendered (inside its shadow roots, shown or not: `click()` follows a
 * link either way); returns them as `text -> href`.
 */
async function clickEveryLink(page: Page): Promise<string[]> {
  const links = page.locator('consentgate-ui a');
  const hrefs: string[] = [];
  for (let i = (await links.count()) - 1; i >= 0; i--) {
    const link = links.nth(i);
    hrefs.push(`${await link.textContent()} -> ${await link.getAttribute('href')}`);
    // An http(s) link would leave this page: the test stops that one; any other scheme is followed.
    await link.evaluate((a: HTMLAnchorElement) => {
      a.addEventListener('click', (e) => a.protocol.startsWith('http') && e.preventDefault(), { once: true });
      a.click();
    });
  }
  return hrefs;
}

describe('a script URL in privacyPolicyUrl (the shipped script tag)', () => {
  it('is refused by the validator with its JSON path: no banner, no link, nothing runs', async () => {
    await withPage(async ({ page, server }) => {
      const opened = dialogs(page);
      const config = { policy: { version: '1', privacyPolicyUrl: ISSUE_URL }, categories: [{ id: 'necessary', required: true }, { id: 'analytics' }] };
      server.setPage(
        '/shop.html',
        `<!doctype html><html lang="en"><head><script type="application/json" data-consentgate-config>${JSON.stringify(config)}</script>
        <script src="/dist/consentgate.js"></script></head><body><main><h1>Shop</h1></main></body></html>`,
      );
      await page.goto(server.url('/shop.html'));
      await page.waitForFunction(() => (window.ConsentGate?.problems.length ?? 0) > 0);
      expect(await page.evaluate(() => window.ConsentGate!.problems.map((p) => p.path))).toEqual(['policy.privacyPolicyUrl']);
      await page.waitForTimeout(200);
      expect(await clickEveryLink(page)).toEqual([]);
      expect(opened).toEqual([]);
    });
  });
});

describe('hostile links given to the UI without validation', () => {
  beforeAll(async () => {
    await buildUiTestBundle();
  }, 120_000);

  it('are left out; a safe one renders as parsed; clicking every link runs nothing', async () => {
    await withPage(async ({ page, server }) => {
      const opened = dialogs(page);
      const optOutLinks = [...HOSTILE_URLS.map((url, i) => ({ title: `Hostile ${i}`, url })), { title: 'Safe', url: '\u0001 https://optout.example/pri\tvacy' }];
      const config = siteConfig({ policy: { version: '2024-06', privacyPolicyUrl: ISSUE_URL }, ui: { optOutLinks } });
      server.setPage('/home.html', uiTestPage({ config, unvalidated: true }));
      await page.goto(server.url('/home.html'));
      await page.locator('consentgate-ui [data-consentgate-banner]').waitFor();
      // The banner's privacy link is left out, not rendered with the raw value.
      expect(await clickEveryLink(page)).toEqual([]);
      await page.evaluate(() => (window as unknown as { ui: { showPreferences(): void } }).ui.showPreferences());
      await page.locator('consentgate-ui [data-consentgate-preferences]').waitFor();
      const links = await clickEveryLink(page);
      // The registry's own links (the preferences list its services) and the safe one, parsed.
      expect(links).toContain('Safe -> https://optout.example/privacy');
      expect(links.filter((link) => link.startsWith('Hostile'))).toEqual([]);
      for (const link of links) expect(link).toMatch(/ -> https:\/\//);
      expect(opened).toEqual([]);
    });
  });
});
