/**
 * Links from the config (privacy policy, opt-out pages, the receipts endpoint): https:, http:, or a
 * relative reference that resolves to one of those. Judged the way the browser reads the value
 * (WHATWG URL parser: leading and trailing C0 controls and spaces are stripped, tabs and newlines
 * removed anywhere), so `"\u0001javascript:alert(1)"` is the `javascript:` URL a click would run,
 * not a harmless relative path.
 */

/** The URL as the browser will follow it from a page at `base`, or null when it is not http(s). */
export function safeUrl(value: string, base: string): string | null {
  try {
    const url = new URL(value, base);
    return /^https?:$/.test(url.protocol) ? url.href : null;
  } catch {
    return null; // not a URL the browser could follow
  }
}

/** Safe from any http(s) page: a relative reference takes the page's scheme, so any such base will do. */
export const isSafeUrl = (value: string): boolean => safeUrl(value, 'https://page.invalid/') !== null;

/**
 * What the JSON Schema can say of the same rule: http(s):// or no scheme, with no spaces or
 * control characters anywhere (the browser would strip or drop them, and no site means them).
 * No `i` flag: JSON Schema patterns have no flags.
 */
export const SAFE_URL = /^([hH][tT][tT][pP][sS]?:\/\/[^\u0000-\u0020\u007f]+|(?![A-Za-z][A-Za-z0-9+.-]*:)[^\u0000-\u0020\u007f]*)$/;
