/**
 * URL patterns of services, as the registry and the config write them:
 *
 * - `google-analytics.com`          the host and every subdomain of it;
 * - `*.hotjar.com`                  subdomains only (not `hotjar.com` itself);
 * - `www.facebook.com/tr`           host (and subdomains) plus a path prefix;
 * - `www.instagram.com/p/*`        `*` stands for exactly one path segment (`/p/ABC/embed` matches;
 *                                   `/p/*x` takes a segment that ends in `x`);
 * - `www.googletagmanager.com/gtag/js?id=G-`  a path may end in the start of a query.
 *
 * Patterns are indexed by host, and a URL is looked up by walking its host's labels from the
 * longest suffix to the shortest (`a.b.c.com`, `b.c.com`, `c.com`, `com`): a handful of map
 * look-ups per URL, never a scan over every pattern. The first host level with a matching pattern
 * wins (the longest host), and within it the longest path: `www.facebook.com/plugins` beats
 * `facebook.com`, and `gtag/js?id=AW-` beats `googletagmanager.com`.
 */

interface PatternEntry<T> {
  _value: T;
  /** `*.host`: the host itself does not match. */
  _subdomainsOnly: boolean;
  /** Path (+ query) prefix as written; '' for a bare host. */
  _path: string;
  /** Only for paths with `*`: the path split on it (`startsWithPieces`). */
  _pieces?: readonly string[];
}

export interface PatternIndex<T> {
  add(pattern: string, value: T): void;
  /** The value of the most specific pattern matching `host` + `path` (pathname + search), if any. */
  match(host: string, path: string): T | undefined;
  /** Whether some pattern is for `host` or one of its parent domains. */
  covers(host: string): boolean;
}

const normalHost = (host: string) => {
  const h = host.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
};

// `covers` asks only whether a suffix has entries: one callback for every call (no closure per URL).
const found = () => true;

export function createPatternIndex<T>(): PatternIndex<T> {
  const byHost = new Map<string, PatternEntry<T>[]>();
  /** Calls `found` with each suffix of a host that has patterns, longest first, until it returns something. */
  const walk = <R>(host: string, found: (suffix: string, entries: PatternEntry<T>[], full: string) => R | undefined): R | undefined => {
    const full = normalHost(host);
    for (let h = full; ; h = h.slice(h.indexOf('.') + 1)) {
      const entries = byHost.get(h);
      const r = entries && found(h, entries, full);
      if (r !== undefined) return r;
      if (!h.includes('.')) return undefined;
    }
  };
  return {
    add(pattern, value) {
      const cut = pattern.search(/[/?]/);
      let host = normalHost(cut < 0 ? pattern : pattern.slice(0, cut));
      let path = cut < 0 ? '' : pattern.slice(cut);
      // `host?query` has an empty path: the URL side always starts with `/`.
      if (path[0] === '?') path = '/' + path;
      const subdomainsOnly = host.startsWith('*.');
      if (subdomainsOnly) host = host.slice(2);
      const entry: PatternEntry<T> = { _value: value, _subdomainsOnly: subdomainsOnly, _path: path };
      if (path.includes('*')) entry._pieces = path.split('*');
      const list = byHost.get(host);
      if (list) list.push(entry);
      else byHost.set(host, [entry]);
    },
    match: (host, path) =>
      walk(host, (h, entries, full) => {
        let best: PatternEntry<T> | undefined;
        for (const e of entries) {
          if ((e._subdomainsOnly && h === full) || (best && best._path.length >= e._path.length)) continue;
          if (e._pieces ? startsWithPieces(path, e._pieces) : path.startsWith(e._path)) best = e;
        }
        return best?._value;
      }),
    covers: (host) => !!walk(host, found),
  };
}

/**
 * Whether `path` begins with a pattern split on its `*`s, each `*` being one or more characters
 * other than `/` and `?` (within one path segment), in one pass and without backtracking: a
 * regular expression of 30 `[^/?]+` kept a renderer busy for minutes on a long URL (issue 16).
 * Each piece is taken at its first place: a later one is never needed, because a piece that holds
 * a `/` or `?` fits in one place only, and for any other piece what a later place would have
 * consumed is characters of the same segment, which the next `*` takes as well (a last piece needs
 * no more than to be there: the pattern is a prefix).
 */
export function startsWithPieces(path: string, pieces: readonly string[]): boolean {
  let at = pieces[0]!.length;
  if (!path.startsWith(pieces[0]!)) return false;
  // Where the segment `at` is in ends: found again only once a piece has crossed it.
  let end = -1;
  for (let i = 1; i < pieces.length; i++) {
    if (end < at) for (end = at; end < path.length && path[end] !== '/' && path[end] !== '?'; ) end++;
    // The `*` takes path[at, found): at least one character, none of them past the segment's end.
    const found = end > at ? path.indexOf(pieces[i]!, at + 1) : -1;
    if (found < 0 || found > end) return false;
    at = found + pieces[i]!.length;
  }
  return true;
}

// Second-level labels under which a country code top-level domain registers names: `co.uk`,
// `com.au`, `gov.br`, `ne.jp`. Every other 2-letter label is covered by the length rule below.
const SLD = /^(com|net|org|gov|edu|mil|ltd|plc|sch|nic|gob)$/;

/**
 * The registrable domain of a host, by a deliberately small heuristic instead of the Public
 * Suffix List (~45 KB, far beyond the boot's budget): the last two labels, or the last three when
 * the top-level label has two letters (a country code) and the second-level one is a known
 * registration label (`co`, `com`, `ac`, …; any label of at most two letters counts). So
 * `www.bbc.co.uk` → `bbc.co.uk`, `shop.example.com.au` → `example.com.au`, `t.co` → `t.co`.
 * Known misses: private suffixes (`*.github.io`, `*.herokuapp.com`) group unrelated sites as one,
 * which only makes more hosts first party for `unknownThirdParty: "block"` and for cleanup.
 * IP addresses are their own site.
 */
export function siteOf(host: string): string {
  const h = normalHost(host);
  if (/^[\d.]+$|:|^\[/.test(h)) return h;
  const labels = h.split('.');
  const n = labels.length;
  const keep = n > 2 && labels[n - 1]!.length === 2 && (labels[n - 2]!.length <= 2 || SLD.test(labels[n - 2]!)) ? 3 : 2;
  return labels.slice(-keep).join('.');
}
