/**
 * Cleanup after a withdrawal: the cookies and storage keys that the services of the withdrawn
 * categories set, from the names and `*` patterns the registry and the config declare.
 *
 * A cookie is only deleted by writing one with the same name, domain, path and (for a `Secure`
 * one, RFC 6265bis § 5.7 step 13 — a non-secure origin cannot overwrite it) over https. Script
 * cannot read a cookie's domain or path, so every combination that can apply to this page is
 * written: no `Domain` (host-only) and each parent domain down to the registrable one; path `/`,
 * each directory of the current path (a cookie set without `Path` defaults to the document's
 * directory) and every path the caller names; with and without `Secure` on https.
 */
import type { ServiceCatalog } from './catalog';
import { siteOf } from './url-pattern';

export interface CleanupOptions {
  /** Services cleaned besides those of the categories (a per-service withdrawal). */
  services?: readonly string[];
  /** Cookie names never deleted: the consent cookie. @default ['consentgate'] */
  keep?: readonly string[];
  /** More paths the cookies may have been set for (the config's `cookiePath`). */
  paths?: readonly string[];
  /** @default the global window */
  window?: Window;
}

/**
 * Whether `name` is matched by a declared name, `*` standing for any characters, in one pass (no
 * regular expression to backtrack on a name with many stars). The first and last pieces hold the
 * ends; every piece between is taken at its first place, as any later one would only leave less
 * room for the rest.
 */
export function matchesName(pattern: string, name: string): boolean {
  const pieces = pattern.split('*');
  const first = pieces[0]!;
  const last = pieces.pop()!;
  if (!pieces.length) return name === pattern;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  const end = name.length - last.length;
  let at = first.length;
  for (let i = 1; i < pieces.length; i++) {
    const found = name.indexOf(pieces[i]!, at);
    if (found < 0 || found + pieces[i]!.length > end) return false;
    at = found + pieces[i]!.length;
  }
  return true;
}

/**
 * The declared names of the services being cleaned, looked up per key present on the page: exact
 * names in a set, `*` patterns by the text before their first `*` (a key is checked against the
 * patterns of each of its prefixes that some pattern has). A withdrawal with 1,000 services and
 * hundreds of keys stays a few map look-ups per key, never a scan of every pattern.
 */
interface NameIndex {
  /** The exact names (cookies are deleted by name even when this page cannot see them). */
  exact: Set<string>;
  has(key: string): boolean;
}

function indexNames(names: Iterable<string>): NameIndex {
  const exact = new Set<string>();
  const byPrefix = new Map<string, string[]>();
  for (const name of names) {
    const star = name.indexOf('*');
    if (star < 0) exact.add(name);
    else {
      const prefix = name.slice(0, star);
      const list = byPrefix.get(prefix);
      if (list) list.push(name);
      else byPrefix.set(prefix, [name]);
    }
  }
  const lengths = [...new Set([...byPrefix.keys()].map((p) => p.length))];
  return {
    exact,
    has(key) {
      if (exact.has(key)) return true;
      for (const n of lengths) if (n <= key.length && byPrefix.get(key.slice(0, n))?.some((p) => matchesName(p, key))) return true;
      return false;
    },
  };
}

/**
 * Deletes what the services of `categories` (and `options.services`) set. Every declared name and
 * pattern is looked for in all three places, whatever its `storage` says: vendors keep the same
 * key in a cookie and in storage (Segment's `ajs_anonymous_id`, Hotjar's `_hjSessionUser_*`), and
 * a `sessionStorage` key left behind would outlive the withdrawal for the rest of the tab.
 * Returns the cookie names and storage keys that were present and deleted (the consent cookie
 * never is).
 */
export function cleanup(catalog: ServiceCatalog, categories: readonly string[], options: CleanupOptions = {}): string[] {
  const win = options.window ?? window;
  const { document: doc, location: loc } = win;
  const keep = new Set(options.keep ?? ['consentgate']);
  const cleaned = new Set(categories);
  const only = new Set(options.services);
  const names = indexNames(catalog.services.filter((s) => cleaned.has(s.category) || only.has(s.id)).flatMap((s) => s.cookies.map((c) => c.name)));
  const deleted: string[] = [];

  // Cookies: every declared exact name (it may live on a path this page cannot see), and every
  // present name a pattern matches.
  const present = new Set(doc.cookie.split(';').map((c) => c.split('=')[0]!.trim()).filter(Boolean));
  const cookies = new Set(names.exact);
  for (const name of present) if (names.has(name)) cookies.add(name);

  const host = loc.hostname;
  const domains = [''];
  for (let d = host, site = siteOf(host); d.length >= site.length && d.includes('.'); d = d.slice(d.indexOf('.') + 1)) domains.push(d);
  const paths = new Set(['/', ...(options.paths ?? [])]);
  for (let p = loc.pathname, i = p.lastIndexOf('/'); i > 0; p = p.slice(0, i), i = p.lastIndexOf('/')) paths.add(p.slice(0, i));
  const flags = loc.protocol === 'https:' ? ['', ';secure'] : [''];

  for (const name of cookies) {
    if (keep.has(name)) continue;
    if (present.has(name)) deleted.push(name);
    for (const domain of domains) {
      for (const path of paths) {
        for (const flag of flags) {
          doc.cookie = `${name}=;expires=Thu, 01 Jan 1970 00:00:00 GMT;path=${path}${domain && ';domain=' + domain}${flag}`;
        }
      }
    }
  }

  for (const kind of ['localStorage', 'sessionStorage'] as const) {
    try {
      const store = win[kind];
      for (let i = store.length; i--; ) {
        const key = store.key(i);
        if (key !== null && !keep.has(key) && names.has(key)) {
          store.removeItem(key);
          deleted.push(key);
        }
      }
    } catch {
      // storage refused (privacy mode, sandboxed frame): nothing to clean
    }
  }
  return deleted;
}
