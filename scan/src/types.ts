/**
 * What a scan records, before anything is matched against the registry: the data every output
 * (draft config, cookie declaration, report, check verdict) is computed from.
 */

/**
 * The three visits of every page, each in its own browser profile:
 * - `before-consent`: a visitor who has not decided (the banner is open, nothing is clicked);
 * - `accept-all`: Accept all through ConsentGate's banner or API, then a reload; without
 *   ConsentGate on the page, the page as a fresh profile with no consent tool sees it;
 * - `reject-all`: Reject all, then a reload (only with ConsentGate on the page).
 */
export type PassName = 'before-consent' | 'accept-all' | 'reject-all';

export const PASSES: readonly PassName[] = ['before-consent', 'accept-all', 'reject-all'];

/** Who made a request, as Chromium's DevTools protocol tells it. */
export interface Initiator {
  /** `parser` (a tag in the HTML), `script`, `preload`, `preflight`, `other`. */
  type: string;
  /** The document (parser) or script (script) that made it. */
  url?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

/** How the element that made a request was marked by the site (`data-category`, `data-service`). */
export interface ElementMarking {
  tag: string;
  category?: string;
  service?: string;
}

export interface RecordedRequest {
  url: string;
  host: string;
  /** Path and query. */
  path: string;
  /** Playwright's resource type: script, image, document, fetch, xhr, ping, websocket, … */
  resourceType: string;
  method: string;
  /** Made after the pass's decision (Accept all or Reject all) on this page or an earlier one. */
  afterDecision: boolean;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** Chromium's reason when it failed (`net::ERR_NAME_NOT_RESOLVED`). */
  failure?: string;
  initiator?: Initiator;
  /** The document that made it (for a frame's navigation, its parent). */
  frameUrl: string;
  element?: ElementMarking;
}

export interface RecordedCookie {
  name: string;
  domain: string;
  path: string;
  /** Seconds since the epoch; -1 for a session cookie. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: string;
  /** When it was read (ms since the epoch): lifetimes are measured from here. */
  seenAt: number;
}

export type StorageKind = 'localStorage' | 'sessionStorage';

export interface RecordedStorageKey {
  key: string;
  storage: StorageKind;
  /** The origin whose storage holds it (the page's). */
  origin: string;
}

/** An iframe, embed or object in the page, loaded or held. */
export interface RecordedFrame {
  tag: string;
  /** What it loads or would load (`src`, `data`, or the held URL in `data-src` / `data-cg-src`). */
  url: string;
  /** Not loading: its URL is held in a data attribute (a consent tool's placeholder). */
  held: boolean;
}

export interface PassRecord {
  pass: PassName;
  requests: RecordedRequest[];
  /** Cookies this page added to the profile (first seen here). */
  cookies: RecordedCookie[];
  /** Every cookie in the profile after this page (what was there, whoever set it). */
  jar: RecordedCookie[];
  storage: RecordedStorageKey[];
  frames: RecordedFrame[];
  /** How the decision was made on this page: `banner` (ConsentGate's button), `api`, or `earlier` (an earlier page). */
  decision?: 'banner' | 'api' | 'earlier';
  /** What went wrong on this pass (the page is still listed with what was seen). */
  error?: string;
}

export interface PageRecord {
  url: string;
  title: string;
  status: number;
  /** ConsentGate's API (`window.ConsentGate`) answered on this page. */
  consentGate: boolean;
  passes: PassRecord[];
  /** The page could not be scanned in full: a timeout, a network error. */
  error?: string;
}

/** A URL found but not scanned, and why (robots.txt, not HTML, off-site redirect, HTTP error). */
export interface SkippedPage {
  url: string;
  reason: string;
}

/** "ConsentGate 0.1.0", or without the version where the page does not tell it (an npm build). */
export const consentGateName = (found: ScanResult['consentGate']) => (found ? `ConsentGate${found.version ? ` ${found.version}` : ' (version not exposed)'}` : 'no ConsentGate');

export interface ScanResult {
  /** The start URL as given, and the page it ended on. */
  startUrl: string;
  siteOrigin: string;
  startedAt: string;
  durationMs: number;
  pages: PageRecord[];
  skipped: SkippedPage[];
  /**
   * ConsentGate, once a page had it: its version (the script tag's API tells it; an npm build does
   * not), and the record cookie's name once a decision was made.
   */
  consentGate: { version?: string; cookieName?: string } | null;
  /** A JPEG of the start page before consent (the banner as the visitor sees it). */
  screenshot?: Buffer;
  /** The start page's link to a privacy policy, if any (a relative path when same-origin). */
  privacyPolicyUrl?: string;
  /** Third-party requests were answered inside the browser (`--offline`). */
  offline: boolean;
}
