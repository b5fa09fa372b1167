/**
 * Issue 18, item 6: `unknownThirdParty: "block"` on a shop built the way real shops are. A tag the
 * site marked with a category is released with that category, whatever its host; what stays held
 * (an unknown host nobody marked) is named once on the console, with the config line that allows it.
 */
import type { ConsoleMessage } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SITE_HOST, trackerRuns, withPage, type PageEnv } from '../_util/chromium';

const config = (blocking: Record<string, unknown>) => ({
  policy: { version: '1' },
  categories: [{ id: 'necessary', required: true }, { id: 'advertising' }],
  blocking: { unknownThirdParty: 'block', ...blocking },
  ui: { optOutLink: { fixed: false } },
});

const page = (blocking: Record<string, unknown> = {}) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(config(blocking))}</script>
<script src="/dist/consentgate.js"></script>
<script src="https://js.stripe.com/v3/"></script>
<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
<script type="text/plain" data-category="advertising" src="https://tag.affiliate-unknown.example/tag.js"></script>
</head><body><h1>Shop</h1>
<img data-category="advertising" data-src="https://pixel.affiliate-unknown.example/p.gif" width="1" height="1" alt="">
<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
</body></html>`;

// The affiliate's tag behaves like the vendors': it loads a follow-up script and a pixel from its own host.
const FOLLOW_UP = {
  thirdParty: {
    scripts: {
      'tag.affiliate-unknown.example/tag.js':
        "var s = document.createElement('script'); s.src = 'https://tag.affiliate-unknown.example/follow.js'; document.head.appendChild(s); new Image().src = 'https://tag.affiliate-unknown.example/px.gif';",
    },
  },
};

// Which third-party scripts ran (the preload scanner may fetch a static script it never runs: a
// documented limit), and which images were requested.
const ran = async (env: PageEnv) => [...new Set((await trackerRuns(env.page)).map((u) => new URL(u).hostname))].sort();
const pixels = (env: PageEnv) => env.requests.filter((r) => r.url.includes('/p.gif')).length;

async function open(env: PageEnv, blocking?: Record<string, unknown>): Promise<string[]> {
  const lines: string[] = [];
  env.page.on('console', (m: ConsoleMessage) => lines.push(m.text()));
  env.server.setPage('/shop', page(blocking));
  await env.page.goto(env.server.url('/shop', 'www.' + SITE_HOST));
  await env.page.waitForLoadState('load');
  await env.page.waitForTimeout(500);
  return lines;
}

describe('unknownThirdParty: "block"', () => {
  it('releases a marked tag of an unknown host with its category, and what it loads from its host; names each host it keeps held once', async () => {
    await withPage(async (env) => {
      const lines = await open(env);
      expect(await ran(env)).toEqual([]);
      expect(pixels(env)).toBe(0);
      await env.page.evaluate(() => window.ConsentGate!.acceptAll());
      await env.recorder.waitFor((r) => r.url.includes('pixel.affiliate-unknown.example'), 3000);
      await env.recorder.waitFor((r) => r.url.includes('tag.affiliate-unknown.example'), 3000);
      await env.page.waitForTimeout(300);
      await env.recorder.waitFor((r) => r.url.includes('tag.affiliate-unknown.example/px.gif'), 3000);
      expect(await ran(env)).toEqual(['tag.affiliate-unknown.example']);
      expect((await trackerRuns(env.page)).filter((u) => u.includes('/follow.js'))).toHaveLength(1);
      expect(pixels(env)).toBe(1);
      const hints = lines.filter((l) => l.includes('necessaryHosts'));
      expect(hints).toHaveLength(2);
      expect(hints.find((l) => l.includes('js.stripe.com'))).toContain('"necessaryHosts": ["js.stripe.com"]');
      expect(hints.find((l) => l.includes('code.jquery.com'))).toContain('"necessaryHosts": ["code.jquery.com"]');
    }, FOLLOW_UP);
  });

  it('lets the hosts of `necessaryHosts` through before any choice; the others stay held', async () => {
    await withPage(async (env) => {
      const lines = await open(env, { necessaryHosts: ['js.stripe.com'] });
      expect(await ran(env)).toEqual(['js.stripe.com']);
      expect(lines.filter((l) => l.includes('necessaryHosts')).map((l) => l.includes('code.jquery.com'))).toEqual([true]);
      expect(lines.filter((l) => /error/i.test(l))).toEqual([]);
    });
  });
});
