import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectReceipts } from '../../src/receipts';
import type { ConsentGateConfig, ConsentReceipt } from '../../src/types';
import { healthSiteConfig } from '../fixtures/configs';
import { GPC, ID, setup } from '../fixtures/integrations/setup';

const withReceipts: ConsentGateConfig = { ...healthSiteConfig, receipts: { endpoint: '/consent/receipts' } };

let connections: Array<{ disconnect(): void } | null> = [];
const connect = (...args: Parameters<typeof connectReceipts>) => {
  const connection = connectReceipts(...args);
  connections.push(connection);
  return connection;
};

let posted: Array<{ url: string; receipt: ConsentReceipt }>;
let beacons: Array<{ url: string; receipt: ConsentReceipt }>;

beforeEach(() => {
  localStorage.clear();
  posted = [];
  beacons = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      posted.push({ url, receipt: JSON.parse(init.body as string) });
      return new Response('{"status":"stored"}', { status: 201 });
    }),
  );
  navigator.sendBeacon = (url: string | URL, body?: BodyInit | null) => (beacons.push({ url: String(url), receipt: JSON.parse(body as string) }), true);
});
afterEach(() => {
  for (const c of connections) c?.disconnect();
  connections = [];
  vi.unstubAllGlobals();
});

describe('connectReceipts', () => {
  it('sends a receipt of each decision and withdrawal made on the page, to the endpoint resolved against the page', async () => {
    const { manager, config } = setup({ config: withReceipts });
    const { queue } = connect(manager, config, { language: () => 'fr' })!;
    manager.acceptAll('banner-accept-all');
    manager.update({ advertising: false }, 'preferences');
    manager.withdraw('opt-out-link');
    await queue.flush();
    expect(posted.map((p) => p.url)).toEqual(Array(3).fill(new URL('/consent/receipts', location.href).href));
    expect(posted.map((p) => [p.receipt.seq, p.receipt.decision, p.receipt.method])).toEqual([
      [1, 'accept-all', 'banner-accept-all'],
      [2, 'partial', 'preferences'],
      [3, 'withdraw', 'opt-out-link'],
    ]);
    expect(posted[0]!.receipt).toMatchObject({ consentId: ID, language: 'fr', policyVersion: '2024-06', page: location.origin + location.pathname });
    expect(posted[2]!.receipt.withdrawnAt).toBe(posted[2]!.receipt.decidedAt);
    expect(localStorage.getItem('consentgate:receipts')).toBe(JSON.stringify({ e: [], last: `${ID}#3` }));
  });

  it('sends nothing for a returning visitor, nor for a change another tab made (that tab sends it)', async () => {
    const first = setup({ config: withReceipts });
    first.manager.acceptAll('banner-accept-all');
    const returning = setup({ config: withReceipts, stored: first.store.read()! });
    const { queue } = connect(returning.manager, returning.config, { language: () => 'en' })!;
    returning.manager.sync();
    await queue.flush();
    expect(posted).toEqual([]);
  });

  it('sends the decision a GPC signal made while the manager started (opt-out regime), with the signal recorded', async () => {
    // The fixture's clock is fixed in 2026: it stands for "now", after this page view began.
    vi.spyOn(performance, 'timeOrigin', 'get').mockReturnValue(Date.parse('2026-11-23T11:59:59.000Z'));
    const { manager, config } = setup({ config: { ...withReceipts, mode: 'opt-out' }, signals: GPC });
    expect(manager.get()?.method).toBe('signal');
    const { queue } = connect(manager, config, { language: () => 'en' })!;
    await queue.flush();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.receipt).toMatchObject({
      method: 'signal',
      mode: 'opt-out',
      decision: 'partial',
      signals: { globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'] } },
    });
  });

  it('beacons what is unacknowledged when the page is hidden or unloaded', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    const { manager, config } = setup({ config: withReceipts });
    const { queue } = connect(manager, config, { language: () => 'en' })!;
    manager.rejectAll('banner-reject-all');
    await queue.flush();
    window.dispatchEvent(new Event('pagehide'));
    expect(beacons.map((b) => [b.url, b.receipt.decision])).toEqual([[new URL('/consent/receipts', location.href).href, 'reject-all']]);
    expect(queue.pending()).toHaveLength(1);
  });

  it('is off without `receipts`, and a broken endpoint is reported, not thrown', () => {
    const plain = setup();
    expect(connect(plain.manager, plain.config, { language: () => 'en' })).toBeNull();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = setup({ config: { ...healthSiteConfig, receipts: { endpoint: 'https://' } } });
    expect(connect(broken.manager, broken.config, { language: () => 'en' })).toBeNull();
    expect(error.mock.calls[0]!.join(' ')).toMatch(/receipts.endpoint "https:\/\/" is not a URL: no receipts/);
  });
});
