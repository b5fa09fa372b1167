import { isObject } from '../json-value';
import type { ServiceRegistry } from './catalog';
import { createServiceCatalog } from './catalog';
import { installGuardedWindow, type Blocking } from './install';
import { createReleaser } from './release';
import registry from './service-registry.json';

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
    catalog: createServiceCatalog({ registry: registry as ServiceRegistry, configCategories: categories, useRegistry: options.registry !== false }),
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
