/**
 * Issue 18, item 3: `withdraw()` deletes what every registry service writes, where the vendor
 * writes it. A stub per service writes each key its registry entry documents in the place it
 * names (a cookie on the host and one on `.<site>`, localStorage, sessionStorage; `*` filled in),
 * plus what the vendors write twice (Segment's and Hotjar's ids in localStorage too); after the
 * withdrawal none of it is left, and the site's own keys and the consent cookie are.
 */
import { describe, expect, it } from 'vitest';
import registry from '../../src/blocking/service-registry.json';
import { SITE_HOST, withPage } from '../_util/chromium';

interface Key {
  name: string;
  storage?: string;
}

const CONFIG = {
  policy: { version: '1' },
  categories: [{ id: 'necessary', required: true }, { id: 'functional' }, { id: 'analytics' }, { id: 'advertising' }, { id: 'social' }],
  blocking: { reloadOnWithdraw: false },
  ui: { optOutLink: { fixed: false } },
};

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Withdraw</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(CONFIG)}</script>
<script src="/dist/consentgate.js"></script></head><body><h1>Withdraw</h1></body></html>`;

const keys: Key[] = (registry.services as Array<{ cookies: Key[] }>).flatMap((s) => s.cookies.map(({ name, storage }) => ({ name: name.replace(/\*/g, 'x1'), storage })));
// Written by the vendors in a place besides the one the registry names.
const EXTRA: Key[] = [
  { name: 'ajs_anonymous_id', storage: 'localStorage' },
  { name: 'ajs_user_id', storage: 'localStorage' },
  { name: 'ajs_user_traits', storage: 'localStorage' },
  { name: '_hjSessionUser_3412', storage: 'localStorage' },
  { name: '_hjSession_3412', storage: 'sessionStorage' },
  { name: 'mp_0123abcd_mixpanel', storage: 'localStorage' },
  { name: 'AMP_abc123', storage: 'localStorage' },
  { name: '_hp2_id.123', storage: 'localStorage' },
  { name: '_clck', storage: 'localStorage' },
  { name: '_ttp', storage: 'localStorage' },
  { name: '_gcl_ls', storage: 'localStorage' },
];

describe('withdraw() cleanup', () => {
  it(`deletes the ${keys.length} documented keys of every registry service (cookies on the host and on .<site>, localStorage, sessionStorage)`, async () => {
    await withPage(async (env) => {
      env.server.setPage('/shop/cart', PAGE);
      await env.page.goto(env.server.url('/shop/cart', 'www.' + SITE_HOST));
      await env.page.evaluate(() => window.ConsentGate!.acceptAll());
      await env.page.waitForFunction(() => window.ConsentGate!.get() !== null);
      const left = await env.page.evaluate(
        async ({ keys, site }) => {
          // The stubs: each key where its vendor writes it.
          for (const { name, storage } of keys) {
            if (storage === 'localStorage') localStorage.setItem(name, '1');
            else if (storage === 'sessionStorage') sessionStorage.setItem(name, '1');
            else {
              document.cookie = `${name}=1; path=/`;
              document.cookie = `${name}=2; path=/; domain=.${site}`;
            }
          }
          document.cookie = 'site_theme=dark; path=/';
          localStorage.setItem('site_cart', '3 items');
          sessionStorage.setItem('site_tab', '2');
          window.ConsentGate!.withdraw();
          await new Promise((resolve) => setTimeout(resolve, 500));
          const cookies = document.cookie.split('; ').map((c) => c.split('=')[0]);
          return { cookies, local: Object.keys(localStorage), session: Object.keys(sessionStorage) };
        },
        { keys: [...keys, ...EXTRA], site: SITE_HOST },
      );
      expect(left.cookies.filter((c) => c !== 'consentgate').sort()).toEqual(['site_theme']);
      expect(left.cookies).toContain('consentgate');
      expect(left.local.filter((k) => !k.startsWith('consentgate')).sort()).toEqual(['site_cart']);
      expect(left.session.filter((k) => !k.startsWith('consentgate')).sort()).toEqual(['site_tab']);
    });
  });
});
