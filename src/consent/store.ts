import Cookies from 'js-cookie';

/** Where the record lives. A cookie in production; memory for tests and cookie-less browsers. */
export interface ConsentStore {
  read(): string | undefined;
  /**
   * The values `read()` found when it saw several records and none was the store's own (a cookie of
   * the same name from a sibling subdomain, or from an earlier Domain or Path): the manager then
   * keeps the most restrictive decision among them. Empty otherwise.
   */
  conflicting?(): readonly string[];
  /** Returns false when the value could not be kept. */
  write(value: string, days: number): boolean;
  clear(): void;
  readonly kind: 'cookie' | 'memory';
}

export function createMemoryStore(initial?: string): ConsentStore {
  let value = initial;
  return {
    kind: 'memory',
    read: () => value,
    write(next) {
      value = next;
      return true;
    },
    clear() {
      value = undefined;
    },
  };
}

export interface CookieStoreOptions {
  name: string;
  path: string;
  domain?: string;
  /** Sets `Secure`; the caller passes `location.protocol === 'https:'`. */
  secure: boolean;
}

/** Every value of the cookie `name` the document sees, in the browser's order, decoded as js-cookie does. */
function visibleValues(name: string): string[] {
  const values: string[] = [];
  for (const pair of document.cookie ? document.cookie.split('; ') : []) {
    const [key = '', ...value] = pair.split('=');
    try {
      if (decodeURIComponent(key) === name) values.push(Cookies.converter.read(value.join('='), name));
    } catch {
      // a name that does not decode is not ours
    }
  }
  return values;
}

/**
 * Every Domain and Path a cookie visible on this page can have: no Domain (host-only), the host
 * and each parent domain; each path that path-matches the page's (RFC 6265 §5.1.4), with and
 * without its trailing slash. The browser refuses a public suffix as Domain, so none is skipped.
 */
function visibleScopes(): Array<{ domain?: string; path: string }> {
  const { hostname, pathname } = location;
  const domains: Array<string | undefined> = [undefined];
  for (let d = hostname; d.includes('.'); d = d.slice(d.indexOf('.') + 1)) domains.push(d);
  const paths = new Set(['/', pathname]);
  for (let i = pathname.indexOf('/', 1); i > 0; i = pathname.indexOf('/', i + 1)) paths.add(pathname.slice(0, i)).add(pathname.slice(0, i + 1));
  return domains.flatMap((domain) => [...paths].map((path) => ({ domain, path })));
}

/**
 * The record in one first-party cookie, `SameSite=Lax` (sent on top-level navigation, so a server
 * can read consent on the first request) and `Secure` on https. When the browser refuses the
 * cookie (disabled, sandboxed frame, storage blocked) the record is kept in memory for the page view.
 *
 * A page sees every cookie of the name whose Domain and Path cover it, not which is which: a
 * sibling subdomain can set one for the parent domain and a deeper path, which the browser lists
 * first, and a site that adds `cookieDomain` still has its visitors' host-only cookies. So when
 * several are visible, every other Domain and Path is deleted; what is left is the site's own
 * (configured Domain and Path). When nothing is left, none was: `conflicting()` lists them all.
 */
export function createCookieStore(options: CookieStoreOptions): ConsentStore {
  const { name } = options;
  const cookies = Cookies.withAttributes({
    path: options.path,
    domain: options.domain,
    sameSite: 'Lax',
    secure: options.secure,
  });
  const own = options.domain?.replace(/^\./, '').toLowerCase();
  const memory = createMemoryStore();
  let usable = true;
  let conflicting: string[] = [];
  /** Deletes every cookie of the name but the configured one; returns the values left. */
  const keepOwn = (): string[] => {
    for (const { domain, path } of visibleScopes()) {
      if (domain === own && path === options.path) continue;
      // A partitioned cookie (CHIPS) is a cookie apart, deleted only as one.
      for (const partitioned of options.secure ? [false, true] : [false]) Cookies.remove(name, { domain, path, secure: options.secure, partitioned });
    }
    return visibleValues(name);
  };
  const store: ConsentStore = {
    get kind() {
      return usable ? 'cookie' : 'memory';
    },
    read() {
      if (!usable) return memory.read();
      try {
        const seen = visibleValues(name);
        const left = seen.length > 1 ? keepOwn() : seen;
        conflicting = left.length === 1 ? [] : left.length ? left : seen;
        return left.length === 1 ? left[0] : undefined;
      } catch {
        usable = false; // document.cookie throws a SecurityError in sandboxed documents
        return undefined;
      }
    },
    conflicting: () => (usable ? conflicting : []),
    write(value, days) {
      if (usable) {
        try {
          cookies.set(name, value, { expires: days });
          const seen = visibleValues(name);
          if ((seen.length > 1 ? keepOwn() : seen).includes(value)) return true;
        } catch {
          // fall through to memory
        }
        usable = false;
      }
      return memory.write(value, days);
    },
    clear() {
      memory.clear();
      try {
        cookies.remove(name);
      } catch {
        // nothing to remove where cookies cannot be read
      }
    },
  };
  return store;
}
