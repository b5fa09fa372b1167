/**
 * Large configs in headless Chromium ($CHROME_PATH or /usr/bin/chromium), through the shipped
 * script tag (dist/consentgate.js loading dist/consentgate-app.js) — issue 16, item 8:
 *
 * 1. Services: a config with N services (10 categories, each service with a host pattern and a
 *    cookie), N from 125 up to the limit of 1,000. Times `acceptAll()`, `rejectAll()` (which
 *    deletes the cookies of what it revokes) and `acceptAll()` again, as the page's script calls
 *    them. Linear work doubles with N; quadratic work quadruples: the last column is the ratio of
 *    each row's acceptAll to the previous row's.
 * 2. Unknown keys: the minimal config with 50,000 unknown keys, against the same without: the
 *    long tasks during load (PerformanceObserver `longtask`) and the time from navigation to the
 *    app's start (its first change event). The explainer lists 50 problems and counts the rest.
 * 3. Stars (item 7): a service whose URL pattern has 30 `*` (`tracker.example/a*a*…a*b`), and the
 *    time of one `new Image().src` on its host with a path of N characters, matching (ends in `b`,
 *    held) or not (all `a`, let through). A backtracking matcher took minutes here; one pass grows
 *    with N.
 *
 * Environment: BENCH_LIMITS_RUNS (default 5): fresh page per run, the median printed.
 * Run `npm run build` first (`npm run bench:limits` does). Prints tables; exits 0.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromeExecutable } from '../scripts/chromium.mjs';

const RUNS = Number(process.env.BENCH_LIMITS_RUNS ?? 5);
const DIST = new URL('../dist/', import.meta.url);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function servicesConfig(n) {
  const per = n / 10;
  return {
    policy: { version: '1' },
    ui: { optOutLink: { fixed: false } },
    categories: [
      { id: 'necessary', required: true },
      ...Array.from({ length: 10 }, (_, c) => ({
        id: `category-${c}`,
        services: Array.from({ length: per }, (_, s) => ({ id: `service-${c}-${s}`, domains: [`s${s}.c${c}.tracker.example`], cookies: [{ name: `cookie_${c}_${s}` }] })),
      })),
    ],
  };
}

function unknownKeysConfig(n) {
  const config = { policy: { version: '1' }, categories: [{ id: 'necessary', required: true }, { id: 'analytics' }], ui: { optOutLink: { fixed: false } } };
  for (let i = 0; i < n; i++) config[`unknownKey${i}`] = i;
  return config;
}

const STARRY = 'tracker.example/' + 'a*'.repeat(30) + 'b';

function starsConfig() {
  return {
    policy: { version: '1' },
    ui: { optOutLink: { fixed: false } },
    categories: [{ id: 'necessary', required: true }, { id: 'advertising', services: [{ id: 'starry', domains: [STARRY] }] }],
  };
}

const page = (config) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>limits bench</title>
<script>
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
</script>
<script type="application/json" data-consentgate-config>${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script src="/consentgate.js"></script>
<script>ConsentGate.onChange(() => { window.__started ??= performance.now(); });</script></head><body><main><h1>Shop</h1></main></body></html>`;

async function main() {
  let current = '';
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.setHeader('content-type', 'text/html');
      return res.end(current);
    }
    try {
      res.setHeader('content-type', 'text/javascript');
      res.end(readFileSync(new URL(req.url.slice(1), DIST)));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  }).listen(0, '127.0.0.1');
  await new Promise((ok) => server.on('listening', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: chromeExecutable(), args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });

  async function load(config) {
    current = page(config);
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(url);
    // The facade replays the first change once the app has started (validated, read the record).
    await p.waitForFunction(() => window.__started, null, { timeout: 120_000 });
    await p.waitForTimeout(100);
    return { p, context };
  }

  console.log(`Services (median of ${RUNS} fresh pages; ms, as the page's script sees each call)\n`);
  console.log('services | acceptAll | rejectAll | acceptAll again | acceptAll vs previous row');
  console.log('---:|---:|---:|---:|---:');
  let previous;
  for (const n of [125, 250, 500, 1000]) {
    const rows = [];
    for (let run = 0; run < RUNS; run++) {
      const { p, context } = await load(servicesConfig(n));
      const problems = await p.evaluate(() => window.ConsentGate.problems.filter((x) => x.severity === 'error').length);
      if (problems) throw new Error(`the ${n}-service config is invalid`);
      rows.push(
        await p.evaluate(() => ['acceptAll', 'rejectAll', 'acceptAll'].map((method) => {
          const t = performance.now();
          window.ConsentGate[method]();
          return performance.now() - t;
        })),
      );
      await context.close();
    }
    const [accept, reject, again] = [0, 1, 2].map((i) => median(rows.map((r) => r[i])));
    console.log(`${n} | ${accept.toFixed(1)} | ${reject.toFixed(1)} | ${again.toFixed(1)} | ${previous ? (accept / previous).toFixed(2) + '×' : '—'}`);
    previous = accept;
  }

  console.log(`\nUnknown keys (median of ${RUNS} fresh pages)\n`);
  console.log('config | long tasks during load, ms | navigation → app started, ms | problems listed');
  console.log('---|---:|---:|---:');
  for (const [label, config] of [['minimal', unknownKeysConfig(0)], ['minimal + 50,000 unknown keys', unknownKeysConfig(50_000)]]) {
    const rows = [];
    for (let run = 0; run < RUNS; run++) {
      const { p, context } = await load(config);
      rows.push(await p.evaluate(() => [window.__longTasks.reduce((a, b) => a + b, 0), window.__started, window.ConsentGate.problems.length]));
      await context.close();
    }
    console.log(`${label} | ${median(rows.map((r) => r[0])).toFixed(0)} | ${median(rows.map((r) => r[1])).toFixed(0)} | ${rows[0][2]}`);
  }

  console.log(`\nA URL pattern of 30 stars (median of ${RUNS} fresh pages; ms for one \`new Image().src\`)\n`);
  console.log('path length | matching (held) | not matching (let through)');
  console.log('---:|---:|---:');
  for (const n of [1_000, 10_000, 100_000]) {
    const rows = [];
    for (let run = 0; run < RUNS; run++) {
      const { p, context } = await load(starsConfig());
      rows.push(
        await p.evaluate((n) => ['b', ''].map((end) => {
          const t = performance.now();
          new Image().src = 'https://tracker.example/' + 'a'.repeat(n) + end;
          return performance.now() - t;
        }), n),
      );
      await context.close();
    }
    console.log(`${n.toLocaleString('en')} | ${median(rows.map((r) => r[0])).toFixed(2)} | ${median(rows.map((r) => r[1])).toFixed(2)}`);
  }
  await browser.close();
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
