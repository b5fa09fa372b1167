/**
 * The UI in headless Chromium: axe-core on the banner, the preferences, the opt-out confirmation
 * and a placeholder in light and dark; layout shift; keyboard paths and the focus trap; a strict
 * CSP; reduced motion; reflow at 320 px and 200 % zoom.
 *
 * The page (test/fixtures/ui/page.mjs) inlines a test bundle of mountUi with the real consent core
 * (`.tmp/ui-test.js`, built here in beforeAll): the shipped dist/ layout is another part's.
 */
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withPage, type PageEnv } from '../_util/chromium';
import { STRICT_CSP, buildUiTestBundle, siteConfig, uiTestPage } from '../fixtures/ui/page.mjs';

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary: string }>;
}

declare global {
  interface Window {
    __mounted?: boolean;
    __shifts?: Array<{ value: number; input: boolean; sources: string[] }>;
    __violations?: string[];
    axe?: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
    manager?: { get(): { method: string; categories: Record<string, boolean> } | null; hasDecision(): boolean };
    ui?: { showPreferences(): void; showBanner(): void };
  }
}

beforeAll(async () => {
  await buildUiTestBundle();
}, 120_000);

/** Serves the page, loads it and waits for the UI. */
async function load(env: PageEnv, options: Parameters<typeof uiTestPage>[0] = {}, headers?: Record<string, string>) {
  env.server.setPage('/home.html', uiTestPage(options), headers);
  await env.page.goto(env.server.url('/home.html'));
  await env.page.waitForFunction(() => window.__mounted === true);
}

/** axe-core on the whole page (shadow roots included); readable violations. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: AXE });
  // Contrast is judged on the final colours, not halfway through the fade-in.
  await page.evaluate(() => Promise.all([...document.getAnimations(), ...(document.querySelector('consentgate-ui')?.shadowRoot?.getAnimations() ?? [])].map((a) => a.finished)));
  const { violations } = await page.evaluate(() => window.axe!.run(document, { resultTypes: ['violations'] }));
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary}`).join('\n'),
  );
}

/** A locator inside the main shadow root (Playwright's CSS engine pierces open shadow roots). */
const ui = (page: Page, selector: string) => page.locator(`consentgate-ui ${selector}`);

/** The element that has the focus, through shadow roots: `tag#id.class[hook]`. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return 'none';
    const hook = [...a.attributes].find((x) => x.name.startsWith('data-consentgate-'))?.name ?? '';
    return `${a.tagName.toLowerCase()}${a.id ? '#' + a.id : ''}${hook ? '[' + hook + ']' : ''}:${(a.getAttribute('aria-label') ?? a.textContent ?? '').trim().slice(0, 30)}`;
  });

/** Whether the focused element is inside the element matching `selector` in the main shadow root. */
const focusInside = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const root = document.querySelector('consentgate-ui')!.shadowRoot!;
    const box = root.querySelector(sel);
    return !!box && !!root.activeElement && (box === root.activeElement || box.contains(root.activeElement));
  }, selector);

describe.each(['light', 'dark'] as const)('axe-core, %s scheme: 0 violations', (colorScheme) => {
  it.each(['bar', 'box', 'modal'] as const)('banner, layout %s', async (layout) => {
    await withPage(async (env) => {
      await env.page.emulateMedia({ colorScheme });
      await load(env, { config: siteConfig({ ui: { layout, nonce: 'cg-test-nonce-5b1e' } }) });
      await expect(ui(env.page, '[data-consentgate-banner]').isVisible()).resolves.toBe(true);
      expect(await axe(env.page)).toEqual([]);
    });
  });

  it('preferences dialog (every services list open), opt-out confirmation, placeholder', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await page.emulateMedia({ colorScheme });
      await load(env, { gpc: true });

      await ui(page, '[data-consentgate-manage]').click();
      await page.evaluate(() => {
        for (const d of document.querySelector('consentgate-ui')!.shadowRoot!.querySelectorAll('details')) d.open = true;
      });
      await expect(ui(page, '[data-consentgate-preferences] table').first().isVisible()).resolves.toBe(true);
      expect(await axe(page), 'preferences').toEqual([]);

      await page.keyboard.press('Escape');
      await ui(page, '[data-consentgate-reject-all]').click();
      await page.waitForFunction(() => window.manager!.hasDecision());
      const placeholder = page.locator('[data-consentgate-placeholder]');
      await expect(placeholder.isVisible()).resolves.toBe(true);
      expect(await axe(page), 'placeholder').toEqual([]);

      await page.locator('[data-consentgate-opt-out] button').click();
      await page.waitForFunction(() => window.manager!.get()?.method === 'opt-out-link');
      await expect(page.locator('[data-consentgate-opt-out] [role=status]').textContent()).resolves.toContain('You have opted out of');
      expect(await axe(page), 'opt-out confirmation').toEqual([]);
    });
  });

  it('opt-out regime: the notice, then the fixed opt-out link and its confirmation', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await page.emulateMedia({ colorScheme });
      await load(env, { config: siteConfig({ mode: 'opt-out' }), footer: false });
      await expect(ui(page, '[data-consentgate-notice]').isVisible()).resolves.toBe(true);
      expect(await axe(page), 'notice').toEqual([]);
      await ui(page, '[data-consentgate-notice]').getByRole('button', { name: 'Close' }).click();
      const fixed = page.getByRole('region', { name: 'Cookie settings' });
      await fixed.getByRole('button', { name: 'Do Not Sell or Share My Personal Information' }).click();
      await expect(fixed.getByRole('status').textContent()).resolves.toContain('You have opted out of');
      expect(await axe(page), 'fixed link confirmation').toEqual([]);
    });
  });

  it('opt-out regime with GPC honored: the footer link with the signal notice, and its confirmation', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await page.emulateMedia({ colorScheme });
      // GPC is the visitor's opt-out there: recorded as the signal's decision, so no notice.
      await load(env, { config: siteConfig({ mode: 'opt-out' }), gpc: true });
      expect(await page.evaluate(() => window.manager!.get()?.method)).toBe('signal');
      const link = page.locator('[data-consentgate-opt-out]');
      const text = await link.evaluate((el) => el.querySelector('consentgate-link')!.shadowRoot!.querySelector('span')!.textContent);
      expect(text).toBe('Do Not Sell or Share My Personal Information · Opt-Out Preference Signal Honored');
      await link.locator('button').click();
      await expect(link.locator('[role=status]').textContent()).resolves.toContain('You have opted out of');
      expect(await axe(page), 'footer link confirmation').toEqual([]);
    });
  });
});

describe('layout stability', () => {
  it.each([
    [1280, 800],
    [375, 667],
  ])('the SDK causes no layout shift at %ix%i (mounted after load, as the async app is)', async (width, height) => {
    await withPage(
      async (env) => {
        const { page } = env;
        await load(env, { mountDelay: 300 });
        await page.waitForTimeout(300);
        // The placeholder took the embed's exact box.
        const boxes = await page.evaluate(() => {
          const host = document.querySelector('[data-consentgate-placeholder]')!.getBoundingClientRect();
          const after = document.querySelector('main p:last-of-type')!.getBoundingClientRect();
          return { host: [host.width, host.height], afterTop: after.top };
        });
        expect(boxes.host[0]).toBeGreaterThan(300);
        expect(await page.evaluate(() => window.__shifts)).toEqual([]);
        // Deciding, then loading the embed from its placeholder: still nothing moves without input.
        await ui(page, '[data-consentgate-accept-all]').click();
        await page.waitForFunction(() => window.manager!.hasDecision());
        await page.waitForTimeout(200);
        expect((await page.evaluate(() => window.__shifts))!.filter((s) => !s.input)).toEqual([]);
        const afterTop = await page.evaluate(() => document.querySelector('main p:last-of-type')!.getBoundingClientRect().top);
        expect(afterTop).toBe(boxes.afterTop);
      },
      { viewport: { width, height } },
    );
  });

  it('the placeholder has the embed\'s border box, and loading it puts the embed back in the same place', async () => {
    await withPage(async (env) => {
      const { page } = env;
      env.server.setPage('/plain.html', uiTestPage({ noUi: true }));
      // Same page without the UI: where the iframe sits by itself.
      await page.goto(env.server.url('/plain.html'));
      const iframe = await page.evaluate(() => {
        const r = document.getElementById('video')!.getBoundingClientRect();
        return [r.x, r.y, r.width, r.height];
      });
      await load(env);
      const host = await page.evaluate(() => {
        const r = document.querySelector('[data-consentgate-placeholder]')!.getBoundingClientRect();
        return [r.x, r.y, r.width, r.height];
      });
      expect(host).toEqual(iframe);
      await ui(page, '[data-consentgate-reject-all]').click();
      await page.locator('[data-consentgate-placeholder]').getByRole('button', { name: 'Load content' }).click();
      await page.waitForFunction(() => window.manager!.get()?.method === 'placeholder');
      await page.waitForFunction(() => !document.querySelector('[data-consentgate-placeholder]'));
      const loaded = await page.evaluate(() => {
        const r = document.getElementById('video')!.getBoundingClientRect();
        return [r.x, r.y, r.width, r.height];
      });
      expect(loaded).toEqual(iframe);
      expect(await page.evaluate(() => document.getElementById('video')!.getAttribute('src'))).toBe('https://www.youtube.com/embed/abc123');
      expect(await focused(page)).toMatch(/^iframe#video/);
    });
  });
});

describe('keyboard', () => {
  it('focus starts in the banner; Tab reaches link, Accept, Reject, Manage in order; Enter on Reject decides', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await load(env);
      expect(await focused(page)).toMatch(/^div\[data-consentgate-banner\]/);
      const path: string[] = [];
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Tab');
        path.push(await focused(page));
      }
      expect(path).toEqual([
        'a:Privacy policy',
        'button[data-consentgate-accept-all]:Accept all',
        'button[data-consentgate-reject-all]:Reject all',
        'button[data-consentgate-manage]:Manage choices',
      ]);
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => window.manager!.get()?.method === 'banner-reject-all');
      expect(await ui(page, '[data-consentgate-banner]').count()).toBe(0);
    });
  });

  it('the preferences trap the focus (Tab and Shift+Tab), switch with Space, close with Escape back to the opener', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await load(env);
      await ui(page, '[data-consentgate-accept-all]').click();
      await page.waitForFunction(() => window.manager!.hasDecision());
      await page.locator('#settings').focus();
      await page.keyboard.press('Enter');
      await ui(page, '[data-consentgate-preferences]').waitFor();
      expect(await focused(page)).toMatch(/^div\[data-consentgate-preferences\]/);
      const seen = new Set<string>();
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        expect(await focusInside(page, '[data-consentgate-preferences]'), `Tab ${i}`).toBe(true);
        seen.add(await focused(page));
      }
      // It went round: from Save choices back to Close.
      expect(seen).toContain('button:Close');
      expect(seen).toContain('button:Save choices');
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Shift+Tab');
        expect(await focusInside(page, '[data-consentgate-preferences]'), `Shift+Tab ${i}`).toBe(true);
      }
      // Space toggles a switch; Enter on a summary opens its services.
      await ui(page, 'input[aria-label=Analytics]').focus();
      await page.keyboard.press('Space');
      expect(await ui(page, 'input[aria-label=Analytics]').isChecked()).toBe(false);
      await page.keyboard.press('Space');
      expect(await ui(page, 'input[aria-label=Analytics]').isChecked()).toBe(true);
      const analytics = ui(page, 'details').nth(2); // the third category's services: Analytics
      await analytics.locator('summary').focus();
      await page.keyboard.press('Enter');
      expect(await analytics.getAttribute('open')).toBe('');
      await page.keyboard.press('Escape');
      expect(await ui(page, '[data-consentgate-preferences]').count()).toBe(0);
      expect(await focused(page)).toMatch(/^button#settings/);
    });
  });

  it('the modal banner traps the focus too, and Escape leaves it open', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await load(env, { config: siteConfig({ ui: { layout: 'modal', nonce: 'cg-test-nonce-5b1e' } }) });
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        expect(await focusInside(page, '[data-consentgate-banner]'), `Tab ${i}`).toBe(true);
      }
      await page.keyboard.press('Escape');
      expect(await ui(page, '[data-consentgate-banner]').count()).toBe(1);
    });
  });

  it('shows a visible focus indicator on the banner buttons', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await load(env);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const outline = await ui(page, '[data-consentgate-accept-all]').evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.outlineStyle, s.outlineWidth];
      });
      expect(outline).toEqual(['solid', '3px']);
    });
  });
});

describe('strict CSP, motion, reflow', () => {
  it("is fully styled under style-src/script-src 'nonce-…' with no CSP violation", async () => {
    await withPage(async (env) => {
      const { page } = env;
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await load(env, { config: siteConfig({ ui: { nonce: 'cg-test-nonce-5b1e', theme: { '--cg-radius': '4px' } } }) }, {
        'Content-Security-Policy': STRICT_CSP,
      });
      const banner = await ui(page, '[data-consentgate-banner]').evaluate((el) => {
        const s = getComputedStyle(el);
        return { position: s.position, bottom: s.bottom };
      });
      expect(banner).toEqual({ position: 'fixed', bottom: '0px' });
      const accept = await ui(page, '[data-consentgate-accept-all]').evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.backgroundColor, s.color, s.borderRadius];
      });
      expect(accept).toEqual(['rgb(31, 79, 209)', 'rgb(255, 255, 255)', '4px']);
      const placeholder = await page.locator('[data-consentgate-placeholder]').evaluate((el) => getComputedStyle(el).width);
      expect(placeholder).toBe('564px');
      await ui(page, '[data-consentgate-manage]').click();
      // The backdrop around the dialog.
      expect(await ui(page, '[data-consentgate-preferences]').evaluate((el) => getComputedStyle(el.parentElement!).position)).toBe('fixed');
      expect(await page.evaluate(() => window.__violations)).toEqual([]);
      expect(errors).toEqual([]);
    });
  });

  it('a nonce-less UI under the same CSP is refused by the browser (the test can tell)', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await load(env, { config: siteConfig({ ui: {} }) }, { 'Content-Security-Policy': STRICT_CSP });
      const position = await ui(page, '[data-consentgate-banner]').evaluate((el) => getComputedStyle(el).position);
      expect(position).toBe('static');
      expect((await page.evaluate(() => window.__violations))!.some((v) => v.startsWith('style-src'))).toBe(true);
    });
  });

  it('animates the banner only without prefers-reduced-motion', async () => {
    await withPage(async (env) => {
      const { page } = env;
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await load(env);
      expect(await ui(page, '[data-consentgate-banner]').evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
      await page.emulateMedia({ reducedMotion: 'no-preference' });
      expect(await ui(page, '[data-consentgate-banner]').evaluate((el) => getComputedStyle(el).animationName)).toBe('cg');
    });
  });

  it.each([
    ['320 px wide', { width: 320, height: 640 }],
    ['200 % zoom of 1280×800', { width: 640, height: 400 }],
  ])('reflows at %s: no horizontal scrolling, every button in view', async (_name, viewport) => {
    await withPage(
      async (env) => {
        const { page } = env;
        await load(env);
        const fits = (target: string | Locator) =>
          (typeof target === 'string' ? ui(page, target) : target).evaluate((el) => {
            const r = el.getBoundingClientRect();
            return { noHScroll: el.scrollWidth <= el.clientWidth + 1, inView: r.left >= 0 && r.right <= innerWidth + 0.5 };
          });
        expect(await fits('[data-consentgate-banner]')).toEqual({ noHScroll: true, inView: true });
        for (const hook of ['accept-all', 'reject-all', 'manage']) {
          const box = await ui(page, `[data-consentgate-${hook}]`).boundingBox();
          expect(box!.x + box!.width, hook).toBeLessThanOrEqual(viewport.width);
        }
        await ui(page, '[data-consentgate-manage]').click();
        expect(await fits('[data-consentgate-preferences]')).toEqual({ noHScroll: true, inView: true });
        // Its header, body and buttons each fit too.
        for (const part of await ui(page, '[data-consentgate-preferences] > *').all()) expect(await fits(part)).toEqual({ noHScroll: true, inView: true });
        // The dialog's buttons stay on screen (its body scrolls instead).
        const save = await ui(page, '[data-consentgate-preferences]').getByRole('button', { name: 'Save choices' }).boundingBox();
        expect(save!.y + save!.height).toBeLessThanOrEqual(viewport.height);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      },
      { viewport },
    );
  });
});
