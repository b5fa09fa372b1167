/**
 * The crawl: the start page, then same-origin links and the sitemap's pages, two at a time, each
 * visited in up to three browser profiles (no decision, Accept all, Reject all). A profile is
 * shared by every page, as one visitor who made that choice would browse the site.
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { siteOf } from '../../src/blocking/url-pattern';
import { launchChromium } from './browser/chromium';
import { consentGateState, decide, recordCookieName, waitForBanner, type Choice, type ConsentGateState } from './browser/consent';
import { answerThirdParties } from './browser/offline';
import { PageRecorder } from './browser/recorder';
import { ALLOW_ALL } from './site/robots';
import { Frontier, describeError, originOf, pageUrl, readRobots, readSitemaps } from './site/crawl';
import type { PageRecord, PassName, PassRecord, RecordedCookie, ScanResult, SkippedPage } from './types';

/** Pages in flight at once: polite to the site, and what two cores carry. */
export const CONCURRENCY = 2;
/** A site's Crawl-delay is kept up to this (seconds); past it, a 20-page scan would take hours. */
const MOST_CRAWL_DELAY_S = 30;
/** How long ConsentGate's app may take to start once the page has loaded. */
const START_WAIT_MS = 10_000;
/** How long the banner may take to show before the API decides instead. */
const BANNER_WAIT_MS = 3_000;

export interface ScanProgress {
  /** A page is done (`error`: it could not be scanned in full). */
  page(done: number, planned: number, url: string, error?: string): void;
  /** Something worth a line: robots.txt unreadable. */
  note(message: string): void;
}

export interface ScanOptions {
  url: string;
  /** Most pages scanned. */
  pages: number;
  /** Per page load. */
  timeoutMs: number;
  offline: boolean;
  /** The decisions to visit each page with, besides none. @default both */
  decisions?: readonly Choice[];
  progress?: ScanProgress;
}

/** The start page cannot be scanned (unreachable, not HTML, an HTTP error): bad input, exit 2. */
export class StartPageError extends Error {
  override name = 'StartPageError';
}

/** One profile: a visitor who has not decided, or one who accepted, or one who rejected. */
interface Profile {
  pass: PassName;
  context: BrowserContext;
  /** Cookies seen so far (name, domain, path), to tell which ones a page added. */
  seen: Set<string>;
}

interface Visited {
  kind: 'page';
  record: PassRecord;
  status: number;
  url: string;
  title: string;
  links: string[];
  consentGate: ConsentGateState;
  privacyPolicyUrl?: string;
}
type Visit = Visited | { kind: 'skip'; reason: string } | { kind: 'unreachable'; reason: string };

const NO_CONSENTGATE: ConsentGateState = { present: false, started: false, decided: false };

const cookieKey = (c: { name: string; domain: string; path: string }) => `${c.name}\u0000${c.domain}\u0000${c.path}`;

function loadError(error: unknown, timeoutMs: number): { kind: 'timeout' | 'download' | 'network'; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'TimeoutError') return { kind: 'timeout', message: `did not finish loading within ${timeoutMs / 1000} s` };
  if (/Download is starting/i.test(message)) return { kind: 'download', message: 'not an HTML page (the browser downloads it)' };
  const net = /net::ERR_[A-Z_]+/.exec(message);
  return { kind: 'network', message: net ? net[0] : message.split('\n')[0]! };
}

/** Why a response is not a page to scan, if it is not. */
function notAPage(response: Response, type: string): string | undefined {
  if (response.status() >= 400) return `HTTP ${response.status()}`;
  if (!/\b(text\/html|application\/xhtml\+xml)\b/i.test(type)) return `not an HTML page (${type || 'no Content-Type'})`;
  return undefined;
}

class SiteScan {
  private host: string;
  private origin: string;
  private readonly profiles: Profile[] = [];
  private readonly pages: Array<{ order: number; page: PageRecord }> = [];
  private readonly skipped: SkippedPage[] = [];
  private consentGate: ScanResult['consentGate'] = null;
  private screenshot: Buffer | undefined;
  private privacyPolicyUrl: string | undefined;
  private frontier: Frontier | undefined;
  private readonly waitForStart: number;

  constructor(
    private readonly browser: Browser,
    private readonly options: ScanOptions,
    private readonly startUrl: string,
  ) {
    this.host = new URL(startUrl).hostname;
    this.origin = originOf(startUrl);
    this.waitForStart = Math.min(START_WAIT_MS, options.timeoutMs);
  }

  /** Third party: another registrable domain than the site's (the SDK's own `siteOf`). */
  private readonly isThirdParty = (host: string) => siteOf(host) !== siteOf(this.host);

  async run(): Promise<ScanResult> {
    const started = Date.now();
    for (const pass of ['before-consent', ...(this.options.decisions ?? ['accept-all', 'reject-all'])] as PassName[]) {
      // Service workers would answer requests out of the recorder's sight: kept out.
      const context = await this.browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 800 } });
      if (this.options.offline) await answerThirdParties(context, this.isThirdParty);
      this.profiles.push({ pass, context, seen: new Set() });
    }
    // The start page first, on its own: it fixes the site's origin (after redirects) and makes
    // the profiles' decisions before other pages run in them.
    const start = (await this.scanPage(this.startUrl, 0))!;
    const frontier = await this.plan(start.page.url, start.links);
    this.options.progress?.page(1, frontier.planned, start.page.url, start.page.error);
    await this.crawl(frontier);
    return {
      startUrl: this.options.url,
      siteOrigin: this.origin,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      pages: this.pages.sort((a, b) => a.order - b.order).map((p) => p.page),
      skipped: [...this.skipped, ...frontier.skipped],
      consentGate: this.consentGate,
      ...(this.screenshot && { screenshot: this.screenshot }),
      ...(this.privacyPolicyUrl && { privacyPolicyUrl: this.privacyPolicyUrl }),
      offline: this.options.offline,
    };
  }

  /** robots.txt, the sitemap and the start page's links: the pages to come. */
  private async plan(startPage: string, links: string[]): Promise<Frontier> {
    const more = this.options.pages > 1;
    const robots = more ? await readRobots(this.origin, this.options.timeoutMs) : undefined;
    if (robots?.note) this.options.progress?.note(robots.note);
    const frontier = (this.frontier = new Frontier(this.origin, robots?.rules ?? ALLOW_ALL, this.options.pages));
    frontier.took(startPage);
    frontier.see(this.startUrl);
    for (const link of links) frontier.add(link);
    if (robots) for (const url of await readSitemaps(this.origin, robots.rules, this.options.pages * 2, this.options.timeoutMs)) frontier.add(url);
    return frontier;
  }

  /** Two pages at a time until the frontier is done, Crawl-delay kept. */
  private async crawl(frontier: Frontier): Promise<void> {
    const delayMs = Math.min(frontier.crawlDelay ?? 0, MOST_CRAWL_DELAY_S) * 1000;
    let nextStart = 0;
    let order = 1;
    const active = new Set<Promise<void>>();
    const scanOne = async (url: string, position: number) => {
      const wait = nextStart - Date.now();
      nextStart = Math.max(Date.now(), nextStart) + delayMs;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const scanned = await this.scanPage(url, position);
      if (scanned === null) return frontier.giveBack();
      for (const link of scanned.links) frontier.add(link);
      this.options.progress?.page(this.pages.length, Math.max(this.pages.length, frontier.planned), scanned.page.url, scanned.page.error);
    };
    for (;;) {
      while (active.size < CONCURRENCY) {
        const url = frontier.next();
        if (url === undefined) break;
        const job: Promise<void> = scanOne(url, order++).finally(() => active.delete(job));
        active.add(job);
      }
      if (!active.size) return;
      await Promise.race(active);
    }
  }

  /** One page in every profile; it and its links, or null when it was not a page to scan. */
  private async scanPage(url: string, order: number): Promise<{ page: PageRecord; links: string[] } | null> {
    const first = order === 0;
    const [undecided, ...decided] = this.profiles;
    const before = await this.visit(undecided!, url, first);
    if (before.kind !== 'page') {
      if (first) throw new StartPageError(before.kind === 'unreachable' ? `cannot reach ${url}: ${before.reason}` : `${url}: ${before.reason}`);
      if (before.kind === 'skip') {
        this.skipped.push({ url, reason: before.reason });
        return null;
      }
      const page: PageRecord = { url, title: '', status: 0, consentGate: false, passes: [], error: before.reason };
      this.pages.push({ order, page });
      return { page, links: [] };
    }
    if (!first && before.url !== url && !this.frontier!.see(before.url)) {
      this.skipped.push({ url, reason: `redirects to ${before.url}, scanned already` });
      return null;
    }
    const page: PageRecord = { url: before.url, title: before.title, status: before.status, consentGate: before.consentGate.present, passes: [before.record] };
    if (before.consentGate.present) {
      this.consentGate ??= {};
      this.consentGate.version ??= before.consentGate.version;
    }
    if (first && before.privacyPolicyUrl) this.privacyPolicyUrl = before.privacyPolicyUrl;
    // Without ConsentGate there is nothing to accept or reject: the first visit is what a fresh
    // profile with no consent tool loads, which is all that "Accept all" would show.
    if (before.consentGate.present && !before.record.error) {
      for (const profile of decided) {
        const visited = await this.visit(profile, before.url, false);
        page.passes.push(visited.kind === 'page' ? visited.record : { pass: profile.pass, requests: [], cookies: [], jar: [], storage: [], frames: [], error: visited.reason });
      }
    }
    const errors = page.passes.filter((p) => p.error).map((p) => `${p.pass}: ${p.error}`);
    if (errors.length) page.error = errors.join('; ');
    this.pages.push({ order, page });
    return { page, links: before.links };
  }

  /** Opens `url` in a profile, records it, and (in a decision's profile) decides and reloads. */
  private async visit(profile: Profile, url: string, first: boolean): Promise<Visit> {
    const page: Page = await profile.context.newPage();
    const recorder = await PageRecorder.attach(page);
    const record: PassRecord = { pass: profile.pass, requests: [], cookies: [], jar: [], storage: [], frames: [] };
    try {
      let response: Response | null = null;
      try {
        response = await page.goto(url, { waitUntil: 'load', timeout: this.options.timeoutMs });
      } catch (error) {
        const failed = loadError(error, this.options.timeoutMs);
        if (failed.kind === 'download') return { kind: 'skip', reason: failed.message };
        if (failed.kind === 'network') return { kind: 'unreachable', reason: failed.message };
        // A timeout: what the page did until then is still evidence.
        record.error = failed.message;
      }
      const skip = response && notAPage(response, (await response.headerValue('content-type')) ?? '');
      if (skip) return { kind: 'skip', reason: skip };
      const finalUrl = pageUrl(page.url(), url) ?? url;
      if (first) {
        this.host = new URL(finalUrl).hostname;
        this.origin = originOf(finalUrl);
      } else if (originOf(finalUrl) !== this.origin) {
        return { kind: 'skip', reason: `redirects to another origin (${finalUrl})` };
      }
      await recorder.settle();
      const state = record.error ? NO_CONSENTGATE : await consentGateState(page, this.waitForStart);
      if (profile.pass === 'before-consent') {
        if (first && !record.error) await this.takeScreenshot(page, state);
      } else {
        await this.decideAndReload(page, recorder, record, profile, state);
      }
      const snapshot = await recorder.snapshot().catch(() => ({ title: '', links: [], storage: [], frames: [], privacyPolicyUrl: undefined }));
      record.storage = snapshot.storage;
      record.frames = snapshot.frames;
      record.requests = await recorder.requests();
      await this.readCookies(profile, record);
      return {
        kind: 'page',
        record,
        status: response?.status() ?? 0,
        url: finalUrl,
        title: snapshot.title,
        links: snapshot.links,
        consentGate: state,
        ...(snapshot.privacyPolicyUrl && { privacyPolicyUrl: snapshot.privacyPolicyUrl }),
      };
    } catch (error) {
      record.error = describeError(error);
      record.requests = await recorder.requests().catch(() => []);
      return { kind: 'page', record, status: 0, url, title: '', links: [], consentGate: NO_CONSENTGATE };
    } finally {
      await recorder.detach();
      await page.close().catch(() => undefined);
    }
  }

  /** The start page as a visitor first sees it: the banner, once it shows. */
  private async takeScreenshot(page: Page, state: ConsentGateState): Promise<void> {
    if (state.started) await waitForBanner(page, BANNER_WAIT_MS);
    this.screenshot = await page.screenshot({ type: 'jpeg', quality: 70 }).catch(() => undefined);
  }

  /**
   * Accept all or Reject all on this page, unless this profile decided on an earlier page; then a
   * reload ("after Reject all (with a reload)"): what the page loads for a visitor who decided.
   */
  private async decideAndReload(page: Page, recorder: PageRecorder, record: PassRecord, profile: Profile, state: ConsentGateState): Promise<void> {
    if (!state.started) {
      record.error = `ConsentGate did not start within ${this.waitForStart / 1000} s (the browser console says why: an invalid config?)`;
      return;
    }
    if (state.decided) {
      recorder.markDecision(true);
      record.decision = 'earlier';
      return;
    }
    // What the click sets off (the tags it releases) comes after the decision.
    recorder.markDecision();
    record.decision = await decide(page, profile.pass as Choice, BANNER_WAIT_MS, START_WAIT_MS);
    await recorder.settle();
    const name = await recordCookieName(profile.context, page.url());
    if (name && this.consentGate && !this.consentGate.cookieName) this.consentGate.cookieName = name;
    await recorder.collectMarkings();
    try {
      await page.reload({ waitUntil: 'load', timeout: this.options.timeoutMs });
    } catch (error) {
      record.error = `after the decision, the reload ${loadError(error, this.options.timeoutMs).message}`;
    }
    await recorder.settle();
  }

  /** The profile's cookie jar now, and which cookies this page added to it. */
  private async readCookies(profile: Profile, record: PassRecord): Promise<void> {
    const seenAt = Date.now();
    record.jar = (await profile.context.cookies()).map(
      (c): RecordedCookie => ({ name: c.name, domain: c.domain, path: c.path, expires: c.expires, httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite, seenAt }),
    );
    record.cookies = record.jar.filter((c) => !profile.seen.has(cookieKey(c)));
    for (const c of record.cookies) profile.seen.add(cookieKey(c));
  }
}

export async function scanSite(options: ScanOptions): Promise<ScanResult> {
  const startUrl = /^https?:\/\//i.test(options.url) ? pageUrl(options.url, options.url) : null;
  if (!startUrl) throw new StartPageError(`${options.url} is not an http(s) URL`);
  const browser = await launchChromium((message) => options.progress?.note(message));
  try {
    return await new SiteScan(browser, options, startUrl).run();
  } finally {
    await browser.close().catch(() => undefined);
  }
}
