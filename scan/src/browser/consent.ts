/**
 * Deciding as a visitor would, through ConsentGate's stable hooks (docs/api.md, "Stable hooks") or, when
 * its banner does not show (an opt-out regime's notice, a custom UI), its public API
 * (`window.ConsentGate.acceptAll()` / `rejectAll()`).
 */
import type { BrowserContext, Page } from 'playwright-core';

export type Choice = 'accept-all' | 'reject-all';

export interface ConsentGateState {
  /** `window.ConsentGate` is on the page. */
  present: boolean;
  /** Its app started (the first `onChange` call came): decisions now take effect. */
  started: boolean;
  /** A decision is on record for this page's config. */
  decided: boolean;
  version?: string;
}

interface ConsentGateApi {
  version?: string;
  onChange?: (listener: (change: { record: unknown }) => void) => () => void;
  get?: () => { id?: string } | null;
  acceptAll?: () => void;
  rejectAll?: () => void;
}

const FIRST_LAYER = '[data-consentgate-banner], [data-consentgate-notice]';

/**
 * ConsentGate's record (src/consent/record.ts: JSON, percent-encoded by js-cookie), told by its
 * shape whatever the cookie is called: the npm build sets no global to ask for the name.
 */
export function isConsentRecord(value: string): boolean {
  let text = value;
  try {
    text = decodeURIComponent(value);
  } catch {
    // not percent-encoded
  }
  try {
    const record = JSON.parse(text) as Record<string, unknown> | null;
    return !!record && record.v === 1 && typeof record.id === 'string' && typeof record.policyVersion === 'string' && typeof record.categories === 'object';
  } catch {
    return false;
  }
}

/** The name of the cookie that holds a consent record for `url`, if one does. */
export async function recordCookieName(context: BrowserContext, url: string): Promise<string | undefined> {
  return (await context.cookies(url)).find((c) => isConsentRecord(c.value))?.name;
}

/**
 * ConsentGate's state on the page. The script tag's `window.ConsentGate.onChange` replays the
 * current state once the app has started (src/embed.ts: the boot's facade queues listeners until
 * then), so its first call says both that it runs and whether a decision is on record. The npm
 * build sets no global: its UI host (`<consentgate-ui>`, ui/shell.ts) shows it is there, and a
 * record cookie with no banner on screen that the visitor decided.
 */
export async function consentGateState(page: Page, timeoutMs: number): Promise<ConsentGateState> {
  const viaApi = await page.evaluate(
    (timeout) =>
      new Promise<ConsentGateState & { hosted: boolean }>((resolve) => {
        const api = (window as unknown as { ConsentGate?: ConsentGateApi }).ConsentGate;
        const hosted = !!document.querySelector('consentgate-ui');
        if (!api || typeof api.onChange !== 'function') return resolve({ present: false, started: false, decided: false, hosted });
        const version = typeof api.version === 'string' ? api.version : undefined;
        let done = false;
        const timer = setTimeout(() => {
          done = true;
          resolve({ present: true, started: false, decided: false, hosted, ...(version && { version }) });
        }, timeout);
        try {
          const off = api.onChange((change) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            resolve({ present: true, started: true, decided: change.record !== null, hosted, ...(version && { version }) });
            queueMicrotask(() => off?.());
          });
        } catch {
          clearTimeout(timer);
          resolve({ present: true, started: false, decided: false, hosted, ...(version && { version }) });
        }
      }),
    timeoutMs,
  );
  const { hosted, ...state } = viaApi;
  if (state.present || !hosted) return state;
  const firstLayer = await page.locator(FIRST_LAYER).first().isVisible().catch(() => false);
  const record = await recordCookieName(page.context(), page.url());
  return { present: true, started: true, decided: !!record && !firstLayer };
}

const BUTTON: Record<Choice, string> = {
  'accept-all': '[data-consentgate-accept-all]',
  'reject-all': '[data-consentgate-reject-all]',
};

/**
 * Clicks the banner's button (the path a visitor takes) when the banner shows within
 * `bannerWaitMs`, else calls the API; resolves once the decision is on record.
 */
export async function decide(page: Page, choice: Choice, bannerWaitMs: number, timeoutMs: number): Promise<'banner' | 'api'> {
  let method: 'banner' | 'api' = 'banner';
  try {
    const button = page.locator(BUTTON[choice]).first();
    await button.waitFor({ state: 'visible', timeout: bannerWaitMs });
    await button.click({ timeout: bannerWaitMs });
  } catch {
    method = 'api';
    const called = await page.evaluate((which) => {
      const api = (window as unknown as { ConsentGate?: ConsentGateApi }).ConsentGate;
      const decideNow = which === 'accept-all' ? api?.acceptAll : api?.rejectAll;
      decideNow?.call(api);
      return !!decideNow;
    }, choice);
    if (!called) throw new Error(`no ConsentGate banner showed within ${bannerWaitMs / 1000} s, and no window.ConsentGate to decide through`);
  }
  // On record: in its cookie, or (where cookies are refused) in the API's memory.
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await recordCookieName(page.context(), page.url())) return method;
    const inMemory = await page.evaluate(() => (window as unknown as { ConsentGate?: ConsentGateApi }).ConsentGate?.get?.() != null).catch(() => false);
    if (inMemory) return method;
    if (Date.now() > end) throw new Error(`the decision was not on record within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits (a little) for the banner or notice, so the screenshot shows what a visitor sees first. */
export async function waitForBanner(page: Page, timeoutMs: number): Promise<void> {
  await page
    .locator(FIRST_LAYER)
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs })
    .catch(() => undefined);
}
