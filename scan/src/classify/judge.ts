/**
 * Matching what a page did against what ConsentGate knows: a request's URL, a cookie, a storage
 * key → a service (with its category and vendor), an unknown third party (by its site), or the
 * site's own. The URL matching is the SDK's own catalog (src/blocking/catalog.ts, bundled in at
 * build time), so the scanner and the blocking layer agree on what a URL is.
 */
import { createServiceCatalog, type ServiceCatalog, type ServiceRegistry } from '../../../src/blocking/catalog';
import registryJson from '../../../src/blocking/service-registry.json';
import { siteOf } from '../../../src/blocking/url-pattern';
import type { ConsentGateConfig, CookieDeclaration } from '../../../src/types';
import type { StorageKind } from '../types';
import { matchesWildcard } from '../wildcard';

/** The registry of the ConsentGate release this scanner was built with. */
export const REGISTRY = registryJson as ServiceRegistry;

/** The id under which ConsentGate's own record cookie and storage keys are listed. */
export const CONSENTGATE_SERVICE = 'consentgate';

export interface KnownService {
  id: string;
  title: string;
  /** The vendor. */
  provider?: string;
  /** The category it is gated by: the site config's when it lists the service, else the registry's. */
  category: string;
  description?: string;
  /** Its URL patterns. */
  domains: readonly string[];
  cookies: readonly CookieDeclaration[];
  privacyPolicyUrl?: string;
  /** `registry`: a built-in service; `config`: a custom service of the site's config; `consentgate`: the consent record itself. */
  source: 'registry' | 'config' | 'consentgate';
  /**
   * May run before a decision and after Reject all. A registry service by the registry's own
   * category (a config cannot make a tracker necessary: `check --allow` is the way for an
   * exception); a custom service by its config category being required.
   */
  necessary: boolean;
}

export type Verdict =
  | { kind: 'service'; service: KnownService; declaration?: CookieDeclaration }
  /** A third party nothing matches, by registrable domain (`site`). */
  | { kind: 'unknown'; site: string; host: string }
  /** The site's own, matching nothing. */
  | { kind: 'first-party' };

export interface Judge {
  readonly services: readonly KnownService[];
  byId(id: string): KnownService | undefined;
  isThirdParty(host: string): boolean;
  request(url: string): Verdict;
  cookie(cookie: { name: string; domain: string }): Verdict;
  storageKey(key: string, storage: StorageKind): Verdict;
}

export interface JudgeOptions {
  /** The site's URL: what is first party. */
  siteUrl: string;
  /** The site's config (`--config`): its custom services and categories count too. */
  config?: ConsentGateConfig | null;
  /** ConsentGate's record cookie on this site, once seen: it and its storage keys are necessary. */
  consentCookieName?: string;
}

/**
 * ConsentGate's own keys (src/ui/index.ts declares the first two to visitors): the record cookie,
 * the receipt queue (receipts/connect.ts), the dismissed notice (ui/shell.ts) and the cross-tab
 * channel (integrations/cross-tab.ts).
 */
function consentGateService(cookieName: string, category: string): KnownService {
  const purpose = 'Stores your cookie choices and when you made them.';
  return {
    id: CONSENTGATE_SERVICE,
    title: 'Consent choices (ConsentGate)',
    provider: 'This site',
    category,
    source: 'consentgate',
    necessary: true,
    domains: [],
    cookies: [
      { name: cookieName, purpose },
      { name: `${cookieName}:receipts`, storage: 'localStorage', purpose: 'Keeps proof of your choices until the site has received it.' },
      { name: `${cookieName}:notice`, storage: 'sessionStorage', purpose: 'Remembers that you closed the notice.' },
      { name: `consentgate:${cookieName}`, storage: 'localStorage', purpose: 'Tells your other tabs of this site about a new choice.' },
    ],
  };
}

interface NamedKey {
  service: KnownService;
  declaration: CookieDeclaration;
  storage: 'cookie' | StorageKind;
}

export function createJudge(options: JudgeOptions): Judge {
  const siteHost = new URL(options.siteUrl).hostname.toLowerCase();
  const config = options.config ?? null;
  const catalog: ServiceCatalog = createServiceCatalog({ registry: REGISTRY, configCategories: config?.categories ?? [], pageHost: siteHost });
  const registryCategory = new Map(REGISTRY.services.map((s) => [s.id, s.category]));
  const required = new Set(config ? config.categories.filter((c) => c.required).map((c) => c.id) : ['necessary']);
  const services: KnownService[] = catalog.services.map((s) => ({
    id: s.id,
    title: s.title ?? s.id,
    ...(s.provider !== undefined && { provider: s.provider }),
    category: s.category,
    ...(s.description !== undefined && { description: s.description }),
    domains: s.domains,
    cookies: s.cookies,
    ...(s.privacyPolicyUrl !== undefined && { privacyPolicyUrl: s.privacyPolicyUrl }),
    source: s.custom ? 'config' : 'registry',
    necessary: s.custom ? required.has(s.category) : registryCategory.get(s.id) === 'necessary',
  }));
  if (options.consentCookieName) services.push(consentGateService(options.consentCookieName, [...required][0] ?? 'necessary'));
  const byId = new Map(services.map((s) => [s.id, s]));
  const keys: NamedKey[] = services.flatMap((service) => service.cookies.map((declaration) => ({ service, declaration, storage: declaration.storage ?? 'cookie' })));

  const isThirdParty = (host: string) => siteOf(host) !== siteOf(siteHost);
  const serviceOfUrl = (url: string | URL) => {
    const found = catalog.match(url);
    return found && byId.get(found.id);
  };

  /**
   * The declaration a name belongs to: exact names before patterns, longer patterns before
   * shorter; a tie goes to the service whose hosts cover `domain` (a cookie of `.doubleclick.net`
   * named `IDE`).
   */
  const byName = (name: string, kinds: ReadonlyArray<NamedKey['storage']>, domain?: string): NamedKey | undefined => {
    let best: NamedKey | undefined;
    let bestScore = -1;
    const owner = domain ? catalog.matchHostPath(domain, '/')?.id : undefined;
    for (const key of keys) {
      if (!kinds.includes(key.storage)) continue;
      const pattern = key.declaration.name;
      const exact = pattern === name;
      if (!exact && !(pattern.includes('*') && matchesWildcard(pattern, name, 'whole'))) continue;
      const score = (exact ? 1_000_000 : pattern.length * 2) + (key.service.id === owner ? 1 : 0);
      if (score > bestScore) {
        best = key;
        bestScore = score;
      }
    }
    return best;
  };

  return {
    services,
    byId: (id) => byId.get(id),
    isThirdParty,
    request(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return { kind: 'first-party' };
      }
      const service = serviceOfUrl(u);
      if (service) return { kind: 'service', service };
      const host = u.hostname.toLowerCase();
      return isThirdParty(host) ? { kind: 'unknown', site: siteOf(host), host } : { kind: 'first-party' };
    },
    cookie({ name, domain }) {
      const host = domain.replace(/^\./, '').toLowerCase();
      const named = byName(name, ['cookie'], host);
      if (named) return { kind: 'service', service: named.service, declaration: named.declaration };
      const owner = catalog.matchHostPath(host, '/');
      const service = owner && byId.get(owner.id);
      if (service) return { kind: 'service', service };
      return isThirdParty(host) ? { kind: 'unknown', site: siteOf(host), host } : { kind: 'first-party' };
    },
    storageKey(key, storage) {
      // Declared for this storage first; a tracker's cookie name reused as a storage key still counts.
      const named = byName(key, [storage]) ?? byName(key, ['cookie', 'localStorage', 'sessionStorage']);
      return named ? { kind: 'service', service: named.service, declaration: named.declaration } : { kind: 'first-party' };
    },
  };
}
