/**
 * The service catalog: the built-in registry (`service-registry.json`) merged with the services
 * the config lists under its categories. One place answers "which service is this URL?".
 */
import type { CategoryConfig, CookieDeclaration, ServiceConfig } from '../types';
import { createPatternIndex, siteOf } from './url-pattern';

/** One entry of `service-registry.json`. The boot ships a slim copy: id, category, domains. */
export interface RegistryService {
  id: string;
  category: string;
  domains: readonly string[];
  title?: string;
  provider?: string;
  description?: string;
  cookies?: readonly CookieDeclaration[];
  privacyPolicyUrl?: string;
  optOutUrl?: string;
  /** Vendor consent API the integrations drive (`google`, `meta`, `uet`, `clarity`, `tiktok`). */
  consentApi?: string;
  /** Embedded content (video, map, post): the UI shows a placeholder while it is held. */
  embed?: boolean;
}

export interface ServiceRegistry {
  services: readonly RegistryService[];
}

/** A service as the blocking layer and the UI see it: registry entry and config entry merged. */
export interface CatalogService extends Omit<ServiceConfig, 'domains' | 'cookies'> {
  /** The category it is gated by: the config's when the config lists it, else the registry's. */
  category: string;
  domains: readonly string[];
  cookies: readonly CookieDeclaration[];
  consentApi?: string;
  embed?: boolean;
  /** Listed in the config (a registry entry the config names, or a custom service). */
  listed: boolean;
  /** Not in the registry: the config defines it alone. */
  custom: boolean;
}

export interface ServiceCatalog {
  /** Registry order, then custom services in config order. */
  readonly services: readonly CatalogService[];
  /** The host the catalog judges first and third party against. */
  readonly pageHost: string;
  /** Whether some pattern covers the page's own host (then relative URLs are judged too). */
  readonly coversPageHost: boolean;
  /** Whether some pattern is for this host or a parent domain of it (a URL of any other host matches nothing). */
  covers(host: string): boolean;
  byId(id: string): CatalogService | undefined;
  /** The most specific service for an absolute URL (or one relative to the page host). */
  match(url: string | URL): CatalogService | undefined;
  /** The same, for a URL already split: its host and its path + query (`/tr?id=1`). */
  matchHostPath(host: string, path: string): CatalogService | undefined;
  /** Whether the URL's registrable domain differs from the page's (see `siteOf`) and no `necessaryHosts` pattern covers it. */
  isThirdParty(url: string | URL): boolean;
}

export interface ServiceCatalogOptions {
  /** The built-in registry (or the boot's slim copy of it). */
  registry?: ServiceRegistry;
  /** The config's categories; each service listed takes the category it is listed under. */
  configCategories?: ReadonlyArray<Pick<CategoryConfig, 'id'> & { services?: readonly ServiceConfig[] }>;
  /** `blocking.registry`: also gate registry services the config does not list. @default true */
  useRegistry?: boolean;
  /** @default `location.hostname` */
  pageHost?: string;
  /** `blocking.necessaryHosts`: host patterns that count as first party (`unknownThirdParty: "block"` lets them through). */
  necessaryHosts?: readonly string[];
}

const union = <T>(a: readonly T[] = [], b: readonly T[] = []) => [...new Set([...a, ...b])];

/**
 * Merge rules: a config service whose id is a registry id merges into that entry. Its scalar
 * fields (title, links, …) override the registry's; its `domains` and `cookies` are added to the
 * registry's, so listing `google-analytics` with a server-side tagging host blocks both. It takes
 * the category it is listed under. An unknown id is a custom service. With `useRegistry: false`
 * only listed services are in the catalog (registry data still fills in what a listed one omits).
 */
export function createServiceCatalog(options: ServiceCatalogOptions = {}): ServiceCatalog {
  const { registry, configCategories = [], useRegistry = true } = options;
  const pageHost = (options.pageHost ?? (typeof location === 'undefined' ? '' : location.hostname)).toLowerCase();
  const byId = new Map<string, CatalogService>();
  const fromRegistry = new Map(registry?.services.map((s) => [s.id, s]));
  if (useRegistry) for (const s of fromRegistry.values()) byId.set(s.id, { ...s, cookies: s.cookies ?? [], listed: false, custom: false });
  for (const category of configCategories) {
    for (const s of category.services ?? []) {
      const base = fromRegistry.get(s.id);
      byId.set(s.id, {
        ...base,
        ...s,
        category: category.id,
        domains: union(base?.domains, s.domains),
        cookies: [...(base?.cookies ?? []), ...(s.cookies ?? [])],
        listed: true,
        custom: !base,
      });
    }
  }
  const services = [...byId.values()];
  const index = createPatternIndex<CatalogService>();
  // A pattern that starts with `/` is a path of the page's own host (a tracker proxied through the
  // site, as server-side tagging does: `/metrics/g/collect`).
  for (const s of services) for (const d of s.domains) index.add(d[0] === '/' ? pageHost + d : d, s);
  const necessary = createPatternIndex<true>();
  for (const host of options.necessaryHosts ?? []) necessary.add(host, true);
  const parse = (url: string | URL) => (typeof url === 'string' ? new URL(url, 'https://' + (pageHost || 'localhost') + '/') : url);
  return {
    services,
    pageHost,
    coversPageHost: !!pageHost && index.covers(pageHost),
    covers: index.covers,
    byId: (id) => byId.get(id),
    match(url) {
      const u = parse(url);
      return index.match(u.hostname, u.pathname + u.search);
    },
    matchHostPath: index.match,
    isThirdParty(url) {
      const host = parse(url).hostname;
      return siteOf(host) !== siteOf(pageHost) && !necessary.match(host, '/');
    },
  };
}
