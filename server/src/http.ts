import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { CONSENT_ID } from '../../src/consent/record';
import { receiptKey } from '../../src/receipts/receipt';
import { clientAddress, rateKey } from './client-ip';
import { DEFAULTS } from './config';
import { csvHeader, csvRow } from './csv';
import { dailyCap } from './daily-cap';
import { dayRange } from './dates';
import { healthCheck } from './health';
import { limitedLog } from './log';
import { rateLimiter } from './rate-limit';
import type { ReceiptStore, StoredReceipt } from './store';
import { parseReceipt } from './validate';

export interface HttpOptions {
  /** Site origins allowed to send receipts, exactly as browsers send `Origin` (`https://site.example`). */
  origins: readonly string[];
  /** Bearer token of the read side; none: the read endpoints answer 404. */
  readToken?: string | null;
  /** Largest receipt body accepted, in bytes. @default 16384 */
  maxBody?: number;
  /**
   * Receipts a minute per client address (an IPv6 /64) and per consent ID; past them, 429 with
   * Retry-After (the SDK retries later). 0: no limit. @default { perIp: 120, perConsentId: 10 }
   */
  rateLimits?: { perIp?: number; perConsentId?: number };
  /** Proxies in front whose X-Forwarded-For hop is trusted (see client-ip.ts). @default 0 */
  trustProxy?: number;
  /**
   * Most bytes of receipts stored per UTC day (0: none), and what the database held for today at
   * start (`store.bytesSince(midnight)`); past it, 503 until the next day (see daily-cap.ts).
   * @default { bytes: 2048 MB, storedToday: 0 }
   */
  dailyCap?: { bytes: number; storedToday?: number };
  /** The clock (tests). @default Date.now */
  now?: () => number;
  /** Where to report storage failures (at most one line a minute per kind, see log.ts). @default console.error */
  log?: (message: string) => void;
}

/**
 * The acknowledgement contract with the SDK's queue (src/receipts/queue.ts):
 *   2xx → stored (now or before), removed from the queue;
 *   400, 409, 413, 415 → refused for good, dropped (resending the same bytes cannot succeed);
 *   anything else (403, 429, 5xx, network error, timeout) → kept and retried later.
 * So a storage failure must answer 503 (retry), never 400, and a malformed request never 5xx.
 * A receipt whose key holds another content is kept as a conflict and answered 202: the SDK may
 * forget it, it is stored. (This collector never answers 409.)
 */
const STATUS_OF = { stored: 201, duplicate: 200, conflict: 202 } as const;

const JSON_TYPE = 'application/json';
const ACCEPTED_TYPES = ['text/plain', 'application/json'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(String(body.error ?? status));
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { ...headers, 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

/** The same secret, compared in constant time (hashes first: timingSafeEqual needs equal lengths). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether a request still has body bytes nobody read. */
const hasBody = (req: IncomingMessage): boolean => !req.complete && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);

/**
 * The body, up to `limit` bytes. Past it: a 413 at once, without reading (let alone keeping) the
 * rest. Content-Length is checked first, so an honest oversized request is refused unread.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, { error: `body too large: the limit is ${limit} bytes` });
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Writes a chunk, waiting while the client is slower than the store (backpressure). */
function write(res: ServerResponse, chunk: string): Promise<void> | void {
  if (res.write(chunk)) return;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export interface Collector {
  server: Server;
  /** Stops accepting connections, lets in-flight requests finish (at most `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

/** The collector's HTTP side over a store. Listening is the caller's (`server.listen`). */
export function createCollector(store: ReceiptStore, options: HttpOptions): Collector {
  const origins = new Set(options.origins);
  const maxBody = options.maxBody ?? DEFAULTS.maxBody;
  const trustProxy = options.trustProxy ?? DEFAULTS.trustProxy;
  const perIp = rateLimiter(options.rateLimits?.perIp ?? DEFAULTS.perIpPerMinute);
  const perConsentId = rateLimiter(options.rateLimits?.perConsentId ?? DEFAULTS.perConsentIdPerMinute);
  let proxyUntrusted = false;
  const readToken = options.readToken || null;
  const log = limitedLog(options.log ?? ((message: string) => console.error(`[consentgate-collector] ${message}`)));
  const now = options.now ?? Date.now;
  const health = healthCheck(store, { log, now });
  const cap = dailyCap(options.dailyCap?.bytes ?? DEFAULTS.dailyCapMb * 1_000_000, options.dailyCap?.storedToday ?? 0, { now, log });
  let closing = false;

  /** CORS for the configured site origins only; a foreign origin gets no Allow-Origin. */
  function cors(req: IncomingMessage): { origin: string | null; headers: OutgoingHttpHeaders } {
    const origin = req.headers.origin ?? null;
    const allowed = origin !== null && origins.has(origin);
    return { origin: allowed ? origin : null, headers: allowed ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' } };
  }

  /**
   * A browser sends a cross-site text/plain POST without asking first (a CORS "simple request"), so
   * CORS alone keeps no foreign page out: this check does, and nothing from another origin is stored.
   */
  function checkOrigin(req: IncomingMessage): string {
    const origin = req.headers.origin;
    if (origin === undefined) throw new HttpError(403, { error: 'origin not allowed: the request has no Origin header (receipts come from browsers on the configured sites)' });
    if (!origins.has(origin)) throw new HttpError(403, { error: `origin not allowed: ${origin}` });
    return origin;
  }

  const tooMany = (what: string, seconds: number, headers: OutgoingHttpHeaders) =>
    new HttpError(429, { error: `too many receipts ${what}: retry in ${seconds} s` }, { ...headers, 'Retry-After': String(seconds) });

  /** Every POST from an address costs it a token, before its body is read. */
  function limitAddress(req: IncomingMessage, headers: OutgoingHttpHeaders): void {
    if (!trustProxy && !proxyUntrusted && req.headers['x-forwarded-for'] !== undefined) {
      proxyUntrusted = true;
      log('proxy', 'requests carry X-Forwarded-For but --trust-proxy is 0: if a proxy is in front, every client counts as its address for the rate limit');
    }
    const wait = perIp.take(rateKey(clientAddress(req, trustProxy)));
    if (wait) throw tooMany('from this address', wait, headers);
  }

  async function postReceipt(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { headers } = cors(req);
    const origin = checkOrigin(req);
    limitAddress(req, headers);
    // sendBeacon with a string sends text/plain;charset=UTF-8 (no preflight); fetch may send JSON.
    const [type, ...params] = (req.headers['content-type'] ?? '').split(';').map((s) => s.trim().toLowerCase());
    if (!type || !ACCEPTED_TYPES.includes(type))
      throw new HttpError(415, { error: `unsupported Content-Type ${type ? `"${type}"` : '(none)'}: send the receipt as text/plain or application/json` }, headers);
    const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
    if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii')
      throw new HttpError(415, { error: `unsupported charset "${charset}": send the receipt as UTF-8` }, headers);
    let body: Buffer;
    try {
      body = await readBody(req, maxBody);
    } catch (error) {
      if (error instanceof HttpError) throw new HttpError(error.status, error.body, headers);
      throw error;
    }
    const parsed = parseReceipt(body);
    if (!parsed.ok) throw new HttpError(400, parsed.problems ? { error: parsed.error, problems: parsed.problems } : { error: parsed.error }, headers);
    // A browser sets Origin to the page that sends: a receipt naming a page of another site is forged.
    if (new URL(parsed.receipt.page).origin !== origin)
      throw new HttpError(400, { error: `page ${parsed.receipt.page} is not on the sending origin ${origin}` }, headers);
    // Resends count too: a consent ID makes a few receipts a page view, not dozens.
    const wait = perConsentId.take(parsed.receipt.consentId);
    if (wait) throw tooMany('for this consent ID', wait, headers);
    const size = Buffer.byteLength(parsed.canonical);
    const untilTomorrow = cap.refuses(size);
    if (untilTomorrow) throw new HttpError(503, { error: 'daily storage cap reached: retry after 00:00 UTC' }, { ...headers, 'Retry-After': String(untilTomorrow) });
    const key = receiptKey(parsed.receipt);
    let result;
    try {
      result = await store.put({ receipt: parsed.receipt, canonical: parsed.canonical, origin, receivedAt: new Date(now()).toISOString() });
    } catch (error) {
      health.stored(false);
      log('storing failed', `storing ${key} failed: ${(error as Error).message}`);
      throw new HttpError(503, { error: 'storage unavailable: retry later' }, { ...headers, 'Retry-After': '5' });
    }
    health.stored(true);
    // A duplicate adds no row. A conflict adds one the first time; its resends count again (on the safe side).
    if (result.status !== 'duplicate') cap.stored(size);
    const status = STATUS_OF[result.status];
    send(
      res,
      status,
      result.status === 'conflict'
        ? { status: 'conflict', key, note: 'another receipt is stored under this consent ID and seq: this one is kept beside it, marked as a conflict' }
        : { status: result.status, key },
      headers,
    );
  }

  function preflight(req: IncomingMessage, res: ServerResponse): void {
    const { origin, headers } = cors(req);
    if (!origin) checkOrigin(req); // throws the 403
    res.writeHead(204, {
      ...headers,
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '86400',
    });
    res.end();
  }

  /** The read side: only with the configured bearer token. */
  function authorize(req: IncomingMessage): void {
    if (!readToken) throw new HttpError(404, { error: 'read side disabled: start with --read-token' });
    const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    const challenge = { 'WWW-Authenticate': 'Bearer realm="consentgate-collector"' };
    if (!match) throw new HttpError(401, { error: 'missing Authorization: Bearer <read token>' }, challenge);
    if (!sameSecret(match[1]!, readToken)) throw new HttpError(401, { error: 'wrong read token' }, challenge);
  }

  const entry = ({ receipt, origin, receivedAt, conflict }: StoredReceipt) => ({ receivedAt, origin, conflict, receipt });

  async function lookup(res: ServerResponse, consentId: string): Promise<void> {
    if (!CONSENT_ID.test(consentId)) throw new HttpError(400, { error: `expected a consent ID (UUID v4, lower case), got "${consentId}"` });
    const receipts = await store.lookup(consentId);
    if (!receipts.length) throw new HttpError(404, { error: `no receipts for consent ID ${consentId}` });
    send(res, 200, { consentId, receipts: receipts.map(entry) });
  }

  async function exportRange(res: ServerResponse, query: URLSearchParams): Promise<void> {
    const format = query.get('format') ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new HttpError(400, { error: `format: expected csv or json, got "${format}"` });
    const range = dayRange(query.get('from'), query.get('to'));
    if (typeof range === 'string') throw new HttpError(400, { error: range });
    const rows = store.range(range)[Symbol.asyncIterator]();
    // The first page before the headers: a store that is down still gets a clean 503.
    let next = await rows.next();
    const name = `consentgate-receipts-${query.get('from')}-${query.get('to')}.${format}`;
    res.writeHead(200, {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8; header=present' : JSON_TYPE,
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
    try {
      await write(res, format === 'csv' ? csvHeader() : '[');
      let first = true;
      while (!next.done && !res.destroyed) {
        await write(res, format === 'csv' ? csvRow(next.value) : (first ? '\n' : ',\n') + JSON.stringify(entry(next.value)));
        first = false;
        next = await rows.next();
      }
      res.end(format === 'csv' ? '' : first ? ']\n' : '\n]\n');
    } catch (error) {
      // Headers are gone: cut the chunked transfer so the client sees a truncated file, not a complete one.
      log('export failed', `export failed midway: ${(error as Error).message}`);
      res.destroy(error as Error);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Node passes on any request target without spaces: `//[` or `http://x:99999/` is no URL.
    const target = req.url ?? '/';
    if (!URL.canParse(target, 'http://collector.invalid')) throw new HttpError(400, { error: `bad request target: ${target}` });
    const url = new URL(target, 'http://collector.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const only = (allowed: string[]) => {
      if (!allowed.includes(method)) throw new HttpError(405, { error: `method ${method} not allowed on ${path}: use ${allowed.join(' or ')}` }, { Allow: allowed.join(', ') });
    };
    if (path === '/receipts') {
      only(['POST', 'OPTIONS']);
      return method === 'OPTIONS' ? preflight(req, res) : postReceipt(req, res);
    }
    if (path === '/health') {
      only(['GET']);
      const problem = await health.problem();
      return send(res, problem ? 503 : 200, problem ? { ok: false, engine: store.engine, error: problem } : { ok: true, engine: store.engine });
    }
    const reads = { '/export': 'export', '/stats': 'stats', '/retention': 'retention' } as const;
    const read = path.startsWith('/receipts/') ? 'lookup' : Object.hasOwn(reads, path) ? reads[path as keyof typeof reads] : null;
    if (!read) throw new HttpError(404, { error: `not found: ${path}` });
    only(['GET']);
    authorize(req);
    // Decoded before the store is asked: a URIError here is the client's, not a storage failure.
    let consentId = '';
    if (read === 'lookup') {
      try {
        consentId = decodeURIComponent(path.slice('/receipts/'.length));
      } catch {
        throw new HttpError(400, { error: `bad percent-encoding in the path: ${path}` });
      }
    }
    try {
      if (read === 'lookup') return await lookup(res, consentId);
      if (read === 'export') return await exportRange(res, url.searchParams);
      if (read === 'retention') return send(res, 200, await store.retentionRuns());
      const range = dayRange(url.searchParams.get('from'), url.searchParams.get('to'));
      if (typeof range === 'string') throw new HttpError(400, { error: range });
      send(res, 200, await store.stats(range));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      log(`${read} failed`, `${read} failed: ${(error as Error).message}`);
      throw new HttpError(503, { error: 'storage unavailable: retry later' }, { 'Retry-After': '5' });
    }
  }

  const server = createServer((req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      const known = error instanceof HttpError ? error : null;
      if (!known) log('unexpected error', `unexpected error on ${req.method} ${req.url}: ${(error as Error)?.stack ?? error}`);
      // A refused request whose body was not read: close the connection rather than read the rest.
      if (hasBody(req)) res.setHeader('Connection', 'close');
      send(res, known?.status ?? 500, known?.body ?? { error: 'internal error' }, known?.headers);
      if (hasBody(req)) res.on('finish', () => setTimeout(() => req.socket.destroy(), 1_000).unref());
    });
  });
  // Slow clients: a whole request (headers and a body of at most maxBody) within 15 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;

  return {
    server,
    close(graceMs = 10_000) {
      closing = true;
      return new Promise<void>((resolve) => {
        // Keep-alive connections close as soon as they have no request in flight; past the grace, all.
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(force);
          log.flush();
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
