import { isObject } from '../json-value';
import type { ServiceRegistry } from './catalog';
import { createServiceCatalog } from './catalog';
import { installGuardedWindow, type Blocking } from './install';
import { createReleaser } from './release';
import registry from './service-registry.json';

/**
 * The registry this bundle carries. The boot's build packs its copy as category → one
 * "id pattern pattern…" line per service (rollup.config.mjs, `slimRegistry`); other builds carry
 * the JSON as it is.
 */
export function bundledRegistry(): ServiceRegistry {
  if ('services' in registry) return registry as ServiceRegistry;
  const packed = registry as unknown as Record<string, string>;
  const services = [];
  for (const category in packed) {
    for (const line of packed[category]!.split('\n')) {
      const [id, ...domains] = line.split(' ');
      services.push({ id: id!, category, domains });
    }
  }
  return { services };
}

/**
 * The guards, from what is known now: the registry's patterns plus, when the config is already in
 * the page, the services it lists (raw JSON, not yet validated: only well-formed entries count).
 * With a config URL, the registry alone until the app sets the full catalog. No releaser: the
 * boot's handle gets it from the app (`attachRelease`); see `installBlockingForConfig`.
 */
export function installGuardsForConfig(config: unknown): Blocking {
  const raw = isObject(config) ? config : {};
  const options = isObject(raw.blocking) ? raw.blocking : {};
  const categories = (Array.isArray(raw.categories) ? raw.categories : []).filter(isObject).map((c) => ({
    id: String(c.id),
    services: (Array.isArray(c.services) ? c.services : [])
      .filter((s): s is Record<string, unknown> => isObject(s) && typeof s.id === 'string')
      .map((s) => ({ id: s.id as string, domains: Array.isArray(s.domains) ? s.domains.filter((d): d is string => typeof d === 'string') : [] })),
  }));
  return installGuardedWindow({
    catalog: createServiceCatalog({
      registry: bundledRegistry(),
      configCategories: categories,
      useRegistry: options.registry !== false,
      necessaryHosts: Array.isArray(options.necessaryHosts) ? options.necessaryHosts.filter((h): h is string => typeof h === 'string') : [],
    }),
    unknownThirdParty: options.unknownThirdParty === 'block' ? 'block' : 'allow',
    debug: raw.debug === true,
  });
}

/** `installGuardsForConfig` with the releaser attached (an app that imports the SDK: npm build). */
export function installBlockingForConfig(config: unknown): Blocking {
  const handle = installGuardsForConfig(config);
  handle.attachRelease(createReleaser());
  return handle;
}
