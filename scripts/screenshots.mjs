#!/usr/bin/env node
/**
 * Screenshots of the visitor's side for docs/screenshots/ (shown in the README): the banner, the
 * preferences, the opt-out confirmation and a placeholder, at 1280×800 and 375×667, light, plus
 * the banner in dark. `npm run screenshots` (builds first); needs Chromium (`$CHROME_PATH`, else
 * /usr/bin/chromium).
 *
 * The page is the UI's test page (test/fixtures/ui/page.mjs): mountUi with the real consent core
 * and the built-in texts, loaded with `page.setContent` (no server, nothing leaves the machine).
 */
import { mkdirSync, statSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromeExecutable } from './chromium.mjs';
import { ROOT, buildUiTestBundle, siteConfig, uiTestPage } from '../test/fixtures/ui/page.mjs';

const OUT = ROOT + 'docs/screenshots/';
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, mobile: { width: 375, height: 667 } };
const MAX_BYTES = 150 * 1024;

/** What each shot shows, and how to get there from a fresh page. */
const SHOTS = [
  { name: 'banner', schemes: ['light', 'dark'], async prepare() {} },
  {
    name: 'preferences',
    schemes: ['light'],
    async prepare(page) {
      await page.locator('consentgate-ui [data-consentgate-manage]').click();
      // Show one category's services and cookie table open.
      await page.locator('consentgate-ui details').nth(2).locator('summary').click(); // the third category
      await page.locator('consentgate-ui [data-consentgate-preferences]').evaluate((el) => el.focus());
    },
  },
  {
    name: 'opt-out',
    schemes: ['light'],
    async prepare(page) {
      await page.locator('consentgate-ui [data-consentgate-reject-all]').click();
      await page.waitForFunction(() => window.manager.hasDecision());
      await page.locator('[data-consentgate-opt-out] button').click();
      await page.waitForFunction(() => window.manager.get()?.method === 'opt-out-link');
      await page.locator('footer').scrollIntoViewIfNeeded();
      await page.mouse.move(0, 0);
    },
  },
  {
    name: 'placeholder',
    schemes: ['light'],
    async prepare(page) {
      await page.locator('consentgate-ui [data-consentgate-reject-all]').click();
      await page.waitForFunction(() => window.manager.hasDecision());
      await page.locator('[data-consentgate-placeholder]').scrollIntoViewIfNeeded();
    },
  },
];

async function main() {
  await buildUiTestBundle();
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: chromeExecutable(), headless: true, args: [...CHROMIUM_ARGS] });
  const written = [];
  try {
    for (const shot of SHOTS) {
      for (const scheme of shot.schemes) {
        for (const [size, viewport] of Object.entries(VIEWPORTS)) {
          const context = await browser.newContext({ viewport, colorScheme: scheme, reducedMotion: 'reduce' });
          // Nothing third-party is fetched: an embed released by a click would be answered empty.
          await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.fulfill({ status: 204, body: '' }));
          const page = await context.newPage();
          await page.setContent(uiTestPage({ config: siteConfig({ ui: { nonce: 'cg-test-nonce-5b1e', optOutLinks: siteConfig().ui.optOutLinks } }) }));
          await page.waitForFunction(() => window.__mounted === true);
          await shot.prepare(page);
          await page.waitForTimeout(100);
          const file = `${shot.name}${scheme === 'dark' ? '-dark' : ''}-${size}.png`;
          await page.screenshot({ path: OUT + file });
          const bytes = statSync(OUT + file).size;
          written.push(`${file} ${(bytes / 1024).toFixed(1)} KB`);
          if (bytes > MAX_BYTES) console.warn(`warning: ${file} is ${(bytes / 1024).toFixed(1)} KB (over ${MAX_BYTES / 1024} KB)`);
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`docs/screenshots/:\n  ${written.join('\n  ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
