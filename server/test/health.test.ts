import { describe, expect, it } from 'vitest';
import { healthCheck } from '../src/health';
import type { ReceiptStore } from '../src/store';

describe('healthCheck', () => {
  it('is unhealthy while at least half of the last minute of receipts failed, and probes at most once a second', async () => {
    let time = 1_000_000;
    let probes = 0;
    let probeFails = false;
    const probe = async () => {
      probes++;
      if (probeFails) throw new Error('read-only');
    };
    const store = { probe } as unknown as ReceiptStore;
    const logged: string[] = [];
    const health = healthCheck(store, { now: () => time, log: (_kind, message) => logged.push(message) });

    expect(await health.problem()).toBeNull();
    for (let i = 0; i < 3; i++) health.stored(true);
    health.stored(false);
    expect(await health.problem()).toBeNull();
    health.stored(false);
    health.stored(false);
    expect(await health.problem()).toBe('receipts are failing to store');
    // A minute later the failures have aged out.
    time += 61_000;
    expect(await health.problem()).toBeNull();

    probeFails = true;
    expect(await health.problem()).toBeNull(); // the probe of this second was taken already
    time += 1_000;
    expect(await health.problem()).toBe('the database refused a write');
    expect(probes).toBe(3);
    expect(logged).toEqual(['write probe failed: read-only']);
  });
});
