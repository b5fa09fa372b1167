/**
 * Proof of consent end to end in real Chromium: the shipped script tag sends receipts to the real
 * collector (server/, SQLite in a temporary file) on another origin, across page views, with the
 * collector down, slow, or the page leaving at once; the privacy officer reads them back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector, openStore, type ReceiptStore } from '../../server/src';
import type { ConsentReceipt } from '../../src/types';
import { withPage, type TestServer } from '../_util/chromium';
import { appReady, isAdvertising, isAnalytics, siteConfig, storedRecord, trackerPage } from '../fixtures/integrations/pages';

const TOKEN = 'officer-token';

interface RunningCollector {
  url: string;
  port: number;
  store: ReceiptStore;
  /** POSTs that reached the collector, whatever it answered. */
  posts: number;
  stop(): Promise<void>;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The real collector for the test site's origin; `delayMs` holds each request back (a slow collector). */
async function startCollector(site: TestServer, opts: { port?: number; file?: string; delayMs?: number } = {}): Promise<RunningCollector> {
  const file = opts.file ?? join(mkdtempSync(join(tmpdir(), 'cg-receipts-')), 'receipts.sqlite');
  if (!opts.file) dirs.push(join(file, '..'));
  const store = await openStore(file);
  await store.migrate();
  const collector = createCollector(store, { origins: [site.origin], readToken: TOKEN, log: () => {} });
  const running: RunningCollector = { url: '', port: 0, store, posts: 0, stop: async () => {} };
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST') running.posts++;
    setTimeout(() => collector.server.emit('request', req, res), opts.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  running.port = (server.address() as AddressInfo).port;
  running.url = `http://127.0.0.1:${running.port}`;
  running.stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  };
  return running;
}

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const queued = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('consentgate:receipts') ?? '{"e":[]}').e.length as number);
/** Until the collector has acknowledged every receipt: the page's queue is empty. */
const queueDrained = (page: Page) =>
  page.waitForFunction(() => !JSON.parse(localStorage.getItem('consentgate:receipts') ?? '{"e":[]}').e.length, undefined, { timeout: 15_000 });

async function waitForCount(store: ReceiptStore, n: number, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await store.count()) < n) {
    if (Date.now() > end) throw new Error(`expected ${n} receipts stored, have ${await store.count()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The privacy officer's lookup, over the collector's read side. */
async function lookup(collector: RunningCollector, consentId: string): Promise<ConsentReceipt[]> {
  const response = await fetch(`${collector.url}/receipts/${consentId}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { receipts: Array<{ receipt: ConsentReceipt; receivedAt: string; origin: string }> };
  for (const entry of body.receipts) expect(Date.parse(entry.receivedAt)).toBeGreaterThan(0);
  return body.receipts.map((entry) => entry.receipt);
}

const page = (endpoint: string) => trackerPage({ config: siteConfig({ receipts: { endpoint } }) });

describe('consent receipts (script tag → collector)', () => {
  it('an Accept on the banner is stored once, as the cookie records it, with both signals and their decisions', async () => {
    await withPage(
      async ({ page: tab, context, server, requests }) => {
        const collector = await startCollector(server);
        try {
          server.setPage('/find-a-doctor', page(`${collector.url}/receipts`));
          await tab.goto(server.url('/find-a-doctor?email=visitor@mail.example#results'));
          await appReady(tab);
          expect(collector.posts).toBe(0); // nothing is sent before a decision
          expect(requests.filter((r) => isAnalytics(r) || isAdvertising(r))).toEqual([]);

          await tab.locator('[data-consentgate-accept-all]').click();
          await waitForCount(collector.store, 1);
          const record = (await storedRecord(context, server.url('/')))!;
          const [stored] = await lookup(collector, record.id);
          expect(stored).toMatchObject({
            consentId: record.id,
            seq: 1,
            decision: 'partial', // GPC is honored: advertising stays off even after "accept all"
            method: 'banner-accept-all',
            decidedAt: record.updatedAt,
            policyVersion: '2024-06',
            categories: record.categories,
            signals: {
              doNotTrack: { observed: '1', honored: false, categories: [] },
              globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'] },
            },
            page: server.url('/find-a-doctor'),
            language: 'en',
          });
          expect(JSON.stringify(stored)).not.toMatch(/visitor@mail|results|HeadlessChrome|Mozilla/);
          await queueDrained(tab);
          expect(collector.posts).toBe(1);
        } finally {
          await collector.stop();
        }
      },
      { dnt: true, gpc: true },
    );
  });

  it('collector down: the receipt waits in localStorage, and a later page view delivers it once the collector is back', async () => {
    await withPage(async ({ page: tab, context, server }) => {
      const port = await freePort();
      server.setPage('/', page(`http://127.0.0.1:${port}/receipts`));
      await tab.goto(server.url('/'));
      await appReady(tab);
      await tab.locator('[data-consentgate-reject-all]').click();
      await tab.waitForFunction(() => JSON.parse(localStorage.getItem('consentgate:receipts') ?? '{"e":[]}').e[0]?.n >= 1);

      const collector = await startCollector(server, { port });
      try {
        await tab.reload();
        await appReady(tab);
        // The backoff of the first failure (1–2 s) runs out on this page view.
        await waitForCount(collector.store, 1);
        await queueDrained(tab);
        const record = (await storedRecord(context, server.url('/')))!;
        expect((await lookup(collector, record.id)).map((r) => [r.seq, r.decision, r.method])).toEqual([[1, 'reject-all', 'banner-reject-all']]);
      } finally {
        await collector.stop();
      }
    });
  });

  it('the visitor leaves at once (slow collector): the receipt still arrives, and the next page view only confirms it', async () => {
    await withPage(async ({ page: tab, server }) => {
      const collector = await startCollector(server, { delayMs: 800 });
      try {
        server.setPage('/', page(`${collector.url}/receipts`));
        server.setPage('/next', '<!doctype html><title>elsewhere</title><p>A page without the SDK.');
        await tab.goto(server.url('/'));
        await appReady(tab);
        await tab.locator('[data-consentgate-accept-all]').click();
        await tab.goto(server.url('/next'));
        await waitForCount(collector.store, 1);

        // Back on a page with the SDK: the unacknowledged receipt is resent; the collector answers "duplicate".
        await tab.goto(server.url('/'));
        await appReady(tab);
        await queueDrained(tab);
        expect(await collector.store.count()).toBe(1);
        expect(collector.posts).toBeGreaterThanOrEqual(2);
      } finally {
        await collector.stop();
      }
    });
  });

  it('an Opt Out click and a withdrawal (the page reloads) are the next receipts of the same consent ID', async () => {
    await withPage(async ({ page: tab, context, server }) => {
      const collector = await startCollector(server);
      try {
        server.setPage('/', page(`${collector.url}/receipts`));
        await tab.goto(server.url('/'));
        await appReady(tab);
        await tab.locator('[data-consentgate-accept-all]').click();
        await waitForCount(collector.store, 1);
        // Both take back a grant, so the page reloads (no tracker that already ran keeps running).
        await Promise.all([tab.waitForEvent('load'), tab.locator('[data-consentgate-opt-out] >> text=Opt Out').click()]);
        await appReady(tab);
        await tab.evaluate(() => window.ConsentGate!.update({ analytics: true }));
        await Promise.all([tab.waitForEvent('load'), tab.evaluate(() => window.ConsentGate!.withdraw())]);
        await appReady(tab);
        await waitForCount(collector.store, 4);
        await queueDrained(tab);
        expect(await queued(tab)).toBe(0);
        const record = (await storedRecord(context, server.url('/')))!;
        const receipts = await lookup(collector, record.id);
        expect(receipts.map((r) => [r.seq, r.decision, r.method])).toEqual([
          [1, 'accept-all', 'banner-accept-all'],
          [2, 'reject-all', 'opt-out-link'],
          [3, 'partial', 'api'],
          [4, 'withdraw', 'api'],
        ]);
        expect(receipts[3]!.withdrawnAt).toBe(record.withdrawnAt);
      } finally {
        await collector.stop();
      }
    });
  });
});
