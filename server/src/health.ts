import type { ReceiptStore } from './store';

/** How far back the receipts' outcomes count, in slots of 10 s. */
const WINDOW_MS = 60_000;
const SLOT_MS = 10_000;
/** However often /health is asked, at most one write probe a second (each is a commit and an fsync). */
const PROBE_EVERY_MS = 1_000;

export interface HealthCheck {
  /** The outcome of one attempt to store a receipt. */
  stored(ok: boolean): void;
  /** Null when healthy, else what is wrong, in words fit for an unauthenticated answer. */
  problem(): Promise<string | null>;
}

/**
 * What GET /health reports: whether receipts are being stored. `SELECT 1` answers while a full
 * disk fails every write, so two things count: the receipts of the last minute (unhealthy while
 * at least half of them failed to store) and a real write, the store's probe.
 */
export function healthCheck(store: ReceiptStore, options: { now?: () => number; log: (kind: string, message: string) => void }): HealthCheck {
  const now = options.now ?? Date.now;
  const slots = new Map<number, { ok: number; failed: number }>();
  let lastProbe: { at: number; problem: Promise<string | null> } | null = null;

  /** The outcomes of the last minute; older slots go. */
  function recent(): { ok: number; failed: number } {
    const oldest = Math.floor((now() - WINDOW_MS) / SLOT_MS);
    const sum = { ok: 0, failed: 0 };
    for (const [slot, counts] of slots) {
      if (slot <= oldest) slots.delete(slot);
      else {
        sum.ok += counts.ok;
        sum.failed += counts.failed;
      }
    }
    return sum;
  }

  const probe = (): Promise<string | null> =>
    store.probe().then(
      () => null,
      (error: Error) => {
        options.log('write probe failed', `write probe failed: ${error.message}`);
        return 'the database refused a write';
      },
    );

  return {
    stored(ok) {
      const slot = Math.floor(now() / SLOT_MS);
      let counts = slots.get(slot);
      if (!counts) {
        recent();
        slots.set(slot, (counts = { ok: 0, failed: 0 }));
      }
      counts[ok ? 'ok' : 'failed']++;
    },
    async problem() {
      const { ok, failed } = recent();
      if (failed && failed >= ok) return 'receipts are failing to store';
      if (!lastProbe || now() - lastProbe.at >= PROBE_EVERY_MS) lastProbe = { at: now(), problem: probe() };
      return lastProbe.problem;
    },
  };
}
