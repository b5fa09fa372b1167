/**
 * The seven consent types of Google Consent Mode v2, in the order the SDK writes them. Its own
 * module: the boot imports it (the Consent Mode default), and must not pull in the config rules.
 */
export const GOOGLE_CONSENT_TYPES = [
  'ad_storage',
  'analytics_storage',
  'ad_user_data',
  'ad_personalization',
  'functionality_storage',
  'personalization_storage',
  'security_storage',
] as const;
