#!/usr/bin/env node
/**
 * Load test of the built collector on loopback (`npm run bench:collector` from the repo root).
 *
 * 1. Throughput: the collector (server/dist, started by its bin) pinned to core 1 — with its
 *    database: SQLite is in-process, PostgreSQL is started on core 1 too — and autocannon in this
 *    process, pinned to core 0, POSTing a new valid receipt per request (unique consent ID,
 *    Origin set) for DURATION s after a warm-up. Receipts/s, p50/p99 latency, errors, and the rows
 *    counted in the database against the 201s.
 * 2. Crash: VISITORS simulated visitors, each with the SDK's own queue (createReceiptQueue from
 *    dist/index.mjs) over its own in-memory storage, make DECISIONS decisions each over a few
 *    seconds while the collector is SIGKILLed mid-run and restarted RESTART_MS later. At the end
 *    the rows in the database must equal the receipts made: 0 lost. Reports what the queues resent.
 * 3. Abuse: GOOD_RATE receipts/s from many addresses (the good clients), alone, then while one
 *    address floods with FLOOD_CONNECTIONS connections of ~15.5 KB receipts; with the collector's
 *    default limits, and with every limit off (what the collector did before it had any). What
 *    the good clients get (statuses, latency) and what the flood gets stored.
 *
 * Every client has its own address: the collector trusts one proxy (--trust-proxy 1) and each
 * request carries the X-Forwarded-For a proxy would append (10.x.y.z, 203.0.113.66 the flood).
 *
 * Env: CONSENTGATE_BENCH_PG_URL (a PostgreSQL whose role may CREATE DATABASE; default: a
 * throwaway cluster from /usr/lib/postgresql), BENCH_DURATION (s, 10), BENCH_CONNECTIONS (32),
 * BENCH_ROUNDS (3: the median round is reported, every round listed), BENCH_ENGINES (sqlite,postgres),
 * BENCH_GOOD_RATE (good receipts/s of the abuse run, 500). Results: printed, and written to
 * .tmp/bench/collector.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startCluster } from './pg-cluster.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'server/bin/consentgate-collector.mjs');
const SITE = 'https://bench.example';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const GOOD_RATE = Number(process.env.BENCH_GOOD_RATE ?? 500);
const FLOOD_CONNECTIONS = 32;
const FLOODER = '203.0.113.66';
const VISITORS = 200;
const DECISIONS = 5;
const RESTART_MS = 1500;
const COLLECTOR_CORE = 1;
const DRIVER_CORE = 0;

function receipt(consentId = randomUUID(), seq = 1, at = new Date()) {
  const decision = ['accept-all', 'reject-all', 'partial'][seq % 3];
  return {
    v: 1,
    consentId,
    seq,
    decision,
    method: seq === 1 ? 'banner-accept-all' : 'preferences',
    decidedAt: at.toISOString(),
    givenAt: at.toISOString(),
    policyVersion: '2024-06',
    mode: 'opt-in',
    categories: { necessary: true, analytics: decision !== 'reject-all', advertising: decision === 'accept-all' },
    services: {},
    signals: {
      doNotTrack: { observed: '1', honored: false, categories: [], reason: 'Not honored: no common standard.' },
      globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'], reason: 'Honored as an opt-out of sale and sharing.' },
    },
    page: `${SITE}/pricing`,
    language: 'en',
    sdkVersion: '0.1.0',
  };
}

/** The flood's receipt: ~15.5 KB, as in the audit (a valid receipt with 475 per-service choices). */
function bigReceipt() {
  const tag = randomUUID().slice(0, 8);
  const services = Object.fromEntries(Array.from({ length: 475 }, (_, i) => [`tracker-${tag}-${String(i).padStart(5, '0')}`, i % 2 === 0]));
  return { ...receipt(), services };
}

/** A 10.0.0.0/8 address, as the trusted proxy would append it to X-Forwarded-For. */
const address = (n) => `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const anyAddress = () => address(Math.floor(Math.random() * 2 ** 24));

/** Starts the built collector on core 1 (default limits, one trusted proxy); resolves with its URL once it prints it. */
function startCollector(db, port = 0, extra = []) {
  const args = ['serve', '--port', String(port), '--db', db, '--origin', SITE, '--trust-proxy', '1', ...extra];
  const child = spawn('taskset', ['-c', String(COLLECTOR_CORE), process.execPath, BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  return new Promise((resolveStart, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolveStart({ child, url: match[1], port: Number(new URL(match[1]).port) });
    });
    child.on('exit', (code, signal) => reject(new Error(`collector exited (${code ?? signal}) before listening: ${err}`)));
  });
}

const stopped = (child, signal = 'SIGTERM') =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
    child.once('exit', (code, sig) => done(code ?? sig));
    child.kill(signal);
  });

/** A fresh database per run: a SQLite file, or a new PostgreSQL database. */
async function freshDb(engine, name, pgBase) {
  if (engine === 'sqlite') {
    const file = join(ROOT, '.tmp/bench', `${name}.sqlite`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    return {
      db: file,
      async count() {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare('SELECT count(*) AS n FROM receipts').get().n;
        } finally {
          db.close();
        }
      },
    };
  }
  const admin = new pg.Client({ connectionString: pgBase });
  await admin.connect();
  const dbName = `cg_bench_${name.replace(/\W/g, '_')}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(pgBase);
  url.pathname = `/${dbName}`;
  return {
    db: url.toString(),
    async count() {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return Number((await client.query('SELECT count(*) AS n FROM receipts')).rows[0].n);
      } finally {
        await client.end();
      }
    },
  };
}

async function throughput(engine, pgBase) {
  const store = await freshDb(engine, `${engine}-throughput-${Date.now()}`, pgBase);
  const { child, url } = await startCollector(store.db);
  const run = (duration) =>
    new Promise((done, fail) => {
      autocannon(
        {
          url: `${url}/receipts`,
          connections: CONNECTIONS,
          duration,
          method: 'POST',
          headers: { Origin: SITE, 'Content-Type': 'text/plain;charset=UTF-8' },
          // A new receipt (new consent ID) from a new address for every request: every one is a real
          // insert, and the rate limiter keeps up to its 100,000 keys, as under many visitors.
          requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'X-Forwarded-For': anyAddress() }, body: JSON.stringify(receipt()) }) }],
        },
        (error, result) => (error ? fail(error) : done(result)),
      );
    });
  await run(2); // warm-up: JIT, the database's caches and files
  await new Promise((r) => setTimeout(r, 500)); // the warm-up's last requests land before the count
  const warm = await store.count();
  const load = loadavg()[0];
  const result = await run(DURATION);
  await stopped(child);
  const rows = (await store.count()) - warm;
  return {
    loadAverageBefore: Math.round(load * 100) / 100,
    engine,
    connections: CONNECTIONS,
    durationS: DURATION,
    receiptsPerS: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    status2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    rowsStored: rows,
  };
}

/** The SDK's queue, from what ships (dist/index.mjs), one per visitor with its own storage. */
async function crash(engine, pgBase) {
  const { createReceiptQueue } = await import(join(ROOT, 'dist/index.mjs'));
  const store = await freshDb(engine, `${engine}-crash`, pgBase);
  let collector = await startCollector(store.db);
  const endpoint = `${collector.url}/receipts`;
  const memoryStorage = () => {
    const map = new Map();
    return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, String(v)), removeItem: (k) => void map.delete(k) };
  };
  // The queue's own send (fetch, text/plain), with the Origin a browser would add, tallying the
  // answers: a 200 "duplicate" is a receipt stored before the kill whose 201 never arrived.
  const answers = { stored201: 0, duplicate200: 0, tooMany429: 0, networkErrors: 0, other: 0 };
  const send = async (url, body, from) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { Origin: SITE, 'Content-Type': 'text/plain;charset=UTF-8', 'X-Forwarded-For': from },
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (response.status === 201) answers.stored201++;
      else if (response.status === 200) answers.duplicate200++;
      else if (response.status === 429) answers.tooMany429++;
      else answers.other++;
      return response.status;
    } catch (error) {
      answers.networkErrors++;
      throw error;
    }
  };
  const visitors = Array.from({ length: VISITORS }, (_, i) => ({
    id: randomUUID(),
    queue: createReceiptQueue({
      endpoint,
      storage: memoryStorage(),
      storageKey: 'consentgate-receipts',
      // Each visitor from its own address, as the proxy would say.
      send: (url, body) => send(url, body, address(i + 1)),
      retry: { baseMs: 250, maxMs: 2000 },
      beacon: () => false,
    }),
  }));
  // Quiet the SDK's console reporting of failed sends while the collector is down.
  const { error: logError, warn: logWarn } = console;
  console.error = () => undefined;
  console.warn = () => undefined;

  let made = 0;
  const started = Date.now();
  const spread = 6000; // each visitor's decisions fall at random times in the first 6 s
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // Each visitor's decisions one after another, at random times in the first 6 s. Chained, not one
  // timer each: timers due in the same millisecond may fire out of order, and the queue rightly
  // ignores a seq lower than one it already holds (a decision made before a later one).
  const timers = visitors.map(async (visitor) => {
    const times = Array.from({ length: DECISIONS }, () => Math.random() * spread).sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      await sleep(times[i] - (Date.now() - started));
      visitor.queue.add(receipt(visitor.id, i + 1, new Date()));
      made++;
    }
  });
  // Mid-run: SIGKILL (no clean shutdown, requests in flight die), then restart on the same port.
  await new Promise((r) => setTimeout(r, 2500));
  const beforeKill = await store.count().catch(() => null);
  await stopped(collector.child, 'SIGKILL');
  const killedAt = Date.now() - started;
  await new Promise((r) => setTimeout(r, RESTART_MS));
  collector = await startCollector(store.db, collector.port);
  const restartedAt = Date.now() - started;
  await Promise.all(timers);
  // Let the queues' own retry timers deliver everything (at most 60 s).
  const deadline = Date.now() + 60_000;
  while (visitors.some((v) => v.queue.pending().length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const settledAt = Date.now() - started;
  console.error = logError;
  console.warn = logWarn;
  const pending = visitors.reduce((n, v) => n + v.queue.pending().length, 0);
  const stats = visitors.reduce((sum, v) => {
    const s = v.queue.stats();
    for (const key of Object.keys(s)) sum[key] = (sum[key] ?? 0) + s[key];
    return sum;
  }, {});
  await stopped(collector.child);
  const rows = await store.count();
  return { engine, visitors: VISITORS, receiptsMade: made, rowsStored: rows, lost: made - rows, pending, ...stats, ...answers, rowsBeforeKill: beforeKill, killedAtMs: killedAt, restartedAtMs: restartedAt, allAckedAtMs: settledAt };
}

/** One autocannon run as a promise. */
const cannon = (options) => new Promise((done, fail) => autocannon(options, (error, result) => (error ? fail(error) : done(result))));

/** CPU seconds a process has used (Linux /proc; clock ticks of 10 ms). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `phase`, and measures the share of a core the collector process used meanwhile. */
async function withCpu(pid, phase) {
  const [cpu, wall] = [cpuSeconds(pid), Date.now()];
  const result = await phase();
  return { result, collectorCpu: Math.round(((cpuSeconds(pid) - cpu) / ((Date.now() - wall) / 1000)) * 100) / 100 };
}

/** What one side of the abuse run got: statuses, rate, latency. */
const outcome = (result) => ({
  requests: result.requests.total,
  perS: Math.round(result.requests.average),
  statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count])),
  errors: result.errors,
  timeouts: result.timeouts,
  p50ms: result.latency.p50,
  p99ms: result.latency.p99,
});

/**
 * Good clients (GOOD_RATE receipts/s, each from one of 10,000 addresses: a few a minute each) for
 * DURATION s alone, then as long again while one address floods. `limits`: the defaults, or all off.
 */
async function abuse(engine, pgBase, limits) {
  const store = await freshDb(engine, `${engine}-abuse-${limits ? 'on' : 'off'}`, pgBase);
  const off = ['--rate-ip', '0', '--rate-consent', '0', '--daily-cap-mb', '0'];
  const { child, url } = await startCollector(store.db, 0, limits ? [] : off);
  const headers = { Origin: SITE, 'Content-Type': 'text/plain;charset=UTF-8' };
  const good = (duration) =>
    cannon({
      url: `${url}/receipts`,
      connections: 16,
      overallRate: GOOD_RATE,
      duration,
      method: 'POST',
      headers,
      requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'X-Forwarded-For': address(1 + Math.floor(Math.random() * 10_000)) }, body: JSON.stringify(receipt()) }) }],
    });
  // The flood in a process of its own (on the same core): in this one its 32 connections would
  // starve the good clients' event loop, and measure the driver instead of the collector.
  const flood = (duration) =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, CONSENTGATE_BENCH_PINNED: '1', CONSENTGATE_BENCH_FLOOD: JSON.stringify({ url, duration }) },
      });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.on('exit', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`flood process exited ${code}`))));
    });
  await good(2); // warm-up
  const alone = await withCpu(child.pid, () => good(DURATION));
  const both = await withCpu(child.pid, () => Promise.all([good(DURATION), flood(DURATION)]));
  await stopped(child);
  return {
    engine,
    limits: limits ? 'defaults' : 'off',
    floodReceiptBytes: JSON.stringify(bigReceipt()).length,
    goodAlone: { ...outcome(alone.result), collectorCpu: alone.collectorCpu },
    goodDuringFlood: { ...outcome(both.result[0]), collectorCpu: both.collectorCpu },
    flood: outcome(both.result[1]),
    rowsStored: await store.count(),
  };
}

async function main() {
  for (const file of [BIN, join(ROOT, 'server/dist/cli.mjs'), join(ROOT, 'dist/index.mjs')])
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build (npm run bench:collector does)`);
  mkdirSync(join(ROOT, '.tmp/bench'), { recursive: true });
  let cluster = null;
  let pgBase = process.env.CONSENTGATE_BENCH_PG_URL;
  let pgVersion = null;
  if (ENGINES.includes('postgres') && !pgBase) {
    cluster = await startCluster({ core: COLLECTOR_CORE });
    pgBase = cluster.url;
  }
  const results = { throughput: [], crash: [], abuse: [] };
  const failures = [];
  try {
    if (pgBase) {
      const client = new pg.Client({ connectionString: pgBase });
      await client.connect();
      pgVersion = (await client.query('SHOW server_version')).rows[0].server_version;
      await client.end();
    }
    for (const engine of ENGINES) {
      const rounds = [];
      for (let round = 1; round <= ROUNDS; round++) {
        console.log(`\n== ${engine}: throughput, round ${round}/${ROUNDS} (${DURATION} s, ${CONNECTIONS} connections)`);
        const t = await throughput(engine, pgBase);
        console.log(t);
        rounds.push(t);
        // Rows may exceed the 201s by at most one request per connection: those in flight when
        // autocannon stopped were stored, their answers not counted.
        if (t.rowsStored < t.status2xx || t.rowsStored - t.status2xx > t.connections || t.errors + t.non2xx > 0)
          failures.push(`${engine} round ${round}: ${t.errors} errors, ${t.non2xx} non-2xx, ${t.status2xx} 201s but ${t.rowsStored} rows`);
      }
      // The median round by receipts/s (the machine is shared: one round can catch a neighbour's burst).
      const median = [...rounds].sort((a, b) => a.receiptsPerS - b.receiptsPerS)[Math.floor(rounds.length / 2)];
      results.throughput.push({ ...median, rounds: rounds.map((r) => ({ receiptsPerS: r.receiptsPerS, p50ms: r.p50ms, p99ms: r.p99ms, loadAverageBefore: r.loadAverageBefore })) });
      console.log(`== ${engine}: crash (${VISITORS} visitors × ${DECISIONS} decisions, SIGKILL at 2.5 s, restart after ${RESTART_MS} ms)`);
      const c = await crash(engine, pgBase);
      console.log(c);
      results.crash.push(c);
      for (const limits of [true, false]) {
        console.log(`== ${engine}: abuse, limits ${limits ? 'at their defaults' : 'off'} (${GOOD_RATE} good receipts/s; one address flooding with ${FLOOD_CONNECTIONS} connections)`);
        const a = await abuse(engine, pgBase, limits);
        console.log(JSON.stringify(a));
        results.abuse.push(a);
      }
    }
  } finally {
    cluster?.stop();
  }
  const sqliteVersion = new Database(':memory:').prepare('SELECT sqlite_version() AS v').get().v;
  results.machine = {
    cpu: `${cpus().length} × ${cpus()[0].model}`,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    sqlite: sqliteVersion,
    postgres: pgVersion,
    kernel: execFileSync('uname', ['-r']).toString().trim(),
    date: new Date().toISOString(),
  };
  writeFileSync(join(ROOT, '.tmp/bench/collector.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('\nmachine', results.machine);
  console.log(`\n| engine | receipts/s (median of ${ROUNDS}) | p50 ms | p99 ms | errors + non-2xx | 201s | rows stored | all rounds (receipts/s, p99 ms) |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of results.throughput)
    console.log(`| ${t.engine} | ${t.receiptsPerS} | ${t.p50ms} | ${t.p99ms} | ${t.errors + t.non2xx} | ${t.status2xx} | ${t.rowsStored} | ${t.rounds.map((r) => `${r.receiptsPerS}/${r.p99ms}`).join(', ')} |`);
  console.log('\n| engine | receipts made | rows stored | lost | sent | resent | network errors | 201 | 200 duplicate | 429 | acked | dropped |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const c of results.crash)
    console.log(`| ${c.engine} | ${c.receiptsMade} | ${c.rowsStored} | ${c.lost} | ${c.sent} | ${c.resent} | ${c.networkErrors} | ${c.stored201} | ${c.duplicate200} | ${c.tooMany429} | ${c.acked} | ${c.dropped} |`);
  const count = (side, code) => side.statuses[code] ?? 0;
  console.log('\n| engine | limits | good alone: 201 / sent, p50/p99 ms, collector CPU | good during flood: 201 / sent, 429, 503, p50/p99 ms, collector CPU | flood: answered/s, 201, 429 | rows stored |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const a of results.abuse) {
    const { goodAlone: alone, goodDuringFlood: during, flood } = a;
    console.log(
      `| ${a.engine} | ${a.limits} | ${count(alone, 201)} / ${alone.requests}, ${alone.p50ms}/${alone.p99ms}, ${alone.collectorCpu} | ${count(during, 201)} / ${during.requests}, ${count(during, 429)}, ${count(during, 503)}, ${during.p50ms}/${during.p99ms}, ${during.collectorCpu} | ${flood.perS}, ${count(flood, 201)}, ${count(flood, 429)} | ${a.rowsStored} |`,
    );
  }
  for (const c of results.crash) if (c.lost || c.pending) failures.push(`${c.engine} crash test: ${c.lost} lost, ${c.pending} still pending`);
  for (const a of results.abuse)
    if (a.limits === 'defaults' && (count(a.goodDuringFlood, 429) || count(a.goodDuringFlood, 503))) failures.push(`${a.engine} abuse: good clients got 429/503 during the flood`);
  if (failures.length) {
    console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

// This process (autocannon, the simulated visitors) on core 0; the collector and its database on core 1.
/** The abuse run's flooding client: one address, FLOOD_CONNECTIONS connections of ~15.5 KB receipts. */
async function floodProcess({ url, duration }) {
  const result = await cannon({
    url: `${url}/receipts`,
    connections: FLOOD_CONNECTIONS,
    duration,
    method: 'POST',
    headers: { Origin: SITE, 'Content-Type': 'text/plain;charset=UTF-8', 'X-Forwarded-For': FLOODER },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(bigReceipt()) }) }],
  });
  process.stdout.write(JSON.stringify(result));
}

if (process.env.CONSENTGATE_BENCH_FLOOD) {
  await floodProcess(JSON.parse(process.env.CONSENTGATE_BENCH_FLOOD));
} else if (process.env.CONSENTGATE_BENCH_PINNED !== '1') {
  const child = spawn('taskset', ['-c', String(DRIVER_CORE), process.execPath, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, CONSENTGATE_BENCH_PINNED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}
