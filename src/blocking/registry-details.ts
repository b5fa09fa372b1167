/**
 * The registry's details: service descriptions, cookie purposes and lifetimes, privacy-policy and
 * opt-out links. Only the preferences and the cookie declaration show them, so the script tag
 * ships them apart (`dist/consentgate-registry.js`, split from `service-registry.json` at build
 * time: see rollup.config.mjs) and loads them the first time one of those is shown. A first visit
 * that only answers the banner never downloads them.
 *
 * The details file is an IIFE of data that hands it to the app through the boot's hand-over object
 * (`window[Symbol.for('consentgate.boot')].registryDetails`), so it is a script under
 * the page's CSP `script-src` (same folder and nonce as the app), never a `fetch` that a strict
 * `connect-src` could refuse.
 */
import { guarded, logError } from '../log';
import { addScript, type ScriptAttributes } from '../script-tag';
import type { CookieDeclaration } from '../types';
import type { ServiceCatalog } from './catalog';

/** What the details file holds for one registry service. */
export interface ServiceDetails {
  description?: string;
  privacyPolicyUrl?: string;
  optOutUrl?: string;
  /** The registry's cookies of the service, in its order, with their purpose and lifetime. */
  cookies?: readonly CookieDeclaration[];
}

/** Registry id → details. */
export type RegistryDetails = Readonly<Record<string, ServiceDetails>>;

/** The file's name; it lives next to `consentgate-app.js`. Also in rollup.config.mjs. */
export const REGISTRY_FILE = 'consentgate-registry.js';

/** Where the details file calls in (a property of the boot's hand-over object). */
export interface DetailsReceiver {
  registryDetails?: (details: RegistryDetails) => void;
}

/**
 * Fills in the details the catalog's registry entries lack, in place (the UI and `byId()` hand out
 * these very objects), giving what `createServiceCatalog` gives from the full registry: a config's
 * description or link overrides the registry's, its cookies follow the registry's with their own
 * words. Custom services have no registry entry.
 */
export function addRegistryDetails(catalog: Pick<ServiceCatalog, 'services'>, details: RegistryDetails): void {
  for (const s of catalog.services) {
    // Not custom: `s.id` is a registry id, so a key of the details file's own (or none).
    const d = s.custom ? undefined : details[s.id];
    if (!d) continue;
    s.description ??= d.description;
    s.privacyPolicyUrl ??= d.privacyPolicyUrl;
    s.optOutUrl ??= d.optOutUrl;
    // The catalog lists the registry's cookies first, then the config's (which keep their own
    // words): the details' i-th cookie is the catalog's i-th, checked by name.
    const more = d.cookies ?? [];
    s.cookies = s.cookies.map((k, i) => (more[i]?.name === k.name ? { ...k, ...more[i] } : k));
  }
}

/**
 * Adds `<script src=url nonce>` and resolves with what it hands over. Fails when the file does not
 * load, or loads without calling in (not our file).
 */
export function loadRegistryDetails(receiver: DetailsReceiver, url: string, attributes: ScriptAttributes = {}, doc: Document = document): Promise<RegistryDetails> {
  return new Promise((resolve, reject) => {
    receiver.registryDetails = resolve;
    const script = addScript(url, attributes, doc);
    // `load` fires after the file ran: had it called in, the promise is settled and this is a no-op.
    script.onload = () => reject(new Error(`${url} did not hand over the registry details`));
    script.onerror = () => reject(new Error(`${url} could not be loaded`));
  });
}

/**
 * The UI catalog's `details(ready)` over a loader: `true` when the catalog is complete (loaded, or
 * the loading failed: the UI then shows what it has); else starts the load (once) and calls each
 * distinct `ready` when it is over, whatever the outcome.
 */
export function detailsOnDemand(catalog: Pick<ServiceCatalog, 'services'>, load: () => Promise<RegistryDetails>): (ready: () => void) => boolean {
  let state: 'none' | 'loading' | 'done' = 'none';
  const waiting = new Set<() => void>();
  const finish = () => {
    state = 'done';
    for (const ready of waiting) guarded('The consent UI', ready);
    waiting.clear();
  };
  return (ready) => {
    if (state === 'done') return true;
    waiting.add(ready);
    if (state === 'none') {
      state = 'loading';
      // In a `then`: a loader that throws is a failed load, never an exception in the UI's paint.
      Promise.resolve()
        .then(load)
        .then((details) => addRegistryDetails(catalog, details))
        .catch((error: unknown) => logError('The service details could not be loaded; the preferences show the services without them.', error))
        .then(finish);
    }
    return false;
  };
}
