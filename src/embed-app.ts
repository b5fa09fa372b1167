/**
 * Script-tag app: `dist/consentgate-app.js`, loaded async by the boot (`consentgate.js`). Validates
 * the config, reads the visitor's record, connects the boot's blocking handle, the integrations
 * and the UI, then hands its API to the boot's `window.ConsentGate` facade, which replays what the
 * page called meanwhile.
 *
 * Loaded twice (or without the boot), it does nothing but say so.
 */
import { connectBlocking, createServiceCatalog, type Blocking } from './blocking';
import registry from './blocking/service-registry.json';
import type { BootHandOver } from './embed';
import { createCore, createPublicApi, loadConfig, type GateParts } from './gate';
import {
  connectCrossTab,
  connectDataLayer,
  connectGoogleConsentMode,
  connectSensitivePages,
  connectVendorConsent,
  dispatchChangeEvents,
} from './integrations';
import { logError, logWarning } from './log';
import { mountUi, type UiBlocking, type UiCatalog } from './ui';
import { VERSION } from './version';
import type { ConsentGate } from './types';

// Same key as in embed.ts (a separate bundle: shared by value, not by import).
const HAND_OVER = 'consentgate.boot';

/**
 * Composition for the script tag: config → core → blocking → integrations → UI. Invalid config:
 * the manager fails closed (only `necessary`), no UI, and `problems` lists why.
 */
function startApp(input: unknown, blocking: Blocking, region: string | undefined): ConsentGate {
  const { config, problems } = loadConfig(input);
  const manager = createCore(config, { region });
  dispatchChangeEvents(manager);
  if (!config) {
    // Take back a Consent Mode default the boot pushed from the raw JSON.
    connectGoogleConsentMode(manager, null);
    return createPublicApi(manager, problems);
  }
  const catalog = createServiceCatalog({ registry, configCategories: config.categories, useRegistry: config.blocking.registry });
  // Sensitive pages first: a restricted category must already be off when blocking first releases.
  connectSensitivePages(manager, config);
  connectBlocking(manager, blocking, { catalog, reloadOnWithdraw: config.blocking.reloadOnWithdraw });
  connectGoogleConsentMode(manager, config);
  connectDataLayer(manager);
  const vendors = connectVendorConsent(manager, catalog.services);
  blocking.onEvent((event) => event.type === 'released' && vendors.refresh());
  connectCrossTab(manager, config);

  const uiCatalog: UiCatalog = {
    // What this site declares, plus what the guards met on this page (a registry service it did not list).
    list: () => {
      const met = new Set([...blocking.held(), ...blocking.released()].map((v) => v.service));
      return catalog.services.filter((s) => s.listed || met.has(s.id));
    },
    byId: (id) => catalog.byId(id),
  };
  const uiBlocking: UiBlocking = {
    onEvent: (listener) =>
      blocking.onEvent((e) => {
        if (e.type === 'held') listener({ type: 'held', element: e.element, service: e.service, category: e.category });
        else if (e.type === 'released') listener({ type: 'released', element: e.element });
      }),
    held: () => blocking.held(),
  };
  // The app may run while <head> is still parsing (it is async and small files arrive fast): the
  // UI needs <body> and the footer's [data-consentgate-opt-out], so it mounts once the document is
  // parsed. Consent, blocking and the API work from now on.
  const parts: GateParts = {};
  const mount = () => {
    try {
      const ui = mountUi({ manager, config, catalog: uiCatalog, blocking: uiBlocking });
      parts.showBanner = ui.showBanner;
      parts.showPreferences = ui.showPreferences;
    } catch (error) {
      logError('The consent UI could not be shown; every non-necessary category stays blocked until a decision.', error);
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount, { once: true });
  else mount();
  return createPublicApi(manager, problems, parts);
}

function start(): void {
  const facade = window.ConsentGate as unknown as Record<symbol, BootHandOver | undefined> | undefined;
  const boot = facade?.[Symbol.for(HAND_OVER)];
  if (!boot) {
    logError('consentgate-app.js is loaded by consentgate.js: put that one in the page instead.');
    return;
  }
  if (boot.started) return;
  boot.started = true;
  if (boot.version !== VERSION) logWarning(`consentgate.js ${boot.version} loaded consentgate-app.js ${VERSION}: serve both from the same release.`);
  boot.config.then(
    (config) => {
      // No config (none found, or it failed to load): the boot already said why; everything stays held.
      if (config === null || config === undefined) return;
      try {
        boot.attach(startApp(config, boot.blocking, boot.region));
      } catch (error) {
        logError('Start-up failed; every non-necessary category stays blocked.', error);
      }
    },
    (error: unknown) => logError('Start-up failed; every non-necessary category stays blocked.', error),
  );
}

try {
  start();
} catch (error) {
  logError('Start-up failed; every non-necessary category stays blocked.', error);
}
