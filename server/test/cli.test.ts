import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptKey } from '../../src/receipts/receipt';
import { canonicalJson } from '../src/validate';
import { ENGINES, testDatabase, type TestDatabase } from './_util/engines';
import { makeReceipt, SITE } from './_util/receipts';

// What ships: the bin over the built CLI (npm test builds first; alone: npm run build).
const BIN = resolve('server/bin/consentgate-collector.mjs');

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Starts `serve` and resolves with its URL, read from the line it prints. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args]);
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((resolveUrl, reject) => {
    let stdout = '';
    child.stdout!.on('data', (c) => {
      stdout += c;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolveUrl({ child, url: match[1]!, exited, stderr: () => stderr });
    });
    exited.then((code) => reject(new Error(`collector exited (${code}) before listening: ${stderr}`)));
  });
}

describe('the built CLI', () => {
  beforeAll(() => {
    if (!existsSync(resolve('server/dist/cli.mjs'))) throw new Error('server/dist/cli.mjs is missing: run `npm run build` first (npm test does)');
  });

  it('prints its help, and refuses to serve without a site origin (exit 2)', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^consentgate-collector — stores ConsentGate consent receipts/);
    const noOrigin = await run(['serve'], { CONSENTGATE_ORIGINS: '' });
    expect(noOrigin.code).toBe(2);
    expect(noOrigin.stderr).toMatch(/no site origin/);
  });

  describe.each(ENGINES)('%s', (engine) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await testDatabase(engine);
    });
    afterAll(() => database?.dispose());

    it('serves: stores a receipt, finishes a request in flight at SIGTERM, exits 0; the read commands find it', async () => {
      const { child, url, exited, stderr } = await serve(['--db', database.db, '--origin', SITE]);
      const receipt = makeReceipt();
      const stored = await fetch(`${url}/receipts`, { method: 'POST', body: JSON.stringify(receipt), headers: { Origin: SITE, 'Content-Type': 'text/plain;charset=UTF-8' } });
      expect(stored.status).toBe(201);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true, engine });

      // A request whose body is still coming when SIGTERM arrives: it completes, then the process exits.
      const late = makeReceipt({ id: receipt.consentId, seq: 3 });
      const body = JSON.stringify(late);
      const inFlight = new Promise<{ status: number; body: string }>((done, fail) => {
        const req = request(`${url}/receipts`, { method: 'POST', headers: { Origin: SITE, 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => done({ status: res.statusCode!, body: text }));
        });
        req.on('error', fail);
        req.write(body.slice(0, 100));
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(100)), 300);
        }, 100);
      });
      expect(await inFlight).toEqual({ status: 201, body: JSON.stringify({ status: 'stored', key: receiptKey(late) }) + '\n' });
      expect(await exited).toBe(0);
      expect(stderr()).toMatch(/SIGTERM: finishing in-flight requests[\s\S]*stopped/);

      const lookup = await run(['lookup', receipt.consentId, '--db', database.db]);
      expect(lookup.code, lookup.stderr).toBe(0);
      expect(JSON.parse(lookup.stdout).receipts.map((r: { receipt: unknown }) => r.receipt)).toEqual([receipt, late]);
      const day = receipt.decidedAt.slice(0, 10);
      const csv = await run(['export', '--from', day, '--to', day, '--db', database.db]);
      expect(csv.stdout.split('\r\n')).toHaveLength(4);
      const json = await run(['export', '--from', day, '--to', day, '--format', 'json', '--db', database.db]);
      expect(JSON.parse(json.stdout)).toHaveLength(2);
      const stats = await run(['stats', '--from', day, '--to', day], { CONSENTGATE_DB: database.db });
      expect(JSON.parse(stats.stdout)).toEqual([{ day, decision: receipt.decision, count: 2 }]);
      expect((await run(['migrate', '--db', database.db])).stdout).toBe('up to date\n');
    });
  });

  it.each(ENGINES)('serve --retain-days deletes what is older at start, and says so (%s)', async (engine) => {
    const database = await testDatabase(engine);
    try {
      const store = await database.open();
      await store.migrate();
      const old = makeReceipt();
      const young = makeReceipt();
      const put = (receipt: typeof old, daysAgo: number) =>
        store.put({ receipt, canonical: canonicalJson(receipt), origin: SITE, receivedAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString() });
      await put(old, 400);
      await put(young, 300);
      await store.close();
      const { child, url, exited, stderr } = await serve(['--db', database.db, '--origin', SITE, '--retain-days', '365']);
      const deadline = Date.now() + 10_000;
      // The start-up line names retention too: wait for the run's own line.
      while (!/retention: deleted|retention failed/.test(stderr()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stderr()).toMatch(/retention: deleted 1 receipt and 0 conflicts received before \S+ \(--retain-days 365\); recorded in retention_runs/);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await database.count()).toBe(1);
      const lookup = await run(['lookup', young.consentId, '--db', database.db]);
      expect(lookup.code).toBe(0);
    } finally {
      await database.dispose();
    }
  });

  it('read commands do not create a SQLite file that is not there', async () => {
    const missing = resolve('.tmp', `missing-${process.pid}.sqlite`);
    const result = await run(['lookup', '3f1c2b7a-9d4e-4a61-8f2b-5c6d7e8f9a0b', '--db', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no SQLite database at/);
    expect(existsSync(missing)).toBe(false);
  });
});
