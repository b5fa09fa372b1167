/**
 * Shared harness for the browser tests (vitest project `browser`).
 *
 * - `launchChromium()`  starts the system Chromium (never downloads one).
 * - `startServer()`     serves `dist/`, `test/fixtures/` and inline pages on 127.0.0.1.
 * - `recordThirdParty()` answers EVERY request to a non-local host inside the
 *   browser (nothing leaves the machine) and records it.
 * - `withPage()`        the usual entry point: browser (one per test file, closed in
 *   `afterAll`) + server + fresh context + page + recorder, all torn down afterwards.
 *
 * "Local" means 127.0.0.1, ::1, `localhost` and `*.localhost`. Chromium resolves
 * every `*.localhost` name to the loopback address by itself, so
 * `server.url('/', 'www.' + SITE_HOST)` and `server.url('/', 'cdn.' + SITE_HOST)`
 * are two same-site origins (first-party subdomains) served by the same server.
 */
import { accessSync, constants as fsConstants, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Cookie,
  type Page,
  type Request,
  type Route,
} from 'playwright-core';
import { afterAll } from 'vitest';
// The path and flags, shared with the benchmarks and the screenshots.
import { CHROMIUM_ARGS, DEFAULT_CHROME_PATH } from '../../scripts/chromium.mjs';

declare global {
  interface Window {
    /** Every fake third-party script / iframe pushes its URL here when it runs. */
    __trackerRuns?: string[];
  }
}

// ---------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------

/** The Chromium binary to use: `$CHROME_PATH`, else `/usr/bin/chromium`. */
export function chromePath(): { path: string; source: string } {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return { path: fromEnv, source: 'CHROME_PATH' };
  return { path: DEFAULT_CHROME_PATH, source: 'default path' };
}

/** Launches the system Chromium headless. Throws a clear error if it is missing. */
export async function launchChromium(): Promise<Browser> {
  const { path, source } = chromePath();
  const fix =
    'Install Debian\'s Chromium with "apt-get install -y chromium", ' +
    'or set CHROME_PATH to a Chromium/Chrome executable.';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path} (${source}). ${fix}`);
  }
  try {
    accessSync(path, fsConstants.X_OK);
  } catch {
    throw new Error(`Chromium at ${path} (${source}) is not executable. ${fix}`);
  }
  try {
    return await chromium.launch({ executablePath: path, headless: true, args: [...CHROMIUM_ARGS] });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Could not launch Chromium at ${path} (${source}). ${fix}\n${reason}`, { cause: err });
  }
}

// ---------------------------------------------------------------------------
// Static + fixture HTTP server
// ---------------------------------------------------------------------------

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST_DIR = resolve(REPO_ROOT, 'dist');
const FIXTURES_DIR = resolve(REPO_ROOT, 'test', 'fixtures');

/** Base name for same-site test origins, e.g. `www.consentgate.localhost`. */
export const SITE_HOST = 'consentgate.localhost';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** One request that reached the local server. */
export interface ServerHit {
  method: string;
  /** Path + query, as requested. */
  url: string;
  /** The Host header, e.g. `127.0.0.1:40123` or `www.consentgate.localhost:40123`. */
  host: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  time: number;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Absolute URL for `path`; `host` defaults to 127.0.0.1 (try `'www.' + SITE_HOST`). */
  url(path: string, host?: string): string;
  /**
   * Serves `html` at `path` (query string ignored) with `content-type: text/html`
   * and `cache-control: no-store`; `headers` are added / override, e.g.
   * `{ 'Content-Security-Policy': "script-src 'self'" }`. Any method is answered.
   */
  setPage(path: string, html: string, headers?: Record<string, string>): void;
  /** Every request the server answered, in order (favicon requests excluded). */
  hits: ServerHit[];
  close(): Promise<void>;
}

function withinDir(root: string, relPath: string): string | null {
  const full = resolve(root, '.' + sep + relPath);
  return full === root || full.startsWith(root + sep) ? full : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the local server on 127.0.0.1 with a random free port. */
export async function startServer(): Promise<TestServer> {
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const hits: ServerHit[] = [];

  const send = (
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    headers: Record<string, string>,
    head: boolean,
  ): void => {
    res.writeHead(status, { 'cache-control': 'no-store', ...headers });
    res.end(head ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const body = await readBody(req);
    const head = req.method === 'HEAD';
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(rawUrl, 'http://local').pathname);
    } catch {
      send(res, 400, 'bad url', { 'content-type': 'text/plain' }, head);
      return;
    }
    const record = (status: number): void => {
      if (pathname === '/favicon.ico') return;
      hits.push({
        method: req.method ?? 'GET',
        url: rawUrl,
        host: req.headers.host ?? '',
        headers: req.headers,
        body,
        status,
        time: Date.now(),
      });
    };

    const page = pages.get(pathname);
    if (page) {
      record(200);
      send(res, 200, page.html, { 'content-type': 'text/html; charset=utf-8', ...page.headers }, head);
      return;
    }
    if (pathname === '/favicon.ico') {
      send(res, 204, '', {}, head);
      return;
    }
    const mounts: Array<[prefix: string, dir: string, hint: string]> = [
      ['/dist/', DIST_DIR, ' (is dist/ built? run "npm run build")'],
      ['/test-fixtures/', FIXTURES_DIR, ''],
    ];
    for (const [prefix, dir, hint] of mounts) {
      if (!pathname.startsWith(prefix)) continue;
      const file = withinDir(dir, pathname.slice(prefix.length));
      if (file) {
        try {
          const info = await stat(file);
          if (info.isFile()) {
            const data = await readFile(file);
            record(200);
            send(res, 200, data, { 'content-type': contentTypeFor(file) }, head);
            return;
          }
        } catch {
          // fall through to 404
        }
      }
      record(404);
      send(res, 404, `not found: ${pathname}${hint}`, { 'content-type': 'text/plain; charset=utf-8' }, head);
      return;
    }
    record(404);
    send(res, 404, `not found: ${pathname}`, { 'content-type': 'text/plain; charset=utf-8' }, head);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    hits,
    url(path: string, host = '127.0.0.1'): string {
      return `http://${host}:${port}${path.startsWith('/') ? path : '/' + path}`;
    },
    setPage(path: string, html: string, headers: Record<string, string> = {}): void {
      const pathname = new URL(path, 'http://local').pathname;
      pages.set(pathname, { html, headers });
    },
    close(): Promise<void> {
      return new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------
// Third-party request recorder
// ---------------------------------------------------------------------------

/** True for hosts that are served by the local test server. */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === '127.0.0.1' || h === '[::1]' || h === '::1' || h === 'localhost' || h.endsWith('.localhost');
}

export interface ThirdPartyRequest {
  url: string;
  host: string;
  /** Playwright's resource type: script, image, document, fetch, xhr, ping, websocket, … */
  resourceType: string;
  method: string;
  /**
   * URL of the document that made the request: the requesting frame, or for an
   * iframe navigation its parent ('' when there is none, e.g. workers).
   */
  frameUrl: string;
  /** `Date.now()` when the request was seen. */
  time: number;
  headers: Record<string, string>;
  postData: string | null;
}

export interface RecordOptions {
  /**
   * Custom script bodies: the first entry whose key is a substring of the URL wins.
   * The harness always prepends the `__trackerRuns` push, so executions are counted
   * for custom bodies too.
   */
  scripts?: Record<string, string>;
  /** Set-Cookie header value(s) to add to responses whose URL contains the key. */
  setCookies?: Record<string, string | string[]>;
}

export interface ThirdPartyRecorder {
  /** Every intercepted third-party request, in order. Tests read (and may clear) it. */
  requests: ThirdPartyRequest[];
  /** Sorted distinct hosts seen so far. */
  hosts(): string[];
  /** Resolves with the first recorded request matching `predicate` (already-recorded ones count). */
  waitFor(predicate: (r: ThirdPartyRequest) => boolean, timeoutMs?: number): Promise<ThirdPartyRequest>;
  /**
   * Non-local requests that Chromium refused before sending them (CSP, mixed content,
   * …): they never reached the recorder nor the network. `errorText` is e.g. `csp`.
   */
  blocked: Array<{ url: string; resourceType: string; errorText: string }>;
  /**
   * URLs of non-local requests the browser context made that the recorder did NOT
   * answer and Chromium did not block (e.g. service-worker requests). Must be empty:
   * anything listed here may have gone to the network.
   */
  unanswered(): string[];
}

/**
 * Failure texts of requests Chromium refused before any network activity. For CSP
 * and mixed content, Playwright reports CDP's `blockedReason` (e.g. `csp`).
 */
const BLOCKED_BEFORE_SENDING = new Set([
  'csp',
  'mixed-content',
  'inspector',
  'subresource-filter',
  'net::ERR_BLOCKED_BY_CSP',
  'net::ERR_BLOCKED_BY_CLIENT',
  'net::ERR_BLOCKED_BY_ADMINISTRATOR',
]);

const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function runMarker(url: string): string {
  return `(window.__trackerRuns = window.__trackerRuns || []).push(${JSON.stringify(url)});`;
}

function firstMatch<T>(table: Record<string, T> | undefined, url: string): T | undefined {
  if (!table) return undefined;
  for (const key of Object.keys(table)) if (url.includes(key)) return table[key];
  return undefined;
}

function safeFrameUrl(request: Request): string {
  try {
    const frame = request.frame();
    // A (sub)frame navigation is made on behalf of the parent document.
    if (request.isNavigationRequest()) return frame.parentFrame()?.url() ?? frame.url();
    return frame.url();
  } catch {
    return ''; // service-worker requests have no frame
  }
}

/**
 * Intercepts every http(s) request (and WebSocket) to a non-local host in the whole
 * browser context (so popups and iframes are covered), answers it inside the browser
 * and records it. Responses: scripts record their execution in `window.__trackerRuns`
 * (optionally followed by a custom body), images get a 1×1 GIF, documents a tiny HTML
 * page that records its load in the frame, stylesheets empty CSS, everything else
 * (fetch, xhr, sendBeacon, pings, …) a 204 with permissive CORS headers.
 */
export async function recordThirdParty(
  target: Page | BrowserContext,
  opts: RecordOptions = {},
): Promise<ThirdPartyRecorder> {
  const context: BrowserContext = 'newPage' in target ? target : target.context();
  const requests: ThirdPartyRequest[] = [];
  const answered = new WeakSet<Request>();
  const seen: Request[] = [];
  const blocked: ThirdPartyRecorder['blocked'] = [];
  const blockedSet = new WeakSet<Request>();
  const waiters = new Set<{ predicate: (r: ThirdPartyRequest) => boolean; done: (r: ThirdPartyRequest) => void }>();

  const hostOf = (url: string): string | null => {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'ws:' && u.protocol !== 'wss:') return null;
      return u.hostname;
    } catch {
      return null;
    }
  };

  const push = (entry: ThirdPartyRequest): void => {
    requests.push(entry);
    for (const w of [...waiters]) {
      if (w.predicate(entry)) {
        waiters.delete(w);
        w.done(entry);
      }
    }
  };

  context.on('request', (request) => {
    const host = hostOf(request.url());
    if (host !== null && !isLocalHost(host)) seen.push(request);
  });
  context.on('requestfailed', (request) => {
    const host = hostOf(request.url());
    const errorText = request.failure()?.errorText ?? '';
    if (host !== null && !isLocalHost(host) && !answered.has(request) && BLOCKED_BEFORE_SENDING.has(errorText)) {
      blockedSet.add(request);
      blocked.push({ url: request.url(), resourceType: request.resourceType(), errorText });
    }
  });

  await context.route('**/*', async (route: Route, request: Request) => {
    const url = request.url();
    const host = hostOf(url);
    if (host === null || isLocalHost(host)) {
      await route.fallback();
      return;
    }
    const resourceType = request.resourceType();
    // headers(), not allHeaders(): raw headers never arrive for a fulfilled request.
    const headers = request.headers();
    push({
      url,
      host,
      resourceType,
      method: request.method(),
      frameUrl: safeFrameUrl(request),
      time: Date.now(),
      headers,
      postData: request.postData(),
    });

    const responseHeaders: Record<string, string> = { 'cache-control': 'no-store' };
    const origin = headers['origin'];
    if (origin) {
      responseHeaders['access-control-allow-origin'] = origin;
      responseHeaders['access-control-allow-credentials'] = 'true';
    } else {
      responseHeaders['access-control-allow-origin'] = '*';
    }
    const cookies = firstMatch(opts.setCookies, url);
    if (cookies !== undefined) {
      // Playwright splits set-cookie on newlines into separate headers.
      responseHeaders['set-cookie'] = Array.isArray(cookies) ? cookies.join('\n') : cookies;
    }

    answered.add(request);
    if (request.method() === 'OPTIONS') {
      responseHeaders['access-control-allow-methods'] = 'GET, POST, PUT, DELETE, OPTIONS';
      responseHeaders['access-control-allow-headers'] = headers['access-control-request-headers'] ?? '*';
      await route.fulfill({ status: 204, headers: responseHeaders });
      return;
    }
    switch (resourceType) {
      case 'script': {
        const custom = firstMatch(opts.scripts, url);
        const body = runMarker(url) + (custom === undefined ? '' : '\n' + custom);
        await route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', headers: responseHeaders, body });
        return;
      }
      case 'image':
        await route.fulfill({ status: 200, contentType: 'image/gif', headers: responseHeaders, body: GIF_1X1 });
        return;
      case 'document': {
        const body =
          '<!doctype html><html><head><title>third-party frame</title></head><body>' +
          `<script>${runMarker(url)}</script></body></html>`;
        await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: responseHeaders, body });
        return;
      }
      case 'stylesheet':
        await route.fulfill({ status: 200, contentType: 'text/css', headers: responseHeaders, body: '' });
        return;
      default:
        await route.fulfill({ status: 204, headers: responseHeaders });
    }
  });

  // WebSockets (e.g. Hotjar) are not covered by route(): record them and close them.
  await context.routeWebSocket(
    (u: URL) => !isLocalHost(u.hostname),
    (ws) => {
      const url = ws.url();
      push({
        url,
        host: new URL(url).hostname,
        resourceType: 'websocket',
        method: 'GET',
        frameUrl: '',
        time: Date.now(),
        headers: {},
        postData: null,
      });
      void ws.close({ code: 1000, reason: 'consentgate test harness' }).catch(() => undefined);
    },
  );

  return {
    requests,
    blocked,
    hosts: () => [...new Set(requests.map((r) => r.host))].sort(),
    waitFor(predicate, timeoutMs = 5_000) {
      const already = requests.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise<ThirdPartyRequest>((ok, fail) => {
        const waiter = {
          predicate,
          done: (r: ThirdPartyRequest) => {
            clearTimeout(timer);
            ok(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          fail(new Error(`no matching third-party request within ${timeoutMs} ms; saw: ${requests.map((r) => r.url).join(', ') || 'none'}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    unanswered: () => seen.filter((r) => !answered.has(r) && !blockedSet.has(r)).map((r) => r.url()),
  };
}

/** Executions of fake third-party scripts in the page's main frame. */
export function trackerRuns(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__trackerRuns ?? []);
}

// ---------------------------------------------------------------------------
// Cookies
// ---------------------------------------------------------------------------

function domainMatches(host: string, cookieDomain: string): boolean {
  const d = cookieDomain.replace(/^\./, '').toLowerCase();
  const h = host.toLowerCase();
  return h === d || h.endsWith('.' + d);
}

/**
 * All cookies visible to documents at `url`'s host (host-only cookies of that host
 * and domain cookies of its parents), whatever their path, sorted by name.
 */
export async function cookiesOf(context: BrowserContext, url: string): Promise<Cookie[]> {
  const host = new URL(url).hostname;
  const all = await context.cookies();
  return all.filter((c) => domainMatches(host, c.domain)).sort((a, b) => a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------------------
// withPage
// ---------------------------------------------------------------------------

let browserPromise: Promise<Browser> | undefined;

/** The browser shared by the current test file (launched on first use). */
export function sharedBrowser(): Promise<Browser> {
  if (!browserPromise) {
    const launching = launchChromium();
    browserPromise = launching;
    launching.catch(() => {
      if (browserPromise === launching) browserPromise = undefined;
    });
  }
  return browserPromise;
}

/** Closes the shared browser, if any. Registered as `afterAll` for every test file. */
export async function closeSharedBrowser(): Promise<void> {
  const pending = browserPromise;
  browserPromise = undefined;
  if (!pending) return;
  const browser = await pending.catch(() => undefined);
  await browser?.close();
}

// Each test file imports this module afresh (vitest isolates files), so this hook
// closes that file's browser when the file finishes, whatever happened in the tests.
afterAll(closeSharedBrowser);

export interface WithPageOptions {
  viewport?: { width: number; height: number };
  /** Sent with every request, third-party ones included (e.g. `{ DNT: '1' }`). */
  extraHTTPHeaders?: Record<string, string>;
  /** Sends `DNT: 1` and makes `navigator.doNotTrack` return `'1'`. */
  dnt?: boolean;
  /** Sends `Sec-GPC: 1` and makes `navigator.globalPrivacyControl` return `true`. */
  gpc?: boolean;
  /** Script source run in every frame before any page script. */
  initScript?: string;
  /** Options for the third-party recorder (custom script bodies, cookies). */
  thirdParty?: RecordOptions;
  /** Any other context options (locale, timezoneId, …); wins over the above. */
  contextOptions?: BrowserContextOptions;
}

export interface PageEnv {
  page: Page;
  context: BrowserContext;
  server: TestServer;
  /** Alias of `recorder.requests`. */
  requests: ThirdPartyRequest[];
  recorder: ThirdPartyRecorder;
  browser: Browser;
}

/**
 * Runs `fn` with a fresh context + page on the file's shared browser and a fresh
 * local server, with every third-party request recorded and answered locally.
 * The context and server are closed afterwards, even when `fn` throws.
 */
export async function withPage<T>(fn: (env: PageEnv) => Promise<T>, opts: WithPageOptions = {}): Promise<T> {
  const browser = await sharedBrowser();
  const server = await startServer();
  const headers: Record<string, string> = { ...opts.extraHTTPHeaders };
  if (opts.dnt) headers['DNT'] = '1';
  if (opts.gpc) headers['Sec-GPC'] = '1';
  let context: BrowserContext | undefined;
  try {
    context = await browser.newContext({
      viewport: opts.viewport ?? { width: 1280, height: 800 },
      extraHTTPHeaders: headers,
      // Service-worker fetches would bypass route(); keep them out.
      serviceWorkers: 'block',
      ...opts.contextOptions,
    });
    const signals: string[] = [];
    if (opts.dnt) {
      signals.push("Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true });");
    }
    if (opts.gpc) {
      signals.push(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });",
      );
    }
    if (signals.length) await context.addInitScript({ content: signals.join('\n') });
    if (opts.initScript) await context.addInitScript({ content: opts.initScript });
    const recorder = await recordThirdParty(context, opts.thirdParty);
    const page = await context.newPage();
    return await fn({ page, context, server, requests: recorder.requests, recorder, browser });
  } finally {
    await context?.close().catch(() => undefined);
    await server.close();
  }
}
