import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCookieStore, createMemoryStore } from '../../src/consent';

const clearCookies = () => {
  for (const part of document.cookie.split(';')) {
    const name = part.split('=')[0]!.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
};

describe('createMemoryStore', () => {
  it('keeps a value for the page view', () => {
    const store = createMemoryStore();
    expect(store.read()).toBeUndefined();
    expect(store.write('{"a":1}', 365)).toBe(true);
    expect(store.read()).toBe('{"a":1}');
    store.clear();
    expect(store.read()).toBeUndefined();
  });
});

describe('createCookieStore', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    clearCookies();
  });

  it('round-trips JSON through one first-party cookie', () => {
    const store = createCookieStore({ name: 'consentgate', path: '/', secure: false });
    const value = JSON.stringify({ categories: { analytics: true }, reason: 'a; b, "c"' });
    expect(store.write(value, 365)).toBe(true);
    expect(store.kind).toBe('cookie');
    expect(store.read()).toBe(value);
    expect(document.cookie).toContain('consentgate=');
    store.clear();
    expect(store.read()).toBeUndefined();
  });

  it('writes SameSite=Lax, Path, Secure on https and the expiry', () => {
    const writes: string[] = [];
    const descriptor = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
    vi.spyOn(document, 'cookie', 'set').mockImplementation((v: string) => {
      writes.push(v);
      descriptor.set!.call(document, v);
    });
    createCookieStore({ name: 'cg', path: '/', domain: 'localhost', secure: true }).write('{}', 30);
    // js-cookie leaves `{}` readable and percent-encodes only what a cookie value cannot hold.
    expect(writes[0]).toMatch(/^cg={}; path=\/; domain=localhost; sameSite=Lax; secure; expires=/);
    const expires = Date.parse(writes[0]!.split('expires=')[1]!);
    expect(Math.round((expires - Date.now()) / 864e5)).toBe(30);
  });

  it('falls back to memory when the browser refuses cookies', () => {
    vi.spyOn(document, 'cookie', 'get').mockReturnValue('');
    vi.spyOn(document, 'cookie', 'set').mockImplementation(() => {});
    const store = createCookieStore({ name: 'consentgate', path: '/', secure: false });
    expect(store.write('{"x":1}', 365)).toBe(true);
    expect(store.kind).toBe('memory');
    expect(store.read()).toBe('{"x":1}');
  });

  it('falls back to memory when reading cookies throws (sandboxed document)', () => {
    const spy = vi.spyOn(document, 'cookie', 'get').mockImplementation(() => {
      throw new DOMException('The document is sandboxed', 'SecurityError');
    });
    try {
      const store = createCookieStore({ name: 'consentgate', path: '/', secure: false });
      expect(store.read()).toBeUndefined();
      expect(store.kind).toBe('memory');
      expect(store.write('{"y":2}', 1)).toBe(true);
      expect(store.read()).toBe('{"y":2}');
    } finally {
      spy.mockRestore();
    }
  });
});
