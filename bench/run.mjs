/**
 * `npm run bench`: ConsentGate against vanilla-cookieconsent and Klaro, in one run, on the same page
 * (bench/peers.mjs), in headless Chromium (playwright-core; $CHROME_PATH or /usr/bin/chromium).
 *
 * For each tool: bytes it ships (raw, gzip, brotli), navigation → first contentful paint,
 * navigation → banner visible, long-task time during load, Accept click → next paint, tracker
 * requests before consent, and the same visitor's next page view (bytes, granted tag released).
 * ConsentGate runs twice: the README's setup (preload hint for the app) and the boot tag alone. Runs alternate between
 * the tools (run 1 of each, run 2 of each, …) so drift on the machine hits all of them alike; the
 * table shows medians. Each run is a fresh browser context: a first-time visitor, empty cache.
 *
 * Conditions, like a mid-range phone on a mobile network: CPU slowed 4× (DevTools' CPU throttling),
 * network 150 ms RTT / 1.6 Mbit/s down (Lighthouse's "slow 4G"), files served gzip-compressed.
 *
 * Options (environment): BENCH_RUNS (default 9, at least 7), BENCH_CPU (default 4), BENCH_NETWORK=0
 * (no network shaping), BENCH_ONLY=consentgate,klaro (a subset). Then bench/guards.mjs runs if it
 * exists (the guards' own cost). The table goes to stdout and into bench/README.md.
 *
 * Numbers here are measurements, never test thresholds: they vary with the machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromeExecutable } from '../scripts/chromium.mjs';
import { GA_LOADER, PEERS, TRACKER_HOSTS } from './peers.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const RUNS = Math.max(7, Number(process.env.BENCH_RUNS ?? 9));
const CPU = Number(process.env.BENCH_CPU ?? 4);
const NETWORK = process.env.BENCH_NETWORK !== '0';
const ONLY = process.env.BENCH_ONLY?.split(',');
const CHROME = chromeExecutable();

// ---------------------------------------------------------------------------------------------
// Bytes

const gzip = (buf) => gzipSync(buf, { level: 9 }).length;
const brotli = (buf) => brotliCompressSync(buf, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;

function shippedFiles(peer) {
  const files = { ...peer.files };
  for (const [url, path] of Object.entries(peer.optionalFiles ?? {})) if (existsSync(path)) files[url] = path;
  for (const [url, path] of Object.entries(files)) if (!existsSync(path)) throw new Error(`${peer.name}: ${path} is missing (run "npm run build")`);
  return files;
}

function bytesOf(peer) {
  let raw = 0;
  let gz = 0;
  let br = 0;
  const perFile = [];
  for (const [url, path] of Object.entries(shippedFiles(peer))) {
    const buf = readFileSync(path);
    const entry = { file: url.slice(1), raw: buf.length, gzip: gzip(buf), brotli: brotli(buf) };
    perFile.push(entry);
    raw += entry.raw;
    gz += entry.gzip;
    br += entry.brotli;
  }
  return { raw, gzip: gz, brotli: br, perFile };
}

// ---------------------------------------------------------------------------------------------
// Server: the page and the tool's files, gzip-encoded like any CDN would.

async function startServer() {
  let current = null;
  const served = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://bench').pathname;
    if (!current) return res.writeHead(503).end();
    served.push(path);
    let body;
    let type;
    if (path === '/') {
      body = Buffer.from(current.html());
      type = 'text/html; charset=utf-8';
    } else {
      const file = shippedFiles(current)[path];
      if (!file) return res.writeHead(404).end();
      body = readFileSync(file);
      type = path.endsWith('.css') ? 'text/css' : 'text/javascript';
    }
    const headers = { 'content-type': type, 'cache-control': 'no-store' };
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      body = gzipSync(body, { level: 9 });
      headers['content-encoding'] = 'gzip';
    }
    res.writeHead(200, headers).end(body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    /** Paths served since the list was last emptied (`served.length = 0`). */
    served,
    use(peer) {
      current = peer;
    },
    close: () => new Promise((ok) => server.close(ok)),
  };
}

// ---------------------------------------------------------------------------------------------
// In-page probes, installed before any script of the page runs.

const probe = (bannerSelector) => `(() => {
  const b = (window.__bench = { longTasks: [], fcp: null, banner: null, events: [], firstInput: null, click: null, frameAfterClick: null });
  const po = (type, fn, extra) => { try { new PerformanceObserver((l) => l.getEntries().forEach(fn)).observe({ type, buffered: true, ...extra }); } catch {} };
  po('longtask', (e) => b.longTasks.push(e.duration));
  po('paint', (e) => { if (e.name === 'first-contentful-paint') b.fcp = e.startTime; });
  po('first-input', (e) => { b.firstInput = { name: e.name, duration: e.duration }; });
  po('event', (e) => { if (e.interactionId) b.events.push({ name: e.name, duration: e.duration, id: e.interactionId }); }, { durationThreshold: 16 });
  const find = () => {
    const direct = document.querySelector(${JSON.stringify(bannerSelector)});
    if (direct) return direct;
    // ConsentGate's UI lives in an open shadow root under <body> (or <html>).
    for (const host of [...(document.body ? document.body.children : []), ...document.documentElement.children]) {
      const hit = host.shadowRoot && host.shadowRoot.querySelector(${JSON.stringify(bannerSelector)});
      if (hit) return hit;
    }
    return null;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    for (let n = el; n && n.nodeType === 1; n = n.parentNode instanceof ShadowRoot ? n.parentNode.host : n.parentNode) {
      const s = getComputedStyle(n);
      if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) return false;
    }
    return true;
  };
  const poll = (ts) => {
    const el = find();
    if (el && visible(el)) { b.banner = ts; return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  addEventListener('click', (e) => {
    if (b.click !== null) return;
    b.click = e.timeStamp;
    requestAnimationFrame((ts) => { b.frameAfterClick = ts; });
  }, true);
})();`;

// ---------------------------------------------------------------------------------------------
// One run of one tool.

async function measure(browser, server, peer) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  const trackerRequests = { beforeConsent: [], afterConsent: [] };
  let consented = false;
  /**
   * performance.now() of the returning visit's request for gtag.js: a tag marked for analytics, so
   * the tool has read the stored consent and released it (the unmarked LinkedIn tag is no measure:
   * the peers let it run at once).
   */
  let returning = null;
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.fallback();
    if (returning && returning.firstTracker === null && url.href === GA_LOADER) returning.firstTracker = performance.now();
    if (TRACKER_HOSTS.includes(url.hostname)) (consented ? trackerRequests.afterConsent : trackerRequests.beforeConsent).push(url.href);
    // Answered here, never on the network: scripts are empty, everything else a 204.
    return route.request().resourceType() === 'script'
      ? route.fulfill({ status: 200, contentType: 'text/javascript', body: '' })
      : route.fulfill({ status: 204, body: '' });
  });
  await context.addInitScript({ content: probe(peer.banner) });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (CPU > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  if (NETWORK) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
  }
  server.use(peer);
  try {
    await page.goto(server.origin + '/', { waitUntil: 'load' });
    await page.waitForFunction(() => window.__bench.banner !== null, null, { timeout: 30_000 });
    await page.waitForTimeout(1000); // late tracker requests and late long tasks show up here
    const load = await page.evaluate(() => ({
      banner: window.__bench.banner,
      fcp: window.__bench.fcp,
      longTasks: window.__bench.longTasks.reduce((a, b) => a + b, 0),
      longTaskCount: window.__bench.longTasks.length,
    }));
    const before = [...trackerRequests.beforeConsent];
    consented = true;
    await page.locator(peer.accept).first().click();
    await page.waitForFunction(() => window.__bench.frameAfterClick !== null, null, { timeout: 10_000 });
    await page.waitForTimeout(600); // Event Timing entries are reported after the paint
    const click = await page.evaluate(() => {
      const b = window.__bench;
      const byInteraction = new Map();
      for (const e of b.events) byInteraction.set(e.id, Math.max(byInteraction.get(e.id) ?? 0, e.duration));
      const eventTiming = Math.max(b.firstInput ? b.firstInput.duration : 0, ...byInteraction.values());
      return { eventTiming, nextFrame: b.frameAfterClick - b.click };
    });

    // The same visitor on a later page view: the tool's cookie kept, the files downloaded again
    // (served no-store: a cache that expired). Navigation → the first tracker request is the tool
    // reading the stored consent and releasing what it grants; bytes are the tool's files served.
    const files = shippedFiles(peer);
    const sizes = bytesOf(peer).perFile;
    server.served.length = 0;
    returning = { firstTracker: null, start: performance.now() };
    await page.goto(server.origin + '/', { waitUntil: 'load' });
    for (const until = Date.now() + 15_000; returning.firstTracker === null && Date.now() < until; ) await new Promise((ok) => setTimeout(ok, 10));
    await page.waitForTimeout(500);
    const back = await page.evaluate(() => ({ longTasks: window.__bench.longTasks.reduce((a, b) => a + b, 0), banner: window.__bench.banner }));
    if (back.banner !== null) throw new Error(`${peer.name}: the banner showed again to a returning visitor`);
    const returningBytes = sizes.filter((f) => server.served.includes('/' + f.file) && files['/' + f.file]).reduce((n, f) => n + f.gzip, 0);
    return {
      returningToTrackerMs: returning.firstTracker === null ? NaN : returning.firstTracker - returning.start,
      returningLongTaskMs: back.longTasks,
      returningBytes,
      fcpMs: load.fcp ?? NaN,
      bannerMs: load.banner,
      longTaskMs: load.longTasks,
      longTaskCount: load.longTaskCount,
      clickToPaintMs: click.eventTiming,
      clickToFrameMs: click.nextFrame,
      trackersBeforeConsent: before.length,
      trackerHostsBeforeConsent: [...new Set(before.map((u) => new URL(u).hostname))],
      trackersAfterConsent: trackerRequests.afterConsent.length,
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const ms = (n) => (Math.round(n * 10) / 10).toFixed(1) + ' ms';

function table(results) {
  const head = ['', 'raw', 'gzip', 'brotli', 'nav → first contentful paint', 'nav → banner visible', 'long tasks during load', 'Accept → next paint', 'tracker requests before consent', 'returning: gzip downloaded', 'returning: nav → granted gtag.js requested', 'returning: long tasks'];
  const rows = results.map((r) => [
    `${r.name} ${r.version}`,
    kb(r.bytes.raw),
    kb(r.bytes.gzip),
    kb(r.bytes.brotli),
    ms(r.median.fcpMs),
    ms(r.median.bannerMs),
    ms(r.median.longTaskMs),
    ms(r.median.clickToPaintMs),
    `${r.median.trackersBeforeConsent}${r.hosts.length ? ' (' + r.hosts.join(', ') + ')' : ''}`,
    kb(r.median.returningBytes),
    ms(r.median.returningToTrackerMs),
    ms(r.median.returningLongTaskMs),
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function ratios(results) {
  const cg = results.find((r) => r.id === 'consentgate');
  // The other ConsentGate row (no preload hint) is not a peer.
  const peers = results.filter((r) => !r.id.startsWith('consentgate'));
  if (!cg || peers.length === 0) return '';
  const metrics = [
    ['gzip bytes', (r) => r.bytes.gzip, kb],
    ['brotli bytes', (r) => r.bytes.brotli, kb],
    ['navigation → first contentful paint', (r) => r.median.fcpMs, ms],
    ['navigation → banner visible', (r) => r.median.bannerMs, ms],
    ['long-task time during load', (r) => r.median.longTaskMs, ms],
    ['Accept → next paint', (r) => r.median.clickToPaintMs, ms],
    ['tracker requests before consent', (r) => r.median.trackersBeforeConsent, String],
    ['returning visitor: gzip downloaded', (r) => r.median.returningBytes, kb],
    ['returning visitor: navigation → granted gtag.js requested', (r) => r.median.returningToTrackerMs, ms],
    ['returning visitor: long-task time', (r) => r.median.returningLongTaskMs, ms],
  ];
  const lines = ['| metric (lower is better) | ConsentGate | best peer | ratio ConsentGate / best peer |', '| --- | --- | --- | --- |'];
  for (const [label, get, fmt] of metrics) {
    const best = peers.reduce((a, b) => (get(b) < get(a) ? b : a));
    const ratio = get(best) === 0 ? (get(cg) === 0 ? '1.00× (both 0)' : '—  (peer 0)') : (get(cg) / get(best)).toFixed(2) + '×';
    lines.push(`| ${label} | ${fmt(get(cg))} | ${best.name}: ${fmt(get(best))} | **${ratio}** |`);
  }
  return lines.join('\n');
}

function runGuards() {
  const guards = fileURLToPath(new URL('./guards.mjs', import.meta.url));
  if (!existsSync(guards)) return null;
  console.log('\nbench/guards.mjs (the guards\' cost) …');
  const out = spawnSync(process.execPath, [guards], { encoding: 'utf8', env: process.env, timeout: 600_000 });
  const text = (out.stdout ?? '') + (out.status === 0 ? '' : `\n(exit ${out.status}) ${out.stderr ?? ''}`);
  process.stdout.write(text);
  return text.trim();
}

async function main() {
  const peers = PEERS.filter((p) => !ONLY || ONLY.includes(p.id));
  const browser = await chromium.launch({ executablePath: CHROME, headless: true, args: [...CHROMIUM_ARGS] });
  const server = await startServer();
  const runs = new Map(peers.map((p) => [p.id, []]));
  try {
    // One unrecorded warm-up per tool (first launch of the renderer, disk cache of the binary).
    for (const peer of peers) await measure(browser, server, peer);
    for (let i = 0; i < RUNS; i++) {
      for (const peer of peers) {
        const r = await measure(browser, server, peer);
        runs.get(peer.id).push(r);
        process.stdout.write(
          `run ${i + 1}/${RUNS} ${peer.name}: banner ${ms(r.bannerMs)}, click ${ms(r.clickToPaintMs)}, trackers ${r.trackersBeforeConsent}; returning ${kb(r.returningBytes)}, gtag.js ${ms(r.returningToTrackerMs)}\n`,
        );
      }
    }
  } finally {
    await server.close();
    await browser.close();
  }

  const results = peers.map((peer) => {
    const rs = runs.get(peer.id);
    const med = {};
    for (const key of ['fcpMs', 'bannerMs', 'longTaskMs', 'clickToPaintMs', 'clickToFrameMs', 'trackersBeforeConsent', 'trackersAfterConsent', 'returningBytes', 'returningToTrackerMs', 'returningLongTaskMs']) {
      med[key] = median(rs.map((r) => r[key]));
    }
    const hosts = [...new Set(rs.flatMap((r) => r.trackerHostsBeforeConsent))].sort();
    return { id: peer.id, name: peer.name, version: peer.version, bytes: bytesOf(peer), median: med, hosts, runs: rs };
  });

  const chromeVersion = spawnSync(CHROME, ['--version'], { encoding: 'utf8' }).stdout?.trim() || CHROME;
  const conditions = `${RUNS} runs per tool (medians), ${chromeVersion}, headless, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; CPU slowed ${CPU}×; network ${NETWORK ? '150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up' : 'not shaped'}; files served gzip-encoded; fresh context per run (first visit, empty cache).`;
  const main = table(results);
  const headline = ratios(results);
  const perFile = results.map((r) => `- ${r.name}: ${r.bytes.perFile.map((f) => `\`${f.file}\` ${kb(f.raw)} raw / ${kb(f.gzip)} gzip / ${kb(f.brotli)} brotli`).join('; ')}`).join('\n');
  const after = results.map((r) => `${r.name} ${r.median.trackersAfterConsent}`).join(', ');
  console.log('\n' + headline + '\n\n' + main + '\n\n' + conditions);
  const guards = runGuards();

  const readme = `# Benchmark

\`npm run bench\` builds the package, then \`bench/run.mjs\` measures ConsentGate against
[vanilla-cookieconsent](https://github.com/orestbida/cookieconsent) and [Klaro](https://github.com/klaro-org/klaro-js)
(dev dependencies, used only here) on the same page, and rewrites this file. Numbers from the last run;
they depend on the machine, and no test asserts any of them.

## Headline: ConsentGate against the best peer for each metric

${headline}

## All results

${main}

${conditions}

First contentful paint: the \`paint\` entry of that name (the page's own heading and text).
Accept → next paint is the Event Timing API's duration of the click interaction (the Interaction to
Next Paint measure; 8 ms granularity; 0 when under the API's 16 ms threshold). Long tasks: the sum of
\`longtask\` entries from navigation until one second after the banner showed. Tracker requests
before consent: requests to ${TRACKER_HOSTS.join(', ')} from navigation until the Accept click
(tracker requests after Accept, as a check that each tool releases what it held: ${after}).

Returning visitor: the same browser context reloads the page after the Accept (the tool's cookie
kept; the files are served \`no-store\`, so they download again, as after a cache expiry). Bytes: the
tool's files that page view requested (gzip). Navigation → granted gtag.js requested: from the start
of the navigation (measured in the bench process) to the request for the marked gtag.js loader, i.e.
the tool has read the stored consent and released the analytics tag it grants. Long tasks: until
half a second after that request. ConsentGate's returning visitor loads \`consentgate.js\` and \`consentgate-app.js\`;
\`consentgate-ui.js\` (banner, preferences) only on a first visit.

Bytes: what a first-time visitor downloads, per file:
${perFile}

## The page and how each tool is set up

The same marketing page for all three (bench/peers.mjs): Google's gtag.js snippet and Meta's pixel,
marked for each tool in the markup its documentation gives (\`type="text/plain" data-category\` for
ConsentGate and vanilla-cookieconsent, \`data-name\`/\`data-type\`/\`data-src\` for Klaro), plus LinkedIn's
Insight tag pasted **unmarked**, as site owners often forget one: only a tool that knows tracker hosts
holds it. Same categories (necessary, analytics, advertising), same two services, English texts.

- **vanilla-cookieconsent ${results.find((r) => r.id === 'vanilla-cookieconsent')?.version ?? '3.1.0'}**: its quick start (UMD build and CSS file, \`CookieConsent.run()\` at the
  end of body). It hides itself from bots and counts \`navigator.webdriver\`, which every automated
  browser sets, as one: the config sets \`hideFromBots: false\`, the only departure from its defaults.
- **Klaro ${results.find((r) => r.id === 'klaro')?.version ?? '0.7.22'}**: its documented setup (\`klaroConfig\` global, \`klaro.js\` with \`defer\`), the default build
  with CSS inside, \`acceptAll: true\` so its notice has an accept-all button like the others.
- **ConsentGate**: the README's setup: \`dist/consentgate.js\` first in \`<head>\`, config inline,
  after a \`<link rel="preload">\` for \`dist/consentgate-app.js\`; the boot loads the app itself, and
  \`dist/consentgate-ui.js\` when the banner must show. **ConsentGate without the preload hint**: the
  same page without the \`<link>\`, to show what the hint is worth; it is not a peer in the headline.
${guards ? `\n## Guard cost (bench/guards.mjs)\n\n\`\`\`\n${guards}\n\`\`\`\n` : ''}`;
  // The hand-written part (where the bytes go, what the split saved) follows the marker and is kept.
  const MARKER = '<!-- Everything below is written by hand;';
  const previous = existsSync(HERE + 'README.md') ? readFileSync(HERE + 'README.md', 'utf8') : '';
  const kept = previous.indexOf(MARKER);
  writeFileSync(HERE + 'README.md', kept < 0 ? readme : readme + '\n' + previous.slice(kept));
  writeFileSync(HERE + 'results.json', JSON.stringify({ conditions, results }, null, 2) + '\n');
  console.log('\nwrote bench/README.md and bench/results.json');
}

await main();
