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
 * Deletes what the services of `categories` (and `options.services`) set. Returns the cookie
 * names and storage keys that were present and deleted (the consent cookie never is).
 */
export function cleanup(catalog: ServiceCatalog, categories: readonly string[], options: CleanupOptions = {}): string[] {
  const win = options.window ?? window;
  const { document: doc, location: loc } = win;
  const keep = options.keep ?? ['consentgate'];
  const declared = catalog.services
    .filter((s) => categories.includes(s.category) || options.services?.includes(s.id))
    .flatMap((s) => s.cookies);
  const deleted: string[] = [];

  // Cookies: every declared exact name (it may live on a path this page cannot see), and every
  // present name a pattern matches.
  const cookiePatterns = declared.filter((c) => !c.storage || c.storage === 'cookie').map((c) => c.name);
  const present = doc.cookie.split(';').map((c) => c.split('=')[0]!.trim()).filter(Boolean);
  const names = new Set(cookiePatterns.filter((p) => !p.includes('*')));
  for (const pattern of cookiePatterns) for (const name of present) if (matchesName(pattern, name)) names.add(name);

  const host = loc.hostname;
  const domains = [''];
  for (let d = host, site = siteOf(host); d.length >= site.length && d.includes('.'); d = d.slice(d.indexOf('.') + 1)) domains.push(d);
  const paths = new Set(['/', ...(options.paths ?? [])]);
  for (let p = loc.pathname, i = p.lastIndexOf('/'); i > 0; p = p.slice(0, i), i = p.lastIndexOf('/')) paths.add(p.slice(0, i));
  const flags = loc.protocol === 'https:' ? ['', ';secure'] : [''];

  for (const name of names) {
    if (keep.includes(name)) continue;
    if (present.includes(name)) deleted.push(name);
    for (const domain of domains) {
      for (const path of paths) {
        for (const flag of flags) {
          doc.cookie = `${name}=;expires=Thu, 01 Jan 1970 00:00:00 GMT;path=${path}${domain && ';domain=' + domain}${flag}`;
        }
      }
    }
  }

  for (const kind of ['localStorage', 'sessionStorage'] as const) {
    const patterns = declared.filter((c) => c.storage === kind).map((c) => c.name);
    if (!patterns.length) continue;
    try {
      const store = win[kind];
      for (let i = store.length; i--; ) {
        const key = store.key(i);
        if (key !== null && patterns.some((p) => matchesName(p, key))) {
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
