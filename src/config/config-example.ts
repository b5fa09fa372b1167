import type { ConsentGateConfig } from '../types';

/**
 * A config that sets every key, as a health company's site might: the example of each key in
 * docs/configuration.md is its value here. Build-time only (the docs and their tests). It must stay
 * valid and complete: test/config/reference.test.ts fails when a key of the rule tree is missing.
 */
export const configExample: ConsentGateConfig = {
  $schema: 'https://unpkg.com/consentgate/dist/consentgate.schema.json',
  mode: 'opt-in',
  regions: { 'US-CA': 'opt-out', US: 'opt-out', default: 'opt-in' },
  policy: {
    version: '2024-06',
    privacyPolicyUrl: '/privacy',
    lifetimeDays: 365,
    cookieName: 'acme_consent',
    cookieDomain: 'acme-health.example',
    cookiePath: '/',
  },
  categories: [
    { id: 'necessary', required: true },
    {
      id: 'functional',
      services: [
        { id: 'google-maps' },
        {
          id: 'helpdesk-chat',
          title: 'Helpdesk chat',
          provider: 'Helpdesk Ltd.',
          description: 'The chat window for questions about appointments.',
          domains: ['chat.helpdesk.example', '*.helpdesk-cdn.example', 'api.helpdesk.example/v2'],
          cookies: [{ name: 'hd_session', purpose: 'Keeps the chat open from page to page', lifetime: 'session', storage: 'sessionStorage' }],
          privacyPolicyUrl: 'https://helpdesk.example/privacy',
          optOutUrl: 'https://helpdesk.example/opt-out',
          switchable: false,
        },
      ],
    },
    { id: 'analytics', title: 'Analytics', description: 'Help us see which pages are used, to improve them.', default: false, services: [{ id: 'google-analytics' }] },
    { id: 'advertising', services: [{ id: 'meta-pixel' }] },
    { id: 'social', services: [{ id: 'youtube' }] },
  ],
  signals: {
    doNotTrack: { mode: 'ignore', categories: ['analytics', 'advertising'], statement: 'This site does not respond to Do Not Track signals.', reason: 'No common standard for Do Not Track exists.' },
    globalPrivacyControl: { mode: 'honor', categories: ['advertising'], statement: 'This site honors Global Privacy Control.', reason: 'An opt-out of sale and sharing.' },
  },
  language: 'auto',
  texts: { de: { bannerTitle: 'Ihre Datenschutz-Einstellungen', 'category.analytics.title': 'Statistik' } },
  ui: {
    layout: 'bar',
    optOutLink: { categories: ['analytics', 'advertising'], fixed: true },
    placeholderGrants: 'service',
    optOutLinks: [{ title: 'Digital Advertising Alliance', url: 'https://optout.aboutads.info/' }],
    theme: {
      '--cg-bg': '#ffffff',
      '--cg-fg': '#1b1c1f',
      '--cg-muted': '#4f525a',
      '--cg-accent': '#0b6e4f',
      '--cg-on-accent': '#ffffff',
      '--cg-line': 'rgb(215 217 222)',
      '--cg-soft': 'hsl(220 14% 96%)',
      '--cg-radius': '6px',
      '--cg-space': '1rem',
      '--cg-font': '"Inter", system-ui, sans-serif',
    },
    nonce: 'r4nd0m-n0nce',
    bannerInOptOut: false,
  },
  blocking: { unknownThirdParty: 'allow', necessaryHosts: [], reloadOnWithdraw: true, registry: true },
  sensitivePages: [{ match: '/conditions/**', block: ['advertising', 'social'] }],
  googleConsentMode: {
    enabled: true,
    map: { analytics: ['analytics_storage'], advertising: ['ad_storage', 'ad_user_data', 'ad_personalization'] },
    waitForUpdate: 500,
    region: ['US-CA'],
    adsDataRedaction: true,
    urlPassthrough: false,
  },
  receipts: { endpoint: '/consent-receipts', maxQueued: 50, maxAgeDays: 30 },
  debug: false,
};
