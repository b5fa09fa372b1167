export { dispatchChangeEvents, CHANGE_EVENT } from './dom-event';
export {
  pushConsentDefault,
  connectGoogleConsentMode,
  defaultConsentState,
  consentTypeState,
  CONSENT_TYPES,
  DEFAULT_CONSENT_MAP,
  DEFAULT_WAIT_FOR_UPDATE,
  type ConsentType,
  type ConsentTypeState,
  type DataLayerWindow,
} from './google-consent-mode';
export { connectDataLayer, DATA_LAYER_EVENT, type DataLayerConsent } from './data-layer';
export { connectVendorConsent, type ConsentApi, type VendorService, type VendorWindow, type VendorConsentHandle } from './vendor-consent';
export { connectCrossTab, crossTabName, type CrossTabEnv } from './cross-tab';
export {
  connectSensitivePages,
  sensitiveBlocks,
  matchesPathGlob,
  patchHistory,
  LOCATION_CHANGE_EVENT,
  DEFAULT_SENSITIVE_BLOCK,
  type LocationEnv,
} from './sensitive-pages';
export { regionFromScript, normalizeRegion } from './regions';
