/**
 * A first-party script the parser waits for, answered only once the script tag's app has started:
 * what the page has after it is parsed while the app runs, so the guards' document observer
 * releases it (a returning visitor's fast app on a page with a slow first-party script).
 *
 * The page puts `APP_STARTED` and then `<script src="${AFTER_APP}">` where the wait belongs.
 */
import type { Page } from 'playwright-core';

declare global {
  interface Window {
    __appStarted?: boolean;
    __afterApp?: boolean;
  }
}

export const AFTER_APP = '/site/after-app.js';
export const APP_STARTED = '<script>ConsentGate.onChange(function () { window.__appStarted = true; });</script>';

/** Answers `AFTER_APP` (at most 10 s late) once the page's app has started; it sets `__afterApp`. */
export async function answerAfterApp(page: Page): Promise<void> {
  await page.route(`**${AFTER_APP}`, async (route) => {
    const until = Date.now() + 10_000;
    while (!(await page.evaluate(() => window.__appStarted === true).catch(() => false)) && Date.now() < until) {
      await new Promise((next) => setTimeout(next, 20));
    }
    await route.fulfill({ status: 200, contentType: 'text/javascript', body: 'window.__afterApp = window.__appStarted;' });
  });
}
