/**
 * Token buckets by key (a client's address, a consent ID): each key may spend `perMinute` at once,
 * then earns them back at `perMinute` a minute. Memory stays bounded whatever the keys a sender
 * makes up: past `maxKeys`, the key unused the longest is forgotten (as if its bucket were full).
 */
export interface RateLimiter {
  /** Spends one token of `key`: 0 when there was one, else the seconds until there is. */
  take(key: string): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function rateLimiter(perMinute: number, options: { maxKeys?: number; now?: () => number } = {}): RateLimiter {
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  const perMs = perMinute / 60_000;
  // A Map iterates in insertion order: re-inserting a key on use keeps the least recently used first.
  const buckets = new Map<string, Bucket>();
  return {
    take(key) {
      if (perMinute <= 0) return 0;
      const t = now();
      const bucket = buckets.get(key);
      const tokens = bucket ? Math.min(perMinute, bucket.tokens + (t - bucket.at) * perMs) : perMinute;
      buckets.delete(key);
      if (tokens < 1) {
        buckets.set(key, { tokens, at: t });
        return Math.ceil((1 - tokens) / perMs / 1000);
      }
      buckets.set(key, { tokens: tokens - 1, at: t });
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      return 0;
    },
  };
}
