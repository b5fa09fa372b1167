import { request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { receiptKey } from '../../src/receipts/receipt';
import type { ConsentReceipt } from '../../src/types';
import { createCollector, type Collector } from '../src/http';
import { canonicalJson } from '../src/validate';
import type { ReceiptStore } from '../src/store';
import { ENGINES, testDatabase, type TestDatabase } from './_util/engines';
import { makeReceipt, SITE } from './_util/receipts';

const TOKEN = 'read-token-for-tests';
const OTHER_SITE = 'https://shop.example:8443';

describe.each(ENGINES)('collector over HTTP (%s)', (engine) => {
  let database: TestDatabase;
  let store: ReceiptStore;
  let collector: Collector;
  let base: string;

  beforeAll(async () => {
    database = await testDatabase(engine);
    store = await database.open();
    await store.migrate();
    // No rate limits here (every request comes from 127.0.0.1): their own tests are below.
    collector = createCollector(store, { origins: [SITE, OTHER_SITE], readToken: TOKEN, maxBody: 16_384, rateLimits: { perIp: 0, perConsentId: 0 }, log: () => undefined });
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await collector?.close(1_000);
    await database?.dispose();
  });

  const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
    fetch(`${base}/receipts`, { method: 'POST', body, headers: { Origin: SITE, 'Content-Type': 'text/plain;charset=UTF-8', ...headers } });
  const send = (receipt: unknown, headers: Record<string, string> = {}) => post(JSON.stringify(receipt), headers);
  const read = (path: string, token: string | null = TOKEN) => fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  /** Every refused request in this block must leave the table as it was. */
  describe('bad input: a clear error, nothing stored', () => {
    let before: number;
    beforeEach(async () => {
      before = await database.count();
      return async () => expect(await database.count()).toBe(before);
    });

    const expectError = async (response: Response, status: number, error: string | RegExp) => {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/json');
      const body = await response.json();
      if (typeof error === 'string') expect(body.error).toBe(error);
      else expect(body.error).toMatch(error);
      return body;
    };

    it('malformed JSON: 400 with the parser message', async () => {
      await expectError(await post('{"v":1,'), 400, /^malformed JSON: .+/);
      await expectError(await post(''), 400, /^malformed JSON: Unexpected end of JSON input/);
      await expectError(await post(new Uint8Array([0x7b, 0xff, 0x7d])), 400, 'body is not valid UTF-8');
    });

    it('wrong types, missing fields, unknown keys: 400 listing every problem by path', async () => {
      const receipt = makeReceipt();
      const broken = {
        ...receipt,
        seq: '1',
        signals: { ...receipt.signals, doNotTrack: { ...receipt.signals.doNotTrack, honored: 'no' } },
        tracking: true,
      } as Record<string, unknown>;
      delete broken.policyVersion;
      const body = await expectError(await send(broken), 400, 'invalid receipt');
      expect(body.problems).toEqual(
        expect.arrayContaining([
          { path: 'seq', message: 'expected an integer from 1 to 1000000000' },
          { path: 'signals.doNotTrack.honored', message: 'expected true or false' },
          { path: 'policyVersion', message: 'missing; expected a policy version of 1 to 100 characters' },
          { path: 'tracking', message: 'unknown key' },
        ]),
      );
      expect(body.problems).toHaveLength(4);
      for (const value of [null, [], 'receipt', 42]) await expectError(await send(value), 400, 'invalid receipt');
      const impossible = await expectError(await send({ ...receipt, decidedAt: '2026-02-30T10:00:00.000Z' }), 400, 'invalid receipt');
      expect(impossible.problems).toEqual([{ path: 'decidedAt', message: 'expected a real date and time; this one does not exist' }]);
    });

    it('keys only Object.prototype knows, and nesting no receipt has: 400, never 500', async () => {
      const text = JSON.stringify(makeReceipt()).slice(0, -1);
      const inherited = await expectError(await post(`${text},"constructor":{"name":"x"},"__proto__":{"admin":true}}`), 400, 'invalid receipt');
      expect(inherited.problems).toEqual([
        { path: 'constructor', message: 'unknown key' },
        { path: '__proto__', message: 'unknown key' },
      ]);
      const deep = await expectError(await post(`${text},"constructor":${'['.repeat(7000)}${']'.repeat(7000)}}`), 400, 'invalid receipt');
      expect(deep.problems).toEqual([{ path: 'constructor', message: 'nested deeper than a receipt can be (at most 8 levels)' }]);
    });

    it('text or times PostgreSQL refuses (NUL, an unpaired surrogate, year 0): 400 on either engine, not 503', async () => {
      const receipt = makeReceipt();
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ policyVersion: '2024\u000006' }, 'policyVersion', 'expected text without NUL (\\u0000) or unpaired surrogates: no database stores it as sent'],
        [{ signals: { ...receipt.signals, doNotTrack: { ...receipt.signals.doNotTrack, reason: 'no\u0000' } } }, 'signals.doNotTrack.reason', 'expected text without NUL (\\u0000) or unpaired surrogates: no database stores it as sent'],
        [{ policyVersion: 'v\ud800' }, 'policyVersion', 'expected text without NUL (\\u0000) or unpaired surrogates: no database stores it as sent'],
        [{ decidedAt: '0000-01-01T00:00:00.000Z' }, 'decidedAt', 'expected a real date and time; this one does not exist'],
      ];
      for (const [change, path, message] of cases) {
        const body = await expectError(await send({ ...receipt, ...change }), 400, 'invalid receipt');
        expect(body.problems, path).toEqual([{ path, message }]);
      }
    });

    it('at 50 poison receipts a second among 1,000 good ones, every good one is stored (no 503)', async () => {
      const statuses = { good: new Map<number, number>(), poison: new Map<number, number>() };
      const tally = (map: Map<number, number>, status: number) => map.set(status, (map.get(status) ?? 0) + 1);
      const requests: Promise<void>[] = [];
      // One second: every 20 ms, 20 good receipts and one poison (alternately a NUL and year 0).
      for (let tick = 0; tick < 50; tick++) {
        for (let i = 0; i < 20; i++) requests.push(send(makeReceipt()).then((r) => void tally(statuses.good, r.status)));
        const poison = tick % 2 ? { policyVersion: 'v\u0000' } : { decidedAt: '0000-01-01T00:00:00.000Z' };
        requests.push(send({ ...makeReceipt(), ...poison }).then((r) => void tally(statuses.poison, r.status)));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await Promise.all(requests);
      expect(Object.fromEntries(statuses.good)).toEqual({ 201: 1000 });
      expect(Object.fromEntries(statuses.poison)).toEqual({ 400: 50 });
      before += 1000;
    });

    it('oversized body: 413, by Content-Length or while reading', async () => {
      const receipt = makeReceipt();
      const huge = JSON.stringify({ ...receipt, page: `${SITE}/${'a'.repeat(20_000)}` });
      await expectError(await post(huge), 413, 'body too large: the limit is 16384 bytes');
      // Chunked, no Content-Length: cut off once past the limit.
      const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${base}/receipts`, { method: 'POST', headers: { Origin: SITE, 'Content-Type': 'text/plain' } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.write(huge.slice(0, 10_000));
        setTimeout(() => req.end(huge.slice(10_000)), 20);
      });
      expect(chunked.status).toBe(413);
      expect(JSON.parse(chunked.body).error).toBe('body too large: the limit is 16384 bytes');
    });

    it('wrong content type: 415', async () => {
      const receipt = JSON.stringify(makeReceipt());
      await expectError(await post(receipt, { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, /^unsupported Content-Type "application\/x-www-form-urlencoded"/);
      await expectError(await post(receipt, { 'Content-Type': 'text/plain; charset=ISO-8859-1' }), 415, 'unsupported charset "iso-8859-1": send the receipt as UTF-8');
      // A Blob without a type: fetch sends no Content-Type at all.
      const none = await fetch(`${base}/receipts`, { method: 'POST', body: new Blob([receipt]), headers: { Origin: SITE } });
      await expectError(none, 415, 'unsupported Content-Type (none): send the receipt as text/plain or application/json');
    });

    it('foreign or missing origin: 403, no CORS headers', async () => {
      const receipt = JSON.stringify(makeReceipt());
      const foreign = await post(receipt, { Origin: 'https://evil.example' });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      await expectError(foreign, 403, 'origin not allowed: https://evil.example');
      await expectError(await post(receipt, { Origin: `${SITE}/` }), 403, `origin not allowed: ${SITE}/`);
      await expectError(await post(receipt, { Origin: 'null' }), 403, 'origin not allowed: null');
      const missing = await fetch(`${base}/receipts`, { method: 'POST', body: receipt, headers: { 'Content-Type': 'text/plain' } });
      await expectError(missing, 403, /^origin not allowed: the request has no Origin header/);
    });

    it('a receipt naming a page of another site than its Origin: 400 (forged)', async () => {
      const forged = makeReceipt({}, { page: 'https://other-clinic.example/pricing' });
      await expectError(await send(forged), 400, `page https://other-clinic.example/pricing is not on the sending origin ${SITE}`);
    });

    it('a page that is no URL, a bad percent-encoding, a request target that is no URL: 400, never 5xx', async () => {
      const receipt = makeReceipt();
      const body = await expectError(await send({ ...receipt, page: 'https://[' }), 400, 'invalid receipt');
      expect(body.problems).toEqual([{ path: 'page', message: 'expected a URL a browser could have sent; this one does not parse' }]);
      await expectError(await read('/receipts/%E0%A4%A'), 400, 'bad percent-encoding in the path: /receipts/%E0%A4%A');
      // What fetch would never send, written on the socket: a request target that is not a URL.
      for (const target of ['//[', 'http://x:99999/']) {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(new URL(base).port), '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`));
          let text = '';
          socket.on('data', (chunk) => (text += chunk));
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
        });
        expect(answer.split('\r\n')[0], target).toBe('HTTP/1.1 400 Bad Request');
        expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error).toBe(`bad request target: ${target}`);
      }
    });

    it('wrong method: 405 with Allow', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const response = await fetch(`${base}/receipts`, { method, headers: { Origin: SITE } });
        expect(response.headers.get('allow')).toBe('POST, OPTIONS');
        await expectError(response, 405, `method ${method} not allowed on /receipts: use POST or OPTIONS`);
      }
      const response = await fetch(`${base}/export?from=2026-01-01&to=2026-01-02`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(response.headers.get('allow')).toBe('GET');
      await expectError(response, 405, /^method POST not allowed on \/export/);
    });

    it('unknown paths: 404', async () => {
      await expectError(await fetch(`${base}/`), 404, 'not found: /');
    });
  });

  it('stores a receipt (201), and the same one again is a duplicate (200), one row', async () => {
    const receipt = makeReceipt();
    const before = await database.count();
    const first = await send(receipt);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ status: 'stored', key: receiptKey(receipt) });
    // The same receipt, keys in another order and as application/json: still a duplicate.
    const again = await post(JSON.stringify(Object.fromEntries(Object.entries(receipt).reverse()), null, 2), { 'Content-Type': 'application/json' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate', key: receiptKey(receipt) });
    expect(await database.count()).toBe(before + 1);
    const rows = await database.sql(`SELECT consent_id, seq, decision, method, policy_version, origin, receipt FROM receipts WHERE consent_id = '${receipt.consentId}'`);
    expect(rows).toEqual([
      {
        consent_id: receipt.consentId,
        seq: 2,
        decision: receipt.decision,
        method: 'preferences',
        policy_version: '2024-06',
        origin: SITE,
        // The evidence: the canonical JSON (keys sorted), whatever order the sender used.
        receipt: canonicalJson(receipt),
      },
    ]);
    // No personal data beyond the receipt: no IP or user agent column.
    const columns = engine === 'sqlite' ? (await database.sql(`SELECT name FROM pragma_table_info('receipts')`)).map((c) => c.name) : (await database.sql(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'receipts'`)).map((c) => c.name);
    expect([...columns].sort()).toEqual(['consent_id', 'decided_at', 'decision', 'id', 'method', 'origin', 'policy_version', 'receipt', 'received_at', 'seq']);
  });

  it('another sender claiming a seq first: the real receipt is kept beside it as a conflict (202), shown by lookup and export', async () => {
    // The forgery takes seq 2 first; the visitor's real seq 2 is a withdrawal.
    const first = makeReceipt({ seq: 1, updatedAt: '2023-04-05T10:00:00.000Z' });
    const id = first.consentId;
    const forged = makeReceipt({ id, seq: 2, updatedAt: '2023-04-05T11:00:00.000Z' }, { decision: 'accept-all', categories: { necessary: true, analytics: true, advertising: true } });
    const withdrawal = makeReceipt({ id, seq: 2, updatedAt: '2023-04-05T11:00:00.000Z', withdrawnAt: '2023-04-05T11:00:00.000Z' }, { decision: 'withdraw', method: 'opt-out-link', categories: { necessary: true, analytics: false, advertising: false } });
    expect((await send(first)).status).toBe(201);
    expect((await send(forged)).status).toBe(201);
    const before = await database.count();
    const answer = await send(withdrawal);
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({
      status: 'conflict',
      key: receiptKey(withdrawal),
      note: 'another receipt is stored under this consent ID and seq: this one is kept beside it, marked as a conflict',
    });
    // Sent again (the SDK's retry, a beacon): the same answer, still one conflict row.
    expect((await send(withdrawal)).status).toBe(202);
    expect(await database.count()).toBe(before);
    expect(await database.sql(`SELECT count(*) AS n FROM receipt_conflicts WHERE consent_id = '${id}'`)).toEqual([{ n: engine === 'sqlite' ? 1 : '1' }]);

    const lookup = await (await read(`/receipts/${id}`)).json();
    expect(lookup.receipts.map((r: { conflict: boolean; receipt: ConsentReceipt }) => [r.conflict, r.receipt])).toEqual([
      [false, first],
      [false, forged],
      [true, withdrawal],
    ]);
    const json = await (await read('/export?from=2023-04-05&to=2023-04-05&format=json')).json();
    expect(json.map((r: { conflict: boolean; receipt: ConsentReceipt }) => [r.conflict, r.receipt.decision])).toEqual([
      [false, first.decision],
      [false, 'accept-all'],
      [true, 'withdraw'],
    ]);
    const csv = (await (await read('/export?from=2023-04-05&to=2023-04-05')).text()).split('\r\n');
    expect(csv[0]!.endsWith(',origin,received_at,conflict')).toBe(true);
    expect(csv.slice(1, 4).map((line) => line.split(',').at(-1))).toEqual(['false', 'false', 'true']);
  });

  it('sends CORS headers to the configured origins only, and answers their preflight', async () => {
    const ok = await send(makeReceipt({}, { page: `${OTHER_SITE}/pricing` }), { Origin: OTHER_SITE });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe(OTHER_SITE);
    expect(ok.headers.get('vary')).toBe('Origin');
    const invalid = await send({}, { Origin: OTHER_SITE });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('access-control-allow-origin')).toBe(OTHER_SITE);

    const preflight = await fetch(`${base}/receipts`, { method: 'OPTIONS', headers: { Origin: SITE, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries([...preflight.headers].filter(([k]) => k.startsWith('access-control') || k === 'vary'))).toEqual({
      'access-control-allow-origin': SITE,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '86400',
      vary: 'Origin',
    });
    const foreign = await fetch(`${base}/receipts`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers /health without a token', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, engine });
  });

  describe('read side', () => {
    it('needs the bearer token (401 without or with a wrong one)', async () => {
      for (const path of ['/receipts/3f1c2b7a-9d4e-4a61-8f2b-5c6d7e8f9a0b', '/export?from=2026-01-01&to=2026-01-01', '/stats?from=2026-01-01&to=2026-01-01', '/retention']) {
        const none = await read(path, null);
        expect(none.status).toBe(401);
        expect(none.headers.get('www-authenticate')).toBe('Bearer realm="consentgate-collector"');
        expect((await none.json()).error).toBe('missing Authorization: Bearer <read token>');
        const wrong = await read(path, `${TOKEN}x`);
        expect(wrong.status).toBe(401);
        expect((await wrong.json()).error).toBe('wrong read token');
      }
    });

    it('is off (404) when no read token is configured', async () => {
      const closed = createCollector(store, { origins: [SITE], log: () => undefined });
      await new Promise<void>((resolve) => closed.server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(closed.server.address() as AddressInfo).port}`;
        const response = await fetch(`${url}/stats?from=2026-01-01&to=2026-01-01`, { headers: { Authorization: 'Bearer anything' } });
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ error: 'read side disabled: start with --read-token' });
        expect((await fetch(`${url}/health`)).status).toBe(200);
      } finally {
        await closed.close(100);
      }
    });

    it('looks up every receipt of a consent ID, by seq, with when it was received', async () => {
      const first = makeReceipt({ seq: 1, method: 'banner-accept-all', categories: { necessary: true, analytics: true, advertising: true }, services: {} });
      const second = makeReceipt({ id: first.consentId, seq: 2 });
      expect((await send(second)).status).toBe(201);
      expect((await send(first)).status).toBe(201);
      const response = await read(`/receipts/${first.consentId}`);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.consentId).toBe(first.consentId);
      expect(body.receipts.map((r: { receipt: ConsentReceipt }) => r.receipt)).toEqual([first, second]);
      expect(body.receipts.map((r: { origin: string }) => r.origin)).toEqual([SITE, SITE]);
      expect(Date.now() - Date.parse(body.receipts[0].receivedAt)).toBeLessThan(60_000);
      expect(first.decision).toBe('accept-all');

      const none = await read('/receipts/00000000-0000-4000-8000-000000000000');
      expect(none.status).toBe(404);
      expect((await none.json()).error).toBe('no receipts for consent ID 00000000-0000-4000-8000-000000000000');
      const bad = await read('/receipts/not-a-uuid');
      expect(bad.status).toBe(400);
    });

    it('lists the recorded retention runs', async () => {
      await store.purge(3650);
      const response = await read('/retention');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(await store.retentionRuns());
    });

    describe('export and stats of a date range', () => {
      const day = (d: string, time: string, extra: Partial<ConsentReceipt> = {}) => makeReceipt({ updatedAt: `2024-05-${d}T${time}Z` }, extra);
      const receipts = [
        day('10', '00:00:00.000', { decision: 'accept-all', policyVersion: '=HYPERLINK("https://evil.example","click")' }),
        day('10', '09:30:00.000', { decision: 'reject-all', policyVersion: '+1' }),
        day('11', '12:00:00.000', { decision: 'partial', policyVersion: '@SUM(A1:A9)' }),
        day('11', '23:59:59.999', { decision: 'partial', policyVersion: '-2+3' }),
        day('12', '08:00:00.000', { decision: 'withdraw', policyVersion: 'v "2", final' }),
        day('09', '23:59:59.999'),
        day('13', '00:00:00.000'),
      ];
      beforeAll(async () => {
        for (const receipt of receipts) expect((await send(receipt)).status).toBe(201);
      });

      it('exports CSV: header row, RFC 4180 quoting, formulas neutralized, both days inclusive', async () => {
        const response = await read('/export?from=2024-05-10&to=2024-05-12&format=csv');
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
        expect(response.headers.get('content-disposition')).toBe('attachment; filename="consentgate-receipts-2024-05-10-2024-05-12.csv"');
        const text = await response.text();
        const lines = text.split('\r\n');
        expect(lines.pop()).toBe('');
        expect(lines[0]).toBe(
          'consent_id,seq,decided_at,decision,method,policy_version,mode,given_at,withdrawn_at,categories,services,dnt_observed,dnt_honored,gpc_observed,gpc_honored,page,language,sdk_version,origin,received_at,conflict',
        );
        expect(lines).toHaveLength(6);
        expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(receipts.slice(0, 5).map((r) => r.consentId));
        const policy = lines.slice(1).map((l) => l.slice(l.indexOf('preferences,') + 'preferences,'.length, l.indexOf(',opt-in,')));
        expect(policy).toEqual([`"'=HYPERLINK(""https://evil.example"",""click"")"`, `'+1`, `'@SUM(A1:A9)`, `'-2+3`, `"v ""2"", final"`]);
        expect(lines[1]).toContain(`,"{""advertising"":false,""analytics"":true,""necessary"":true}","{""hotjar"":false}",1,false,true,true,${SITE}/pricing,en,`);
      });

      it('exports JSON as an array of what lookup gives', async () => {
        const response = await read('/export?from=2024-05-10&to=2024-05-12&format=json');
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/json');
        const body = await response.json();
        expect(body.map((r: { receipt: ConsentReceipt }) => r.receipt)).toEqual(receipts.slice(0, 5));
        expect(body.every((r: { origin: string; receivedAt: string }) => r.origin === SITE && !Number.isNaN(Date.parse(r.receivedAt)))).toBe(true);
        expect(await (await read('/export?from=2001-01-01&to=2001-01-02&format=json')).json()).toEqual([]);
      });

      it('counts per day and decision', async () => {
        const response = await read('/stats?from=2024-05-10&to=2024-05-12');
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual([
          { day: '2024-05-10', decision: 'accept-all', count: 1 },
          { day: '2024-05-10', decision: 'reject-all', count: 1 },
          { day: '2024-05-11', decision: 'partial', count: 2 },
          { day: '2024-05-12', decision: 'withdraw', count: 1 },
        ]);
      });

      it('refuses a wrong range or format with 400', async () => {
        const cases: Array<[string, string]> = [
          ['/export?from=2024-05-10', 'expected from and to, both dates like 2026-11-23 (UTC, inclusive)'],
          ['/export?from=2024-05-10&to=2024-02-30', 'to: expected a date like 2026-11-23, got "2024-02-30"'],
          ['/stats?from=10.05.2024&to=2024-05-12', 'from: expected a date like 2026-11-23, got "10.05.2024"'],
          ['/stats?from=2024-05-12&to=2024-05-10', 'to (2024-05-10) is before from (2024-05-12)'],
          ['/export?from=2024-05-10&to=2024-05-12&format=xlsx', 'format: expected csv or json, got "xlsx"'],
        ];
        for (const [path, error] of cases) {
          const response = await read(path);
          expect(response.status, path).toBe(400);
          expect((await response.json()).error).toBe(error);
        }
      });
    });
  });
});

describe('collector over HTTP: rate limits', () => {
  let database: TestDatabase;
  let collector: Collector;
  let base: string;
  const logged: string[] = [];
  beforeAll(async () => {
    database = await testDatabase('sqlite');
    const store = await database.open();
    await store.migrate();
    collector = createCollector(store, { origins: [SITE], rateLimits: { perIp: 5, perConsentId: 3 }, trustProxy: 1, log: (m) => logged.push(m) });
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await collector?.close(100);
    await database?.dispose();
  });
  /** As the trusted proxy would forward it: the client's address appended to X-Forwarded-For. */
  const from = (client: string, receipt: ConsentReceipt = makeReceipt(), forged?: string) =>
    fetch(`${base}/receipts`, {
      method: 'POST',
      body: JSON.stringify(receipt),
      headers: { Origin: SITE, 'Content-Type': 'text/plain', 'X-Forwarded-For': forged ? `${forged}, ${client}` : client },
    });

  it('per client address: a flood gets 429 with Retry-After, other clients are not slowed', async () => {
    const flood = [];
    // What the flooding client writes into X-Forwarded-For itself changes nothing: the proxy's hop counts.
    for (let i = 0; i < 8; i++) flood.push((await from('203.0.113.7', makeReceipt(), `198.51.100.${i}`)).status);
    expect(flood).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    const refused = await from('203.0.113.7');
    expect(refused.headers.get('retry-after')).toBe('12');
    expect(refused.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(await refused.json()).toEqual({ error: 'too many receipts from this address: retry in 12 s' });
    expect((await from('203.0.113.8')).status).toBe(201);
    // IPv6: one /64 is one client.
    const v6 = [];
    for (let i = 1; i <= 6; i++) v6.push((await from(`2001:db8:1:2::${i}`)).status);
    expect(v6).toEqual([201, 201, 201, 201, 201, 429]);
    expect(await database.count()).toBe(5 + 1 + 5);
  });

  it('per consent ID, whatever the address: the fourth receipt of a minute gets 429', async () => {
    const first = makeReceipt({ seq: 1 });
    const statuses = [];
    for (let seq = 1; seq <= 4; seq++) statuses.push((await from(`192.0.2.${seq}`, makeReceipt({ id: first.consentId, seq }))).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await from('192.0.2.9', makeReceipt({ id: first.consentId, seq: 5 }));
    expect(await refused.json()).toEqual({ error: 'too many receipts for this consent ID: retry in 20 s' });
  });
});

describe('collector over HTTP: the daily storage cap', () => {
  it('refuses receipts with 503 once a day has stored its cap, says so on the log, and takes them again the next UTC day', async () => {
    const database = await testDatabase('sqlite');
    const store = await database.open();
    await store.migrate();
    const receipts = Array.from({ length: 4 }, () => makeReceipt());
    const size = Buffer.byteLength(canonicalJson(receipts[0]!));
    let time = Date.parse('2026-11-23T23:00:00.000Z');
    const logged: string[] = [];
    // Room for two and a half receipts today, of which the database held half a receipt at start.
    const collector = createCollector(store, { origins: [SITE], dailyCap: { bytes: Math.round(size * 2.5), storedToday: Math.round(size / 2) }, now: () => time, log: (m) => logged.push(m) });
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
    const send = (receipt: ConsentReceipt) => fetch(`${base}/receipts`, { method: 'POST', body: JSON.stringify(receipt), headers: { Origin: SITE, 'Content-Type': 'text/plain' } });
    try {
      expect((await send(receipts[0]!)).status).toBe(201);
      expect(logged).toEqual([]);
      expect((await send(receipts[1]!)).status).toBe(201);
      expect(logged).toEqual([expect.stringMatching(/^ALERT: daily storage cap 80% used: \d+ of \d+ bytes stored today \(UTC\); past it, receipts get 503 until 00:00 UTC$/)]);
      const refused = await send(receipts[2]!);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('3600');
      expect(await refused.json()).toEqual({ error: 'daily storage cap reached: retry after 00:00 UTC' });
      expect((await send(receipts[3]!)).status).toBe(503);
      expect(logged.slice(1)).toEqual([expect.stringMatching(/^ALERT: daily storage cap reached: \d+ of \d+ bytes stored today \(UTC\); receipts get 503 until 00:00 UTC \(--daily-cap-mb\)$/)]);
      time += 3_600_000;
      expect((await send(receipts[2]!)).status).toBe(201);
      expect(await database.count()).toBe(3);
    } finally {
      await collector.close(100);
      await database.dispose();
    }
    expect(logged.at(-1)).toBe('daily storage cap: 2 receipts refused on 2026-11-23');
  });
});

describe('collector over HTTP when writes fail', () => {
  const post = (base: string) => fetch(`${base}/receipts`, { method: 'POST', body: JSON.stringify(makeReceipt()), headers: { Origin: SITE, 'Content-Type': 'text/plain' } });

  it('a full disk: one log line, then how many more were left out, not one line per receipt', async () => {
    const database = await testDatabase('sqlite');
    const store = await database.open();
    await store.migrate();
    const failing: ReceiptStore = Object.assign(Object.create(store), { put: () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')) });
    const logged: string[] = [];
    const collector = createCollector(failing, { origins: [SITE], log: (m) => logged.push(m) });
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
    try {
      const statuses = await Promise.all(Array.from({ length: 50 }, () => post(base).then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([503]));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^storing .+#2 failed: SQLITE_FULL: database or disk is full$/);
    } finally {
      await collector.close(100);
      await database.dispose();
    }
    // Closing says what it left out.
    expect(logged).toHaveLength(2);
    expect(logged[1]).toMatch(/^storing failed 49 more times in the last \d+ s; the last: storing .+#2 failed: SQLITE_FULL: database or disk is full$/);
  });

  it.each(ENGINES)('/health is 503 while receipts fail to store although the database answers (%s)', async (engine) => {
    const database = await testDatabase(engine);
    const store = await database.open();
    await store.migrate();
    // Real failing writes: the receipts table refuses inserts, as a full disk would; SELECT 1 still answers.
    await database.sql(
      engine === 'sqlite'
        ? `CREATE TRIGGER disk_full BEFORE INSERT ON receipts BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`
        : `CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
           CREATE TRIGGER disk_full BEFORE INSERT ON receipts FOR EACH ROW EXECUTE FUNCTION disk_full()`,
    );
    const collector = createCollector(store, { origins: [SITE], log: () => undefined });
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
    try {
      expect((await post(base)).status).toBe(503);
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false, engine, error: 'receipts are failing to store' });
    } finally {
      await collector.close(100);
      await database.dispose();
    }
  });

  it('/health is 503 when the database takes no write, before any receipt fails (PostgreSQL read-only)', async () => {
    const database = await testDatabase('postgres');
    const name = new URL(database.db).pathname.slice(1);
    await (await database.open()).migrate();
    await database.sql(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    const store = await database.open();
    const collector = createCollector(store, { origins: [SITE], log: () => undefined });
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
    try {
      const health = await fetch(`${base}/health`);
      expect(await health.json()).toEqual({ ok: false, engine: 'postgres', error: 'the database refused a write' });
      expect(health.status).toBe(503);
    } finally {
      await collector.close(100);
      await database.dispose();
    }
  });
});

describe('collector over HTTP when the database fails', () => {
  it('answers 503 with Retry-After (the SDK keeps the receipt and retries), and /health says so', async () => {
    const database = await testDatabase('sqlite');
    const store = await database.open();
    await store.migrate();
    // The real store, with its writes failing as a full disk or a lost PostgreSQL connection would.
    const failing: ReceiptStore = Object.assign(Object.create(store), {
      put: () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')),
      probe: () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')),
    });
    const logged: string[] = [];
    const collector = createCollector(failing, { origins: [SITE], log: (m) => logged.push(m) });
    await new Promise<void>((resolve) => collector.server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
    try {
      const receipt = makeReceipt();
      const response = await fetch(`${base}/receipts`, { method: 'POST', body: JSON.stringify(receipt), headers: { Origin: SITE, 'Content-Type': 'text/plain' } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('access-control-allow-origin')).toBe(SITE);
      expect(await response.json()).toEqual({ error: 'storage unavailable: retry later' });
      expect(logged).toEqual([`storing ${receiptKey(receipt)} failed: SQLITE_FULL: database or disk is full`]);
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false, engine: 'sqlite', error: 'receipts are failing to store' });
      expect(await database.count()).toBe(0);
    } finally {
      await collector.close(100);
      await database.dispose();
    }
  });
});
