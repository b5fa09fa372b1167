/**
 * Service names that `Object.prototype` also has (issue 16, item 2), through the shipped script
 * tag: after "reject all", a tag marked `data-service="constructor"` (or `toString`,
 * `hasOwnProperty`, `__proto__`) stays held, a config service `constructor` is not released, and
 * the API answers booleans.
 */
import { describe, expect, it } from 'vitest';
import { trackerRuns, withPage } from '../_util/chromium';
import { APP_STARTED } from '../_util/after-app';

const NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', 'isPrototypeOf'];

const CONFIG = {
  policy: { version: '1' },
  categories: [
    { id: 'necessary', required: true },
    { id: 'advertising', services: [{ id: 'constructor', domains: ['ads.proto.example'] }] },
  ],
  ui: { optOutLink: { fixed: false } },
};

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(CONFIG)}</script>
<script src="/dist/consentgate.js"></script>
${APP_STARTED}
${NAMES.map((n) => `<script type="text/plain" data-category="advertising" data-service="${n}" src="https://tracker.proto.example/${n}.js"></script>
<img data-category="advertising" data-service="${n}" data-src="https://tracker.proto.example/${n}.gif" alt="">`).join('\n')}
</head><body><main><h1>Shop</h1>
<script>
  // The config's own "constructor" service, injected as a tracker would be.
  var s = document.createElement('script'); s.src = 'https://ads.proto.example/constructor.js'; document.body.appendChild(s);
</script>
</main></body></html>`;

describe('prototype names as services', () => {
  it('holds every tag of them after rejectAll(), and answers false', async () => {
    await withPage(async ({ page, server, requests }) => {
      server.setPage('/shop/', PAGE);
      await page.goto(server.url('/shop/'));
      await page.waitForFunction(() => window.__appStarted === true);
      await page.evaluate(() => window.ConsentGate!.rejectAll());
      // The record is now read from the cookie, as on every later page.
      await page.goto(server.url('/shop/'));
      await page.waitForFunction(() => window.__appStarted === true);
      await page.waitForTimeout(300);
      expect(requests.map((r) => r.url)).toEqual([]);
      expect(await trackerRuns(page)).toEqual([]);
      const answers = await page.evaluate((names) => names.map((n) => window.ConsentGate!.isGranted('advertising', n)), NAMES);
      expect(answers).toEqual(NAMES.map(() => false));

      // Granting the config's "constructor" service releases its own tags and nothing else.
      await page.evaluate(() => window.ConsentGate!.update({ 'advertising.constructor': true }));
      await page.waitForFunction(() => (window.__trackerRuns ?? []).length >= 2);
      await page.waitForTimeout(300);
      expect(requests.map((r) => new URL(r.url).pathname).sort()).toEqual(['/constructor.gif', '/constructor.js', '/constructor.js']);
      expect(new Set(requests.map((r) => r.host))).toEqual(new Set(['tracker.proto.example', 'ads.proto.example']));
    });
  });
});
