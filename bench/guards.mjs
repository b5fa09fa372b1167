/**
 * The guards' own cost, in headless Chromium ($CHROME_PATH or /usr/bin/chromium): a page inserts
 * 10,000 mixed DOM nodes with and without the blocking layer installed, and the synchronous
 * start-up of the layer itself is timed on the same page.
 *
 * The nodes, in rounds of ten: 1 tracker pixel (`<img>` of the Meta pixel: held with the guards),
 * 1 image of an unknown third party (judged, allowed), 2 first-party images, 1 link, 1 card built
 * with innerHTML (markup with a URL attribute: parsed in a template to check it), and 4 text
 * elements (span, p, li with setAttribute, div). Half go in with appendChild, half with
 * insertBefore. The guards' cost is the insertion loop plus their MutationObserver callback
 * (timed by wrapping the observer; it only observes while the document parses, so it is ~0 here),
 * measured twice per page: on the fresh page (the SDK's code still cold: what a page's first big
 * render pays) and once more on the same page (warm: steady state). The time until the next task
 * (the browser starting image loads) is printed apart, as context: it is the browser's work more
 * than the guards', and noisy.
 *
 * Each run is a fresh page in a fresh context; runs alternate (without, with, with, without, …)
 * so drift on the machine hits both alike, after one unrecorded warm-up of each; the median of the
 * per-round ratios is printed beside the ratio of the medians, and the load average with them. Third-party hosts do not resolve (a Chromium host-resolver rule):
 * nothing leaves the machine; first-party images come from the local server. The blocking layer is the test bundle of src/blocking (minified and mangled
 * like dist/), built here with rollup.
 *
 * Environment: BENCH_GUARD_RUNS (default 9, at least 7), BENCH_GUARD_NODES (default 10000).
 * Prints a small table; exits 0 (1 only when Chromium cannot start or the page fails).
 */
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromeExecutable } from '../scripts/chromium.mjs';
import { buildBlockingBundle, inlineScript } from '../test/fixtures/blocking/bundle.mjs';

const RUNS = Math.max(7, Number(process.env.BENCH_GUARD_RUNS ?? 9));
const NODES = Number(process.env.BENCH_GUARD_NODES ?? 10_000);
const CHROME = chromeExecutable();
const ARGS = [
  ...CHROMIUM_ARGS,
  // Nothing leaves the machine: every host but the local server fails to resolve, at once and
  // inside the browser (request interception would send each request through this process and
  // drown the measurement in its noise).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
const TARGET = 1.1;

const PAGE = (bundle) => `<!doctype html><html><head><meta charset="utf-8"><title>guard bench</title>
<script>
  // Times the guards' MutationObserver callback (they create theirs from window.MutationObserver).
  window.__observerMs = 0;
  const NativeObserver = MutationObserver;
  window.MutationObserver = class extends NativeObserver {
    constructor(callback) {
      super((records, observer) => {
        const t = performance.now();
        try { callback(records, observer); } finally { window.__observerMs += performance.now() - t; }
      });
    }
  };
</script>
${inlineScript(bundle)}
<script>
  window.__startup = null;
  if (new URLSearchParams(location.search).get('guards') === '1') {
    const B = window.ConsentGateBlocking;
    const t0 = performance.now();
    const catalog = B.createServiceCatalog({ registry: B.registry });
    const t1 = performance.now();
    window.__blocking = B.installBlocking({ catalog });
    const t2 = performance.now();
    window.__startup = { catalog: t1 - t0, install: t2 - t1 };
  }
  window.insertNodes = async (n) => {
    const root = document.getElementById('root');
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      let el;
      switch (i % 10) {
        case 0: el = document.createElement('img'); el.src = 'https://www.facebook.com/tr?id=1&ev=ViewContent&i=' + i; break;
        case 1: el = document.createElement('img'); el.src = 'https://images.example-cdn.net/p/' + i + '.jpg'; break;
        case 2: case 3: el = document.createElement('img'); el.src = '/img/' + i + '.png'; el.alt = ''; break;
        case 4: el = document.createElement('a'); el.href = '/product/' + i; el.textContent = 'Product ' + i; break;
        case 5: el = document.createElement('div'); el.className = 'card'; el.innerHTML = '<h3>Item ' + i + '</h3><a href="/item/' + i + '">more</a>'; break;
        case 6: el = document.createElement('span'); el.textContent = 'span ' + i; break;
        case 7: el = document.createElement('p'); el.append('paragraph ', String(i)); break;
        case 8: el = document.createElement('li'); el.setAttribute('data-id', String(i)); el.textContent = 'item'; break;
        default: el = document.createElement('div'); el.textContent = 'div ' + i;
      }
      if (i & 1) root.appendChild(el); else root.insertBefore(el, root.firstChild);
    }
    const t1 = performance.now();
    // The next task: mutation records delivered, and the browser's own work (image loads) done.
    await new Promise((next) => setTimeout(next, 0));
    return { sync: t1 - t0, observer: window.__observerMs, task: performance.now() - t0 };
  };
</script></head><body><main id="root"></main></body></html>`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => x.toFixed(x < 10 ? 2 : 1).padStart(8);

async function main() {
  const bundle = await buildBlockingBundle();
  const html = PAGE(bundle);
  const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
  const server = createServer((req, res) => {
    if (req.url.startsWith('/bench.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    } else {
      res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'max-age=3600' });
      res.end(GIF);
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROME, headless: true, args: ARGS });
  const times = { 0: [], 1: [] };
  const startup = [];
  const heldCounts = [];
  try {
    const once = async (guards) => {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${origin}/bench.html?guards=${guards}`);
      // First on a fresh page (the SDK's code still cold), then once more on the same page (warm).
      const cold = await page.evaluate((n) => window.insertNodes(n), NODES);
      const warm = await page.evaluate((n) => window.insertNodes(n), NODES);
      const time = { ...cold, warm: warm.sync + warm.observer - cold.observer };
      if (guards) {
        startup.push(await page.evaluate(() => window.__startup));
        heldCounts.push((await page.evaluate(() => window.__blocking.held().length)) / 2);
      }
      await context.close();
      if (errors.length) throw new Error(errors.join('\n'));
      return time;
    };
    // One unrecorded warm-up of each.
    await once(0);
    await once(1);
    for (let i = 0; i < RUNS; i++) {
      for (const guards of i % 2 ? [1, 0] : [0, 1]) times[guards].push(await once(guards));
    }
  } finally {
    await browser.close();
    server.close();
  }
  // The guards' cost: the insertion loop plus their observer's callback. The browser's own work
  // that follows (starting image loads) is shown apart: it is the same for both, minus the held
  // pixels, and far noisier than what is measured.
  const cost = (runs) => runs.map((r) => r.sync + r.observer);
  const warm = (runs) => runs.map((r) => r.warm);
  const ratioOf = (a, b) => median(b) / median(a);
  // Each round runs both arms back to back: the median of the per-round ratios is less exposed to
  // load that comes and goes on the machine (2 cores, other jobs) than the ratio of the medians.
  const paired = (a, b) => median(b.map((x, i) => x / a[i]));
  const cold = ratioOf(cost(times[0]), cost(times[1]));
  const hot = ratioOf(warm(times[0]), warm(times[1]));
  const task = ratioOf(times[0].map((r) => r.task), times[1].map((r) => r.task));
  const row = (label, xs) => `  ${label.padEnd(40)}${ms(median(xs))} ${ms(Math.min(...xs))} ${ms(Math.max(...xs))}`;
  const verdict = (r) => `${r.toFixed(3).padStart(8)}   ${r <= TARGET ? 'met' : 'NOT met'} (target ≤ ${TARGET.toFixed(2)})`;
  const lines = [
    `Guards: insert ${NODES.toLocaleString('en')} mixed DOM nodes (10% tracker pixels), Chromium ${browser.version()}, ${RUNS} runs each, ms`,
    `  ${''.padEnd(40)}  median      min      max`,
    row('fresh page, without guards', cost(times[0])),
    row('fresh page, with guards (+ observer)', cost(times[1])),
    `  ratio, fresh page (SDK code cold)       ${verdict(cold)}`,
    `    median of the per-round ratios        ${paired(cost(times[0]), cost(times[1])).toFixed(3).padStart(8)}`,
    row('same page again, without guards', warm(times[0])),
    row('same page again, with guards', warm(times[1])),
    `  ratio, same page again (warm)           ${verdict(hot)}`,
    `    median of the per-round ratios        ${paired(warm(times[0]), warm(times[1])).toFixed(3).padStart(8)}`,
    row('until the next task, without guards', times[0].map((r) => r.task)),
    row('until the next task, with guards', times[1].map((r) => r.task)),
    `  ratio, incl. the browser's own work     ${task.toFixed(3).padStart(8)}   (held pixels are never fetched)`,
    `  held per run (the tracker pixels)       ${String(median(heldCounts)).padStart(8)}`,
    `Load average at the end (${cpus().length} cores): ${loadavg().map((x) => x.toFixed(2)).join(' ')}: figures above ~1 per core are noisy`,
    `Start-up on the test page (synchronous, median): createServiceCatalog(registry) ${median(startup.map((s) => s.catalog)).toFixed(2)} ms, installBlocking ${median(startup.map((s) => s.install)).toFixed(2)} ms`,
  ];
  console.log(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error('bench/guards.mjs failed:', error);
    process.exit(1);
  },
);
