/**
 * The collector's log, limited per kind of message: the first line of a kind is written at once;
 * while more of that kind come, one line per interval says how many were left out, and the last of
 * them. A full disk fails every receipt: one line each would fill what is left of it.
 */
export interface LimitedLog {
  /** `kind` names the lines that count together, and starts their summary: "storing failed 49 more times…". */
  (kind: string, message: string): void;
  /** Writes what is still left out (at close). */
  flush(): void;
}

export interface LimitedLogOptions {
  /** @default 60000 */
  intervalMs?: number;
  now?: () => number;
}

/** A kind's quiet interval: lines are counted, not written, until it ends. */
interface Quiet {
  since: number;
  left: number;
  last: string;
  timer: ReturnType<typeof setTimeout>;
}

export function limitedLog(write: (message: string) => void, options: LimitedLogOptions = {}): LimitedLog {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const quiet = new Map<string, Quiet>();

  const summarize = (kind: string, { left, last, since }: Quiet) => {
    if (left) write(`${kind} ${left} more time${left === 1 ? '' : 's'} in the last ${Math.round((now() - since) / 1000)} s; the last: ${last}`);
  };

  /** Starts a quiet interval; at its end, a summary if anything was left out, and then another one. */
  function hush(kind: string): void {
    const state: Quiet = { since: now(), left: 0, last: '', timer: setTimeout(() => {
      summarize(kind, state);
      if (state.left) hush(kind);
      else quiet.delete(kind);
    }, intervalMs) };
    // A quiet interval never keeps the process alive.
    state.timer.unref?.();
    quiet.set(kind, state);
  }

  const log = ((kind: string, message: string) => {
    const state = quiet.get(kind);
    if (state) {
      state.left++;
      state.last = message;
      return;
    }
    write(message);
    hush(kind);
  }) as LimitedLog;

  log.flush = () => {
    for (const [kind, state] of quiet) {
      clearTimeout(state.timer);
      summarize(kind, state);
    }
    quiet.clear();
  };
  return log;
}
