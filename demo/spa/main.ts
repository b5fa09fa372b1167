/**
 * Larkspur patient app: a small single-page app on the npm package. Client-side routing with
 * history.pushState; analytics and the Meta pixel loaded once, the way SPAs do it, with a page view
 * sent through their queues on each route change. The live panel lists each service as allowed or
 * blocked and every tag or request the SDK stopped (the blocking handle's `held`/`blocked` events).
 *
 * What it shows: route changes neither re-show the banner nor re-run trackers (each loader runs
 * once); /spa/conditions/* is a sensitive page (the config's `sensitivePages`), so advertising stays
 * off there whatever the visitor chose.
 */
import { createConsentGate, createServiceCatalog, installBlocking, type BlockingEvent, type ConsentGateConfig } from 'consentgate';

declare global {
  interface Window {
    __spa?: { routeChanges: number; loaderInserts: number; pageViews: number; bannerShows: number };
  }
}
type Queue = ((...args: unknown[]) => void) & { queue: unknown[] };
const page = window as unknown as { dataLayer?: unknown[]; fbq?: Queue };

const GA = 'https://www.googletagmanager.com/gtag/js?id=G-LARKSPUR01';
const META = 'https://connect.facebook.net/en_US/fbevents.js';

const ROUTES: Record<string, { title: string; body: string }> = {
  '/spa/': { title: 'Good morning, Sam', body: '<p>Your next video visit is <strong>Thursday at 10:30</strong> with Dr. Okafor.</p><p>2 new lab results are ready.</p>' },
  '/spa/appointments': { title: 'Appointments', body: '<ul><li>Thu 10:30 — Dr. Okafor, primary care (video)</li><li>Mar 14 — Lab work, downtown clinic</li></ul>' },
  '/spa/messages': { title: 'Messages', body: '<p><strong>Care team:</strong> Your refill was sent to your pharmacy.</p>' },
  '/spa/conditions/anxiety': {
    title: 'Anxiety program',
    body: '<p class="notice">A health page: advertising and social services are off here whatever your choices.</p><p>Weekly sessions with a licensed therapist, plus exercises between visits.</p>',
  },
};

const $ = (id: string) => document.getElementById(id)!;
const stats = (window.__spa = { routeChanges: 0, loaderInserts: 0, pageViews: 0, bannerShows: 0 });

function text(tag: string, content: string, className?: string): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = content;
  if (className) el.className = className;
  return el;
}

async function main(): Promise<void> {
  const config = (await (await fetch('/consentgate.config.json')).json()) as ConsentGateConfig;
  // Guards first, then the gate: the gate gives the handle the full catalog and the visitor's policy.
  const blocking = installBlocking({ catalog: createServiceCatalog(), debug: config.debug });
  const gate = createConsentGate(config, { blocking });

  // --- live panel -------------------------------------------------------------------------------
  const services = (config.categories ?? []).flatMap((c) => (c.services ?? []).map((s) => ({ id: s.id, category: c.id })));
  const paintServices = () => {
    const rows = services.map((s) => {
      const tr = document.createElement('tr');
      const allowed = gate.isGranted(s.category, s.id);
      tr.append(text('td', s.id), text('td', s.category), text('td', allowed ? 'allowed' : 'blocked', allowed ? 'allowed' : 'blocked'));
      tr.dataset.service = s.id;
      return tr;
    });
    $('services').replaceChildren(...rows);
  };
  gate.onChange(paintServices);
  const stopped = (event: BlockingEvent) => {
    if (event.type === 'released') return;
    const what = event.type === 'blocked' ? `${event.via} ${event.url}` : `${event.element.tagName.toLowerCase()} ${event.url ?? ''}`;
    const li = text('li', `${new Date().toLocaleTimeString()} · ${event.type} · ${event.service ?? event.category} · ${what}`);
    li.dataset.event = event.type;
    $('stopped').prepend(li);
  };
  blocking.onEvent(stopped);
  const paintCounters = () => {
    $('counters').textContent = `Route changes: ${stats.routeChanges} · tracker loaders inserted: ${stats.loaderInserts} · page views queued: ${stats.pageViews} · banner shown: ${stats.bannerShows}×`;
  };
  // Count banner appearances. The banner lives in the UI's open shadow root: observe that root (not
  // the page, which this panel changes all the time), so a banner shown and answered between two
  // timer ticks is still counted.
  let bannerVisible = false;
  const watchBanner = () => {
    const now = !!document.querySelector('consentgate-ui')?.shadowRoot?.querySelector('[data-consentgate-banner]');
    if (now && !bannerVisible) stats.bannerShows++;
    if (now !== bannerVisible) paintCounters();
    bannerVisible = now;
  };
  const observeUi = () => {
    const root = document.querySelector('consentgate-ui')?.shadowRoot;
    if (!root) return false;
    new MutationObserver(watchBanner).observe(root, { childList: true, subtree: true });
    watchBanner();
    return true;
  };
  if (!observeUi()) {
    // The UI mounts once the document is parsed: wait for its host.
    const waiting = new MutationObserver(() => observeUi() && waiting.disconnect());
    waiting.observe(document.body, { childList: true });
  }

  // --- trackers, loaded once as SPAs do -----------------------------------------------------------
  const layer = (page.dataLayer = page.dataLayer || []);
  const gtag = (...args: unknown[]) => layer.push(args);
  gtag('js', new Date());
  gtag('config', 'G-LARKSPUR01', { send_page_view: false });
  const fbq: Queue = Object.assign((...args: unknown[]) => void fbq.queue.push(args), { queue: [] as unknown[] });
  page.fbq = fbq;
  fbq('init', '1234567890');
  for (const src of [GA, META]) {
    const s = document.createElement('script');
    s.async = true;
    s.src = src; // the guards hold it until its category is granted, then it runs once
    document.head.appendChild(s);
    stats.loaderInserts++;
  }
  $('pixel').addEventListener('click', () => {
    new Image().src = 'https://www.facebook.com/tr?id=1234567890&ev=Lead';
  });

  // --- router -------------------------------------------------------------------------------------
  const render = () => {
    const route = ROUTES[location.pathname] ?? ROUTES['/spa/']!;
    const view = $('view');
    view.replaceChildren(text('h1', route.title));
    view.insertAdjacentHTML('beforeend', route.body);
    document.title = `${route.title} — Larkspur`;
    for (const a of document.querySelectorAll<HTMLAnchorElement>('a[data-route]')) {
      if (a.pathname === location.pathname) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    // A page view through the trackers' own queues: no new script, no new request from us.
    gtag('event', 'page_view', { page_path: location.pathname });
    fbq('track', 'PageView');
    stats.pageViews++;
    paintServices();
    paintCounters();
  };
  document.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[data-route]') as HTMLAnchorElement | null;
    if (!a || a.origin !== location.origin || e.metaKey || e.ctrlKey) return;
    e.preventDefault();
    if (a.pathname === location.pathname) return;
    history.pushState(null, '', a.pathname);
    stats.routeChanges++;
    render();
    $('view').focus();
  });
  addEventListener('popstate', () => {
    stats.routeChanges++;
    render();
  });
  render();
}

main().catch((error: unknown) => {
  console.error('[Larkspur SPA] could not start', error);
});
