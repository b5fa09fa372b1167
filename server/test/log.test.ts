import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { limitedLog } from '../src/log';

describe('limitedLog', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('writes the first line of a kind, then one line per interval with how many it left out', () => {
    const lines: string[] = [];
    const log = limitedLog((m) => lines.push(m), { intervalMs: 60_000 });
    for (let i = 1; i <= 1000; i++) log('storing failed', `storing #${i} failed: SQLITE_FULL`);
    log('export failed', 'export failed midway: timeout');
    expect(lines).toEqual(['storing #1 failed: SQLITE_FULL', 'export failed midway: timeout']);

    vi.advanceTimersByTime(60_000);
    expect(lines.slice(2)).toEqual(['storing failed 999 more times in the last 60 s; the last: storing #1000 failed: SQLITE_FULL']);
    // Still failing: still one line a minute.
    log('storing failed', 'storing #1001 failed: SQLITE_FULL');
    vi.advanceTimersByTime(60_000);
    expect(lines.slice(3)).toEqual(['storing failed 1 more time in the last 60 s; the last: storing #1001 failed: SQLITE_FULL']);
    // A quiet minute: the next line is written at once again.
    vi.advanceTimersByTime(60_000);
    log('storing failed', 'storing #1002 failed: SQLITE_FULL');
    expect(lines.slice(4)).toEqual(['storing #1002 failed: SQLITE_FULL']);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('flush writes what is left out, and stops its timers', () => {
    const lines: string[] = [];
    const log = limitedLog((m) => lines.push(m));
    log('storing failed', 'a');
    log('storing failed', 'b');
    vi.advanceTimersByTime(5_000);
    log.flush();
    expect(lines).toEqual(['a', 'storing failed 1 more time in the last 5 s; the last: b']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
