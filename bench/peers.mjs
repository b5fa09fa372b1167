/**
 * The three consent tools of the benchmark, each set up the way its own documentation says, on the
 * same page shape: a marketing page with Google's gtag.js snippet and Meta's pixel (marked for each
 * tool in the markup it documents), plus LinkedIn's Insight tag pasted unmarked (what a site owner
 * forgets; only a tool that knows tracker hosts holds it).
 *
 * Fairness notes (also printed in bench/README.md):
 * - vanilla-cookieconsent hides itself from bots, and it counts `navigator.webdriver` (set in every
 *   automated browser) as a bot: `hideFromBots: false` turns that off. Nothing else differs from
 *   its documented quick start (UMD build + its CSS file, `CookieConsent.run()` at the end of body).
 * - Klaro: its documented setup (a `klaroConfig` global, then `klaro.js` with `defer`), the
 *   default build with its CSS inside, `acceptAll: true` so its notice has an "accept all" button
 *   like the others.
 * - ConsentGate: the script tag first in <head> with the config inline (`data-consentgate-config`),
 *   after the README's `<link rel="preload">` for the app; a second row leaves the hint out.
 * - All three get the same categories (necessary, analytics, advertising), the same two services
 *   and English texts of about the same length.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const file = (rel) => ROOT + rel;

export const GA_LOADER = 'https://www.googletagmanager.com/gtag/js?id=G-BENCH0001';
export const FB_EVENTS = 'https://connect.facebook.net/en_US/fbevents.js';
export const LINKEDIN = 'https://snap.licdn.com/li.lms-analytics/insight.min.js';

const TITLE = 'We value your privacy';
const TEXT = 'We use cookies for analytics and advertising only if you agree. You can change your choice at any time.';

const GA_INLINE = `window.dataLayer = window.dataLayer || [];
    function gtag(){dataLayer.push(arguments);}
    gtag('js', new Date());
    gtag('config', 'G-BENCH0001');`;
const FB_INLINE = `!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
    n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
    n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];
    s.parentNode.insertBefore(t,s)}(window, document,'script','${FB_EVENTS}');
    fbq('init', '1234567890'); fbq('track', 'PageView');`;
const LINKEDIN_UNMARKED = `<script>
    _linkedin_partner_id = "7654321";
    window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];
    window._linkedin_data_partner_ids.push(_linkedin_partner_id);
  </script><script>
    (function(l) {
    if (!l){window.lintrk = function(a,b){window.lintrk.q.push([a,b])}; window.lintrk.q=[]}
    var s = document.getElementsByTagName("script")[0];
    var b = document.createElement("script");
    b.type = "text/javascript";b.async = true;
    b.src = "${LINKEDIN}";
    s.parentNode.insertBefore(b, s);})(window.lintrk);
  </script>`;

const CONTENT = `<header><strong>Larkspur Health</strong> · <a href="#">Care</a> · <a href="#">Blog</a></header>
  <main>
    <h1>Care that fits your life</h1>
    <p>Video visits with board-certified clinicians, same-day prescriptions and a care team that remembers you.</p>
    ${'<section><h2>Primary care</h2><p>Annual check-ups, lab orders and referrals, from home. Most plans accepted.</p></section>\n'.repeat(12)}
  </main>
  <footer><a href="#">Privacy policy</a></footer>`;

const page = ({ head = '', body = '' }) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Larkspur Health</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}</style>
${head}
</head><body>
${body}
</body></html>`;

const consentGateConfig = {
  policy: { version: '1', privacyPolicyUrl: '/privacy' },
  categories: [
    { id: 'necessary', required: true },
    { id: 'analytics', services: [{ id: 'google-analytics' }] },
    { id: 'advertising', services: [{ id: 'meta-pixel' }] },
  ],
  texts: { en: { bannerTitle: TITLE, bannerText: TEXT } },
  ui: { optOutLink: { fixed: false } },
};

const vanillaConfig = {
  hideFromBots: false,
  categories: { necessary: { enabled: true, readOnly: true }, analytics: {}, advertising: {} },
  language: {
    default: 'en',
    translations: {
      en: {
        consentModal: {
          title: TITLE,
          description: TEXT,
          acceptAllBtn: 'Accept all',
          acceptNecessaryBtn: 'Reject all',
          showPreferencesBtn: 'Manage choices',
        },
        preferencesModal: {
          title: 'Cookie preferences',
          acceptAllBtn: 'Accept all',
          acceptNecessaryBtn: 'Reject all',
          savePreferencesBtn: 'Save choices',
          sections: [
            { title: 'Necessary', linkedCategory: 'necessary' },
            { title: 'Analytics', linkedCategory: 'analytics' },
            { title: 'Advertising', linkedCategory: 'advertising' },
          ],
        },
      },
    },
  },
};

const klaroConfig = {
  version: 1,
  acceptAll: true,
  privacyPolicy: '/privacy',
  translations: {
    en: {
      consentNotice: { description: TEXT },
      consentModal: { title: TITLE, description: TEXT },
      purposes: { analytics: 'Analytics', advertising: 'Advertising' },
    },
  },
  services: [
    { name: 'google-analytics', title: 'Google Analytics', purposes: ['analytics'] },
    { name: 'meta-pixel', title: 'Meta pixel', purposes: ['advertising'] },
  ],
};

const json = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * Each tool: the files it ships (what a first-time visitor downloads), the page, how to find its
 * banner (`banner`: a selector, searched in open shadow roots too) and its "accept all" button.
 */
const consentGate = (preload) => ({
  id: preload ? 'consentgate' : 'consentgate-no-hint',
  name: preload ? 'ConsentGate' : 'ConsentGate without the preload hint',
  version: JSON.parse(readFileSync(file('package.json'), 'utf8')).version,
  files: { '/consentgate.js': file('dist/consentgate.js'), '/consentgate-app.js': file('dist/consentgate-app.js') },
  optionalFiles: { '/consentgate-ui.js': file('dist/consentgate-ui.js') },
  banner: '[data-consentgate-banner]',
  accept: '[data-consentgate-banner] [data-consentgate-accept-all]',
  html: () =>
    page({
      head: `${preload ? '<link rel="preload" href="/consentgate-app.js" as="script">\n' : ''}<script type="application/json" data-consentgate-config>${json(consentGateConfig)}</script>
<script src="/consentgate.js"></script>
<script type="text/plain" data-category="analytics" data-service="google-analytics" async src="${GA_LOADER}"></script>
<script type="text/plain" data-category="analytics" data-service="google-analytics">${GA_INLINE}</script>
<script type="text/plain" data-category="advertising" data-service="meta-pixel">${FB_INLINE}</script>`,
      body: `${CONTENT}\n${LINKEDIN_UNMARKED}`,
    }),
});

export const PEERS = [
  // The README's setup: a preload hint for the app, so that its request starts with the HTML's
  // rather than after the boot has run; and, to show what the hint is worth, the boot tag alone.
  consentGate(true),
  consentGate(false),
  {
    id: 'vanilla-cookieconsent',
    name: 'vanilla-cookieconsent',
    version: JSON.parse(readFileSync(file('node_modules/vanilla-cookieconsent/package.json'), 'utf8')).version,
    files: {
      '/cookieconsent.umd.js': file('node_modules/vanilla-cookieconsent/dist/cookieconsent.umd.js'),
      '/cookieconsent.css': file('node_modules/vanilla-cookieconsent/dist/cookieconsent.css'),
    },
    banner: '#cc-main .cm',
    accept: '#cc-main .cm [data-role="all"]',
    html: () =>
      page({
        head: `<link rel="stylesheet" href="/cookieconsent.css">
<script type="text/plain" data-category="analytics" data-service="google-analytics" async src="${GA_LOADER}"></script>
<script type="text/plain" data-category="analytics" data-service="google-analytics">${GA_INLINE}</script>
<script type="text/plain" data-category="advertising" data-service="meta-pixel">${FB_INLINE}</script>`,
        body: `${CONTENT}\n${LINKEDIN_UNMARKED}
<script src="/cookieconsent.umd.js"></script>
<script>CookieConsent.run(${json(vanillaConfig)});</script>`,
      }),
  },
  {
    id: 'klaro',
    name: 'Klaro',
    version: JSON.parse(readFileSync(file('node_modules/klaro/package.json'), 'utf8')).version,
    files: { '/klaro.js': file('node_modules/klaro/dist/klaro.js') },
    banner: '.klaro .cookie-notice:not(.cookie-notice-hidden)',
    accept: '.klaro .cookie-notice .cm-btn-success',
    html: () =>
      page({
        head: `<script>var klaroConfig = ${json(klaroConfig)};</script>
<script defer data-config="klaroConfig" src="/klaro.js"></script>
<script type="text/plain" data-type="text/javascript" data-name="google-analytics" async data-src="${GA_LOADER}"></script>
<script type="text/plain" data-type="text/javascript" data-name="google-analytics">${GA_INLINE}</script>
<script type="text/plain" data-type="text/javascript" data-name="meta-pixel">${FB_INLINE}</script>`,
        body: `${CONTENT}\n${LINKEDIN_UNMARKED}`,
      }),
  },
];

/** Hosts that count as trackers in "requests before consent". */
export const TRACKER_HOSTS = ['www.googletagmanager.com', 'www.google-analytics.com', 'connect.facebook.net', 'www.facebook.com', 'snap.licdn.com', 'px.ads.linkedin.com'];
