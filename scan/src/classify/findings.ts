/**
 * A scan's recordings, matched: which services the site uses (and where, and in which passes),
 * which third parties nothing knows, the cookie declaration, and what fired before a decision or
 * after Reject all. Every output is written from this; nothing here touches a browser.
 */
import type { CookieDeclaration } from '../../../src/types';
import type { PassName, PassRecord, RecordedCookie, RecordedRequest, RecordedStorageKey, ScanResult, StorageKind } from '../types';
import { matchesWildcard } from '../wildcard';
import type { Judge, KnownService, Verdict } from './judge';
import { compareCategories, UNCLASSIFIED } from './categories';
import { declaredLifetime, observedLifetime, type Lifetime } from './lifetime';

export interface Sightings {
  /** Page URLs, in scan order. */
  pages: string[];
  passes: PassName[];
}

export interface ServiceFinding extends Sightings {
  service: KnownService;
  hosts: string[];
  requests: number;
  /** Names of its cookies and storage keys that were seen. */
  cookies: string[];
  /** Its iframes and embeds (loaded or held). */
  frames: string[];
}

export interface UnknownSite extends Sightings {
  /** Registrable domain: `example-tracker.com`. */
  site: string;
  /** The custom service id the draft config gives it. */
  id: string;
  hosts: string[];
  requests: number;
  cookies: string[];
  frames: string[];
}

export interface DeclarationEntry {
  name: string;
  storage: 'cookie' | StorageKind;
  /** Cookies: the Domain it was set for (`.example.com`); absent for a registry declaration not seen. */
  domain?: string;
  path?: string;
  provider: string;
  /** The service (registry id, custom id, or the unknown site's draft id). */
  service: string;
  serviceTitle: string;
  category: string;
  purpose?: string;
  lifetime?: Lifetime;
  /** Seen in the browser (else: declared by the registry for a service the site uses). */
  observed: boolean;
  /** Nothing classifies it: the site owner must say what it is. */
  review: boolean;
  pages: string[];
}

/** Something a non-necessary service or an unknown third party did before a decision or after Reject all. */
export interface Firing {
  page: string;
  pass: PassName;
  what: 'request' | 'cookie' | 'storage';
  /** The URL, the cookie's or key's name. */
  name: string;
  verdict: Exclude<Verdict, { kind: 'first-party' }>;
  request?: RecordedRequest;
  cookie?: RecordedCookie;
  storage?: RecordedStorageKey;
}

export interface Findings {
  services: ServiceFinding[];
  unknown: UnknownSite[];
  declaration: DeclarationEntry[];
  beforeConsent: Firing[];
  afterReject: Firing[];
}

const addOnce = <T>(list: T[], item: T) => {
  if (!list.includes(item)) list.push(item);
};

function unknownId(site: string, taken: Set<string>): string {
  let id = site.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(id)) id = `host-${id}`;
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}-${n}`;
  taken.add(unique);
  return unique;
}

/** Whether an entry covers a declared name (the registry's `_ga_*` is covered by a seen `_ga_X1`). */
const covers = (entry: DeclarationEntry, service: string, declared: CookieDeclaration) =>
  entry.service === service && entry.storage === (declared.storage ?? 'cookie') && (entry.name === declared.name || matchesWildcard(declared.name, entry.name, 'whole'));

export function findFindings(scan: ScanResult, judge: Judge): Findings {
  const services = new Map<string, ServiceFinding>();
  const unknown = new Map<string, UnknownSite>();
  const takenIds = new Set(judge.services.map((s) => s.id));
  const declaration = new Map<string, DeclarationEntry>();
  const beforeConsent: Firing[] = [];
  const afterReject: Firing[] = [];
  const fired = new Set<string>();

  const serviceFinding = (service: KnownService) => {
    let f = services.get(service.id);
    if (!f) services.set(service.id, (f = { service, hosts: [], requests: 0, cookies: [], frames: [], pages: [], passes: [] }));
    return f;
  };
  const unknownSite = (site: string) => {
    let u = unknown.get(site);
    if (!u) unknown.set(site, (u = { site, id: unknownId(site, takenIds), hosts: [], requests: 0, cookies: [], frames: [], pages: [], passes: [] }));
    return u;
  };
  /** The finding a verdict points at, with the sighting noted; undefined for the site's own. */
  const sight = (verdict: Verdict, page: string, pass: PassName) => {
    if (verdict.kind === 'first-party') return undefined;
    const f = verdict.kind === 'service' ? serviceFinding(verdict.service) : unknownSite(verdict.site);
    addOnce(f.pages, page);
    addOnce(f.passes, pass);
    return f;
  };
  /** Before a decision anything counts; in the Reject all pass, what came after it. */
  const fire = (record: PassRecord, firing: Omit<Firing, 'pass'>, afterDecision: boolean) => {
    const v = firing.verdict;
    if (v.kind === 'service' && v.service.necessary) return;
    const list = record.pass === 'before-consent' ? beforeConsent : record.pass === 'reject-all' && afterDecision ? afterReject : null;
    if (!list) return;
    const key = `${record.pass}\u0000${firing.page}\u0000${firing.what}\u0000${firing.name}`;
    if (fired.has(key)) return;
    fired.add(key);
    list.push({ ...firing, pass: record.pass });
  };

  const declare = (entry: DeclarationEntry) => {
    const key = `${entry.storage}\u0000${entry.name}\u0000${entry.domain ?? ''}\u0000${entry.path ?? ''}`;
    const known = declaration.get(key);
    if (known) for (const p of entry.pages) addOnce(known.pages, p);
    else declaration.set(key, entry);
  };
  const describe = (verdict: Verdict) => {
    if (verdict.kind === 'service') {
      const { service, declaration: declared } = verdict;
      return {
        provider: service.provider ?? service.title,
        service: service.id,
        serviceTitle: service.title,
        category: service.category,
        ...((declared?.purpose ?? service.description) !== undefined && { purpose: declared?.purpose ?? service.description }),
        review: false,
      };
    }
    if (verdict.kind === 'unknown') {
      const u = unknownSite(verdict.site);
      return { provider: verdict.site, service: u.id, serviceTitle: verdict.site, category: UNCLASSIFIED, review: true };
    }
    return { provider: 'This site', service: 'first-party', serviceTitle: 'This site', category: UNCLASSIFIED, review: true };
  };

  for (const page of scan.pages) {
    for (const record of page.passes) {
      for (const request of record.requests) {
        const verdict = judge.request(request.url);
        const f = sight(verdict, page.url, record.pass);
        if (!f || verdict.kind === 'first-party') continue;
        addOnce(f.hosts, request.host);
        f.requests++;
        fire(record, { page: page.url, what: 'request', name: request.url, verdict, request }, request.afterDecision);
      }
      for (const frame of record.frames) {
        const verdict = judge.request(frame.url);
        if (verdict.kind === 'first-party') continue;
        // A held frame shows the site uses the service, not that it ran in this pass.
        const f = frame.held ? (verdict.kind === 'service' ? serviceFinding(verdict.service) : unknownSite(verdict.site)) : sight(verdict, page.url, record.pass)!;
        addOnce(f.pages, page.url);
        addOnce(f.frames, frame.url);
      }
      // Cookies: the ones this page added; after Reject all, the whole jar once decided (whatever
      // survived the decision and the reload counts, whoever set it).
      const decided = record.pass === 'reject-all' && record.decision !== undefined && !record.error;
      const cookies = decided ? record.jar : record.cookies;
      for (const cookie of cookies) {
        const verdict = judge.cookie(cookie);
        const f = sight(verdict, page.url, record.pass);
        if (f) addOnce(f.cookies, cookie.name);
        if (verdict.kind !== 'first-party') fire(record, { page: page.url, what: 'cookie', name: cookie.name, verdict, cookie }, decided);
        declare({ name: cookie.name, storage: 'cookie', domain: cookie.domain, path: cookie.path, ...describe(verdict), lifetime: observedLifetime(cookie), observed: true, pages: [page.url] });
      }
      for (const key of record.storage) {
        const verdict = judge.storageKey(key.key, key.storage);
        const f = sight(verdict, page.url, record.pass);
        if (f) addOnce(f.cookies, key.key);
        if (verdict.kind !== 'first-party') fire(record, { page: page.url, what: 'storage', name: `${key.storage}: ${key.key}`, verdict, storage: key }, decided);
        const lifetime: Lifetime = key.storage === 'sessionStorage' ? { type: 'session' } : { type: 'persistent', text: 'until cleared' };
        declare({ name: key.key, storage: key.storage, ...describe(verdict), lifetime, observed: true, pages: [page.url] });
      }
    }
  }

  // What the registry declares for each service found, where the browser did not show it (the
  // vendor's script did not run, or not long enough): the policy must still list it.
  const entries = [...declaration.values()];
  for (const f of services.values()) {
    if (f.service.source === 'consentgate') continue; // its other keys exist only in some setups
    for (const declared of f.service.cookies) {
      if (entries.some((e) => covers(e, f.service.id, declared))) continue;
      const lifetime = declaredLifetime(declared.lifetime);
      entries.push({
        name: declared.name,
        storage: declared.storage ?? 'cookie',
        ...describe({ kind: 'service', service: f.service, declaration: declared }),
        ...(lifetime && { lifetime }),
        observed: false,
        pages: [...f.pages],
      });
    }
  }

  const byCategory = <T>(category: (t: T) => string, title: (t: T) => string) => (a: T, b: T) => compareCategories(category(a), category(b)) || title(a).localeCompare(title(b));
  return {
    services: [...services.values()].sort(byCategory((f) => f.service.category, (f) => f.service.title)),
    unknown: [...unknown.values()].sort((a, b) => a.site.localeCompare(b.site)),
    declaration: entries.sort(byCategory((e) => e.category, (e) => `${e.provider}\u0000${e.name}`)),
    beforeConsent,
    afterReject,
  };
}
