/**
 * Which pages of a site get scanned: the start page, then same-origin links and the sitemap's
 * pages, in the order found, up to a limit, minus what robots.txt keeps crawlers out of.
 */
import type { SkippedPage } from '../types';
import { ALLOW_ALL, DISALLOW_ALL, parseRobots, type RobotsRules } from './robots';
import { parseSitemap } from './sitemap';

export const USER_AGENT = 'consentgate-scan (+https://www.npmjs.com/package/consentgate-scan)';

/** Files a link may point to that are not pages: not worth a browser visit. */
const NOT_A_PAGE = /\.(pdf|zip|gz|tgz|rar|7z|dmg|exe|msi|apk|jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|mp[34]|m4[av]|webm|ogg|wav|mov|avi|woff2?|ttf|otf|css|js|mjs|json|xml|txt|csv|xlsx?|docx?|pptx?|ics|rss|atom)$/i;

/** `href` resolved against `base`, without its fragment; null when it is not an http(s) URL. */
export function pageUrl(href: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  return url.href;
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

/** The path and query robots.txt rules are matched against. */
const robotsPath = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

export interface Fetched {
  status: number;
  contentType: string;
  text: string;
}

/** A plain GET (robots.txt, sitemaps), with a time limit; throws on a network error. */
export async function fetchText(url: string, timeoutMs: number): Promise<Fetched> {
  const response = await fetch(url, { headers: { 'user-agent': USER_AGENT }, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

export interface RobotsReading {
  rules: RobotsRules;
  /** Said once in the output when robots.txt changed what gets crawled for another reason than its rules. */
  note?: string;
}

/**
 * RFC 9309 § 2.3.1: a 4xx means "no rules" (crawl everything); a 5xx or no answer means
 * "assume everything is disallowed" (the start page is still scanned: it was asked for).
 */
export async function readRobots(origin: string, timeoutMs: number): Promise<RobotsReading> {
  const url = origin + '/robots.txt';
  try {
    const { status, text } = await fetchText(url, timeoutMs);
    if (status >= 200 && status < 300) return { rules: parseRobots(text, url) };
    if (status >= 400 && status < 500) return { rules: ALLOW_ALL };
    return { rules: DISALLOW_ALL, note: `${url} answered HTTP ${status}: as RFC 9309 asks, only the start page is scanned` };
  } catch (error) {
    return { rules: DISALLOW_ALL, note: `${url} could not be read (${describeError(error)}): as RFC 9309 asks, only the start page is scanned` };
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    if (error.name === 'TimeoutError') return 'no answer in time';
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/** Most sitemap files read (an index may list thousands): enough to find a few dozen pages. */
const MOST_SITEMAPS = 10;

/**
 * Same-origin page URLs from the sitemaps robots.txt lists, else `/sitemap.xml`, following
 * sitemap indexes; stops once `enough` pages are known. A missing or broken sitemap is no error:
 * most sites have none, and links still lead on.
 */
export async function readSitemaps(origin: string, robots: RobotsRules, enough: number, timeoutMs: number): Promise<string[]> {
  const queue = robots.sitemaps.length ? [...robots.sitemaps] : [origin + '/sitemap.xml'];
  const seen = new Set<string>();
  const pages: string[] = [];
  while (queue.length && seen.size < MOST_SITEMAPS && pages.length < enough) {
    const url = queue.shift()!;
    if (seen.has(url) || originOf(url) !== origin) continue;
    seen.add(url);
    let fetched: Fetched;
    try {
      fetched = await fetchText(url, timeoutMs);
    } catch {
      continue;
    }
    if (fetched.status < 200 || fetched.status >= 300) continue;
    const entries = parseSitemap(fetched.text);
    queue.push(...entries.sitemaps);
    for (const loc of entries.pages) {
      const page = pageUrl(loc, url);
      if (page && originOf(page) === origin) pages.push(page);
    }
  }
  return pages.slice(0, enough);
}

/**
 * The queue of pages: each URL once, same origin only, robots.txt honoured, at most `limit`
 * taken. The start page is scanned before the frontier exists, whatever robots.txt says (the
 * user named it); `took` counts it.
 */
export class Frontier {
  private readonly known = new Set<string>();
  private readonly queue: string[] = [];
  private taken = 0;
  readonly skipped: SkippedPage[] = [];

  constructor(
    readonly origin: string,
    private readonly robots: RobotsRules,
    private readonly limit: number,
  ) {}

  /** Seconds between page loads robots.txt asks for. */
  get crawlDelay(): number | undefined {
    return this.robots.crawlDelay;
  }

  /** Queues a found link if it is new, same-origin, allowed, and looks like a page. */
  add(link: string): void {
    const url = pageUrl(link, this.origin);
    if (url === null || !this.see(url)) return;
    if (originOf(url) !== this.origin) return;
    if (NOT_A_PAGE.test(new URL(url).pathname)) return;
    if (!this.robots.isAllowed(robotsPath(url))) {
      this.skipped.push({ url, reason: 'disallowed by robots.txt' });
      return;
    }
    this.queue.push(url);
  }

  /** Marks a URL as known without queuing it (a page a redirect ended on); false when it was known. */
  see(url: string): boolean {
    if (this.known.has(url)) return false;
    this.known.add(url);
    return true;
  }

  /** Counts a page scanned outside the queue (the start page). */
  took(url: string): void {
    this.see(url);
    this.taken++;
  }

  /** The next page to scan, or undefined when the queue is empty or the limit is reached. */
  next(): string | undefined {
    if (this.taken >= this.limit) return undefined;
    const url = this.queue.shift();
    if (url !== undefined) this.taken++;
    return url;
  }

  /** A taken page that turned out not to be one (not HTML, an HTTP error): it does not count. */
  giveBack(): void {
    this.taken--;
  }

  /** Pages that will be scanned as things stand (taken, and queued within the limit). */
  get planned(): number {
    return Math.min(this.limit, this.taken + this.queue.length);
  }
}
