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

const toPattern = (name: string) => new RegExp('^' + name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');

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
  for (const pattern of cookiePatterns) for (const name of present) if (toPattern(pattern).test(name)) names.add(name);

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
    const patterns = declared.filter((c) => c.storage === kind).map((c) => toPattern(c.name));
    if (!patterns.length) continue;
    try {
      const store = win[kind];
      for (let i = store.length; i--; ) {
        const key = store.key(i);
        if (key !== null && patterns.some((p) => p.test(key))) {
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
