/**
 * What one page does while it is open: every request it attempts (answered, failed or never
 * answered), who made it (Chromium's initiator, through a DevTools session), and, on demand, its
 * storage keys, frames and links. One recorder per page and pass.
 */
import type { CDPSession, Page, Request } from 'playwright-core';
import type { ElementMarking, Initiator, RecordedFrame, RecordedRequest, RecordedStorageKey } from '../types';

/** `Network.requestWillBeSent`'s initiator (Chrome DevTools Protocol), the fields read here. */
interface CdpInitiator {
  type: string;
  url?: string;
  lineNumber?: number;
  columnNumber?: number;
  stack?: CdpStack;
}
interface CdpStack {
  callFrames: Array<{ url: string; lineNumber: number; columnNumber: number }>;
  parent?: CdpStack;
}

/**
 * ConsentGate's own files: its guards wrap `appendChild`, `insertBefore` and the `src` setters, so
 * they stand innermost in the stack of every tag a page script inserts. The initiator to show is
 * the page's code that called them.
 */
const CONSENTGATE_FILE = /\/consentgate(-app|-ui|-registry)?\.js([?#]|$)/;

/**
 * The innermost script frame with a URL, following async parents (a `setTimeout` callback's
 * caller), passing over ConsentGate's wrappers; ConsentGate's own frame when nothing else is on
 * the stack (a tag it released).
 */
export function readInitiator(raw: CdpInitiator): Initiator {
  if (raw.url) {
    return { type: raw.type, url: raw.url, ...(raw.lineNumber !== undefined && { line: raw.lineNumber + 1 }), ...(raw.columnNumber !== undefined && { column: raw.columnNumber + 1 }) };
  }
  let fallback: Initiator | undefined;
  for (let stack = raw.stack; stack; stack = stack.parent) {
    for (const frame of stack.callFrames) {
      if (!frame.url) continue;
      const initiator = { type: raw.type, url: frame.url, line: frame.lineNumber + 1, column: frame.columnNumber + 1 };
      if (!CONSENTGATE_FILE.test(frame.url)) return initiator;
      fallback ??= initiator;
    }
  }
  return fallback ?? { type: raw.type };
}

/**
 * Notes how every element that loads a URL was marked (`data-category`, `data-service`) as it
 * enters the document, before a consent tool re-creates it on release without its marks. Runs in
 * the page before its own scripts; read back by `PageRecorder.markings`.
 */
const MARKINGS_SCRIPT = `(() => {
  const seen = new Map();
  const attributes = ['src', 'data-src', 'data-cg-src', 'href', 'data'];
  const note = (el) => {
    if (!el || el.nodeType !== 1 || seen.size >= 5000) return;
    const category = el.getAttribute('data-category');
    const service = el.getAttribute('data-service');
    for (const name of attributes) {
      const raw = el.getAttribute(name);
      if (!raw || (name === 'href' && el.localName !== 'link')) continue;
      let url;
      try { url = new URL(raw, document.baseURI).href; } catch { continue; }
      if (!seen.has(url)) seen.set(url, { tag: el.localName, ...(category !== null && { category }), ...(service !== null && { service }) });
    }
  };
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) {
      note(node);
      if (node.querySelectorAll) for (const el of node.querySelectorAll('[src], [data-src], [data-cg-src], link[href], object[data]')) note(el);
    }
  }).observe(document, { childList: true, subtree: true });
  Object.defineProperty(window, '__consentgateScanMarkings', { value: () => [...seen], enumerable: false });
})();`;

const isWebUrl = (url: string) => /^(https?|wss?):/i.test(url);

/** The document that made a request; for a frame's own navigation, its parent. */
function frameUrlOf(request: Request): string {
  try {
    const frame = request.frame();
    if (request.isNavigationRequest()) return frame.parentFrame()?.url() ?? frame.url();
    return frame.url();
  } catch {
    return ''; // a service worker's request has no frame
  }
}

export interface PageSnapshot {
  title: string;
  links: string[];
  storage: RecordedStorageKey[];
  frames: RecordedFrame[];
  /** The first link that looks like a privacy policy. */
  privacyPolicyUrl?: string;
}

export class PageRecorder {
  private readonly recorded: RecordedRequest[] = [];
  private readonly inFlightEntries = new Map<Request, RecordedRequest>();
  private readonly initiators = new Map<string, Initiator[]>();
  /** URL → how its element was marked, gathered across reloads. */
  private readonly marks = new Map<string, ElementMarking>();
  private inFlight = 0;
  private lastActivity = Date.now();
  private afterDecision = false;
  private cdp: CDPSession | undefined;

  private constructor(readonly page: Page) {}

  static async attach(page: Page): Promise<PageRecorder> {
    const recorder = new PageRecorder(page);
    await page.addInitScript({ content: MARKINGS_SCRIPT });
    page.on('request', (request) => recorder.onRequest(request));
    page.on('response', (response) => {
      const entry = recorder.inFlightEntries.get(response.request());
      if (entry) entry.status = response.status();
    });
    page.on('requestfinished', (request) => recorder.onEnd(request, undefined));
    page.on('requestfailed', (request) => recorder.onEnd(request, request.failure()?.errorText ?? 'failed'));
    page.on('websocket', (socket) => recorder.onWebSocket(socket.url()));
    try {
      recorder.cdp = await page.context().newCDPSession(page);
      recorder.cdp.on('Network.requestWillBeSent', (event: { request: { url: string }; initiator: CdpInitiator }) => {
        if (!isWebUrl(event.request.url)) return;
        const list = recorder.initiators.get(event.request.url) ?? [];
        list.push(readInitiator(event.initiator));
        recorder.initiators.set(event.request.url, list);
      });
      await recorder.cdp.send('Network.enable');
    } catch {
      // Initiators are a help, not a must: the requests are recorded without them.
      recorder.cdp = undefined;
    }
    return recorder;
  }

  private entryFor(url: string, resourceType: string, method: string, frameUrl: string): RecordedRequest {
    const u = new URL(url);
    return { url, host: u.hostname.toLowerCase(), path: u.pathname + u.search, resourceType, method, afterDecision: this.afterDecision, frameUrl };
  }

  private onRequest(request: Request): void {
    const url = request.url();
    if (!isWebUrl(url)) return;
    this.lastActivity = Date.now();
    this.inFlight++;
    const entry = this.entryFor(url, request.resourceType(), request.method(), frameUrlOf(request));
    this.recorded.push(entry);
    this.inFlightEntries.set(request, entry);
  }

  private onEnd(request: Request, failure: string | undefined): void {
    const entry = this.inFlightEntries.get(request);
    if (!entry) return;
    this.inFlightEntries.delete(request);
    this.inFlight--;
    this.lastActivity = Date.now();
    if (failure !== undefined) entry.failure = failure;
  }

  private onWebSocket(url: string): void {
    if (!isWebUrl(url)) return;
    this.lastActivity = Date.now();
    this.recorded.push(this.entryFor(url, 'websocket', 'GET', this.page.url()));
  }

  /** From now on requests are made after the visitor's decision; `earlier`: so were the ones so far. */
  markDecision(earlier = false): void {
    this.afterDecision = true;
    if (earlier) for (const entry of this.recorded) entry.afterDecision = true;
  }

  /**
   * Waits until the page is quiet: nothing started or ended for `quietMs` with nothing in flight,
   * or nothing at all for three times that (a request that never ends: a long poll, a dead host),
   * and `maxMs` at most. What a page does later still counts when it happens before the pass ends.
   */
  async settle(quietMs = 500, maxMs = 5000): Promise<void> {
    const end = Date.now() + maxMs;
    for (;;) {
      const idle = Date.now() - this.lastActivity;
      if ((this.inFlight <= 0 && idle >= quietMs) || idle >= 3 * quietMs || Date.now() >= end) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The main document's title, links, storage keys and frames. */
  async snapshot(): Promise<PageSnapshot> {
    return this.page.evaluate(() => {
      const storage: Array<{ key: string; storage: 'localStorage' | 'sessionStorage'; origin: string }> = [];
      for (const kind of ['localStorage', 'sessionStorage'] as const) {
        try {
          const store = window[kind];
          for (let i = 0; i < store.length; i++) storage.push({ key: store.key(i)!, storage: kind, origin: location.origin });
        } catch {
          // storage blocked for this origin
        }
      }
      const frames: Array<{ tag: string; url: string; held: boolean }> = [];
      for (const el of Array.from(document.querySelectorAll('iframe, embed, object'))) {
        const live = el.getAttribute(el.localName === 'object' ? 'data' : 'src');
        const held = el.getAttribute('data-cg-src') ?? el.getAttribute('data-cg-data') ?? el.getAttribute('data-src') ?? el.getAttribute('data-data');
        const raw = live || held;
        if (!raw) continue;
        let url = raw;
        try {
          url = new URL(raw, document.baseURI).href;
        } catch {
          // kept as written
        }
        frames.push({ tag: el.localName, url, held: !live });
      }
      const links = Array.from(document.querySelectorAll('a[href], area[href]'), (a) => (a as HTMLAnchorElement).href);
      const privacy = Array.from(document.querySelectorAll('a[href]')).find((a) =>
        /privacy|datenschutz|confidentialit|privacidad|privacit|privé/i.test(`${a.textContent ?? ''} ${a.getAttribute('href') ?? ''}`),
      );
      return { title: document.title, links, storage, frames, ...(privacy && { privacyPolicyUrl: (privacy as HTMLAnchorElement).href }) };
    });
  }

  /** Reads the markings the page noted so far; call it before a reload too (the page's notes go with it). */
  async collectMarkings(): Promise<void> {
    try {
      const noted = await this.page.evaluate(() => (window as unknown as { __consentgateScanMarkings?: () => Array<[string, ElementMarking]> }).__consentgateScanMarkings?.() ?? []);
      for (const [url, marking] of noted) if (!this.marks.has(url)) this.marks.set(url, marking);
    } catch {
      // the page navigated or closed: what was noted before stays
    }
  }

  /** The requests so far, each with its initiator and its element's marking where known. */
  async requests(): Promise<RecordedRequest[]> {
    await this.collectMarkings();
    const initiators = new Map([...this.initiators].map(([url, list]) => [url, [...list]]));
    return this.recorded.map((entry) => {
      const initiator = initiators.get(entry.url)?.shift();
      const element = this.marks.get(entry.url);
      return { ...entry, ...(initiator && { initiator }), ...(element && { element }) };
    });
  }

  async detach(): Promise<void> {
    await this.cdp?.detach().catch(() => undefined);
  }
}
