import { BroadcastChannel as NodeBroadcastChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../../src/consent';
import { connectCrossTab, crossTabName, type CrossTabEnv } from '../../src/integrations';
import type { ChangeCause } from '../../src/types';
import { setup } from '../fixtures/integrations/setup';

/** An in-memory BroadcastChannel: delivers synchronously to every other instance of the same name. */
function fakeChannels() {
  const open = new Set<FakeChannel>();
  const posted: Array<{ name: string; data: unknown }> = [];
  class FakeChannel {
    onmessage: ((event: MessageEvent) => void) | null = null;
    constructor(readonly name: string) {
      open.add(this);
    }
    postMessage(data: unknown) {
      posted.push({ name: this.name, data });
      for (const other of open) if (other !== this && other.name === this.name) other.onmessage?.({ data } as MessageEvent);
    }
    close() {
      open.delete(this);
    }
  }
  return { BroadcastChannel: FakeChannel as unknown as typeof BroadcastChannel, posted, open };
}

/** A tab: its own window (events), the shared cookie (store) and channels. */
function tab(store: ReturnType<typeof createMemoryStore>, win: CrossTabEnv['window']) {
  const core = setup({ store });
  const causes: ChangeCause[] = [];
  core.manager.onChange((c) => causes.push(c.cause));
  const doc = new EventTarget() as EventTarget & { visibilityState: DocumentVisibilityState };
  doc.visibilityState = 'visible';
  const stop = connectCrossTab(core.manager, core.config, { window: win, document: doc as unknown as CrossTabEnv['document'] });
  return { ...core, causes, doc, stop };
}

const plainWindow = (extra: Partial<CrossTabEnv['window']> = {}) => Object.assign(new EventTarget(), extra) as unknown as CrossTabEnv['window'];

describe('connectCrossTab over BroadcastChannel', () => {
  it('a decision in one tab applies in the others, without echo', () => {
    const { BroadcastChannel, posted } = fakeChannels();
    const store = createMemoryStore();
    const a = tab(store, plainWindow({ BroadcastChannel }));
    const b = tab(store, plainWindow({ BroadcastChannel }));
    const c = tab(store, plainWindow({ BroadcastChannel }));
    a.manager.acceptAll('banner-accept-all');
    expect(b.manager.isGranted('analytics')).toBe(true);
    expect(c.manager.isGranted('analytics')).toBe(true);
    expect(b.causes).toEqual(['init', 'sync']);
    expect(posted).toHaveLength(1); // the receivers did not announce again
    expect(posted[0]!.name).toBe(crossTabName('consentgate'));

    b.manager.withdraw('preferences');
    expect(a.manager.isGranted('analytics')).toBe(false);
    expect(a.causes.at(-1)).toBe('withdraw');
    expect(c.causes.at(-1)).toBe('withdraw');
    expect(posted).toHaveLength(2);
  });

  it('context changes (sensitive route, region) stay in their tab', () => {
    const { BroadcastChannel, posted } = fakeChannels();
    const store = createMemoryStore();
    const a = tab(store, plainWindow({ BroadcastChannel }));
    tab(store, plainWindow({ BroadcastChannel }));
    a.manager.restrict(['advertising']);
    expect(posted).toEqual([]);
  });

  it('unsubscribe closes the channel', () => {
    const { BroadcastChannel, open } = fakeChannels();
    const a = tab(createMemoryStore(), plainWindow({ BroadcastChannel }));
    expect(open.size).toBe(1);
    a.stop();
    expect(open.size).toBe(0);
  });

  it('works with a real BroadcastChannel (asynchronous delivery)', async () => {
    const store = createMemoryStore();
    const BroadcastChannel = NodeBroadcastChannel as unknown as typeof globalThis.BroadcastChannel;
    const a = tab(store, plainWindow({ BroadcastChannel }));
    const b = tab(store, plainWindow({ BroadcastChannel }));
    a.manager.acceptAll();
    await vi.waitFor(() => expect(b.manager.isGranted('analytics')).toBe(true));
    a.stop();
    b.stop();
  });
});

describe('connectCrossTab over storage events (no BroadcastChannel)', () => {
  /** localStorage shared by tabs; setItem fires `storage` in every other tab, as browsers do. */
  function sharedStorage() {
    const data = new Map<string, string>();
    const windows: EventTarget[] = [];
    const make = () => {
      const win = new EventTarget();
      windows.push(win);
      const localStorage = {
        setItem(key: string, value: string) {
          data.set(key, value);
          for (const other of windows) if (other !== win) other.dispatchEvent(Object.assign(new Event('storage'), { key, newValue: value }));
        },
        getItem: (key: string) => data.get(key) ?? null,
      } as unknown as Storage;
      return Object.assign(win, { localStorage }) as unknown as CrossTabEnv['window'];
    };
    return { make, data };
  }

  it('announces each decision under the channel name and the other tabs sync', () => {
    const { make, data } = sharedStorage();
    const store = createMemoryStore();
    const a = tab(store, make());
    const b = tab(store, make());
    a.manager.acceptAll();
    expect(b.manager.isGranted('analytics')).toBe(true);
    expect(data.get('consentgate:consentgate')).toMatch(/^3f1c2b7a-.*:1:2026-11-23T12:00:00.000Z$/);
    // The same choice again still announces (a new seq), and the receiver ignores other keys.
    a.manager.acceptAll();
    expect(b.causes).toEqual(['init', 'sync', 'sync']);
  });

  it('a localStorage that throws is reported; the decision stands', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const win = plainWindow({ localStorage: { setItem: () => { throw new Error('QuotaExceededError'); } } as unknown as Storage });
    const a = tab(createMemoryStore(), win);
    expect(() => a.manager.acceptAll()).not.toThrow();
    expect(a.manager.isGranted('analytics')).toBe(true);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});

describe('connectCrossTab on visibility', () => {
  it('a tab that becomes visible re-reads the cookie (sibling subdomains, missed messages)', () => {
    const store = createMemoryStore();
    const a = tab(store, plainWindow());
    const other = setup({ store });
    other.manager.acceptAll();
    expect(a.manager.isGranted('analytics')).toBe(false);
    a.doc.visibilityState = 'hidden';
    a.doc.dispatchEvent(new Event('visibilitychange'));
    expect(a.manager.isGranted('analytics')).toBe(false);
    a.doc.visibilityState = 'visible';
    a.doc.dispatchEvent(new Event('visibilitychange'));
    expect(a.manager.isGranted('analytics')).toBe(true);
    expect(a.causes).toEqual(['init', 'sync']);
  });

  it('does nothing without a config or a window', () => {
    const { manager } = setup();
    expect(() => connectCrossTab(manager, null)()).not.toThrow();
    expect(() => connectCrossTab(manager, setup().config, { window: undefined as unknown as CrossTabEnv['window'] })()).not.toThrow();
  });
});
