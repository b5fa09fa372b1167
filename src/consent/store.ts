import Cookies from 'js-cookie';

/** Where the record lives. A cookie in production; memory for tests and cookie-less browsers. */
export interface ConsentStore {
  read(): string | undefined;
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

/**
 * The record in one first-party cookie, `SameSite=Lax` (sent on top-level navigation, so a server
 * can read consent on the first request) and `Secure` on https. When the browser refuses the
 * cookie (disabled, sandboxed frame, storage blocked) the record is kept in memory for the page view.
 */
export function createCookieStore(options: CookieStoreOptions): ConsentStore {
  const cookies = Cookies.withAttributes({
    path: options.path,
    domain: options.domain,
    sameSite: 'Lax',
    secure: options.secure,
  });
  const memory = createMemoryStore();
  let usable = true;
  const store: ConsentStore = {
    get kind() {
      return usable ? 'cookie' : 'memory';
    },
    read() {
      if (!usable) return memory.read();
      try {
        return cookies.get(options.name);
      } catch {
        usable = false; // document.cookie throws a SecurityError in sandboxed documents
        return undefined;
      }
    },
    write(value, days) {
      if (usable) {
        try {
          cookies.set(options.name, value, { expires: days });
          if (cookies.get(options.name) === value) return true;
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
        cookies.remove(options.name);
      } catch {
        // nothing to remove where cookies cannot be read
      }
    },
  };
  return store;
}
