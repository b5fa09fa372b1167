/** Hand-made scan recordings for the tests of what is computed from them (no browser). */
import type { PageRecord, PassName, PassRecord, RecordedCookie, RecordedRequest, ScanResult } from '../../src/types';

export const SITE = 'https://www.shop.example';
export const NOW = Date.UTC(2026, 0, 15);

export function request(url: string, extra: Partial<RecordedRequest> = {}): RecordedRequest {
  const u = new URL(url);
  return { url, host: u.hostname, path: u.pathname + u.search, resourceType: 'script', method: 'GET', afterDecision: false, frameUrl: SITE + '/', ...extra };
}

/** A cookie that lives `days` more days (-1: a session cookie). */
export function cookie(name: string, domain: string, days: number): RecordedCookie {
  return { name, domain, path: '/', expires: days < 0 ? -1 : NOW / 1000 + days * 86_400, httpOnly: false, secure: true, sameSite: 'Lax', seenAt: NOW };
}

export function pass(name: PassName, parts: Partial<PassRecord> = {}): PassRecord {
  return { pass: name, requests: [], cookies: [], jar: [], storage: [], frames: [], ...parts };
}

export function page(path: string, passes: PassRecord[], extra: Partial<PageRecord> = {}): PageRecord {
  return { url: SITE + path, title: path, status: 200, consentGate: true, passes, ...extra };
}

export function scanResult(pages: PageRecord[], extra: Partial<ScanResult> = {}): ScanResult {
  return {
    startUrl: SITE + '/',
    siteOrigin: SITE,
    startedAt: new Date(NOW).toISOString(),
    durationMs: 1234,
    pages,
    skipped: [],
    consentGate: { version: '0.1.0', cookieName: 'shop_consent' },
    offline: false,
    ...extra,
  };
}
