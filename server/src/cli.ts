import type { AddressInfo } from 'node:net';
import { dayRange } from './dates';
import { csvHeader, csvRow } from './csv';
import { describeDb, HELP, parseCli, UsageError, type CliConfig } from './config';
import { createCollector } from './http';
import { engineOf, openStore } from './open-store';
import type { ReceiptStore } from './store';

const say = (message: string) => console.error(`consentgate-collector: ${message}`);

/** Writes to stdout, waiting while the reader (a pipe, a file) is slower than the store. */
function out(chunk: string): Promise<void> | void {
  if (process.stdout.write(chunk)) return;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

async function serve(config: CliConfig): Promise<void> {
  const store = await openStore(config.db);
  try {
    const applied = await store.migrate();
    if (applied.length) say(`applied migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')}`);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  const midnight = new Date(new Date().toISOString().slice(0, 10)).toISOString();
  const storedToday = config.dailyCapMb ? await store.bytesSince(midnight) : 0;
  const collector = createCollector(store, {
    origins: config.origins,
    readToken: config.readToken,
    maxBody: config.maxBody,
    rateLimits: config.rateLimits,
    trustProxy: config.trustProxy,
    dailyCap: { bytes: config.dailyCapMb * 1_000_000, storedToday },
  });
  await new Promise<void>((resolve, reject) => {
    collector.server.once('error', reject);
    collector.server.listen(config.port, config.host, () => resolve());
  });
  const { port } = collector.server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  // stdout, one line: scripts (and the tests) read the URL from it, port 0 included.
  console.log(`consentgate-collector listening on http://${host}:${port}`);
  say(`${describeDb(config.db)}; origins ${config.origins.join(', ')}; read side ${config.readToken ? 'on' : 'off (no --read-token)'}`);
  const { perIp, perConsentId } = config.rateLimits;
  const perMinute = (n: number) => (n ? `${n} a minute` : 'off');
  say(`rate limits: ${perMinute(perIp)} per address, ${perMinute(perConsentId)} per consent ID; ${config.trustProxy ? `client address from X-Forwarded-For, ${config.trustProxy} proxy hop(s) trusted` : 'client address from the socket (--trust-proxy 0)'}`);
  say(config.dailyCapMb ? `daily storage cap ${config.dailyCapMb} MB, ${(storedToday / 1e6).toFixed(1)} MB stored today (UTC)` : 'daily storage cap off');
  const retention = config.retainDays ? retain(store, config.retainDays) : null;
  say(config.retainDays ? `retention: receipts received more than ${config.retainDays} days ago are deleted, hourly` : 'retention off: receipts are kept forever (--retain-days)');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      say(`${signal}: finishing in-flight requests`);
      // A second signal: stop now.
      process.once(signal as NodeJS.Signals, () => process.exit(1));
      collector
        .close()
        .then(() => retention?.stop())
        .then(() => store.close())
        .then(resolve, (error: Error) => {
          say(`closing failed: ${error.message}`);
          process.exitCode = 1;
          resolve();
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  say('stopped');
}

const HOUR_MS = 3_600_000;

/**
 * `--retain-days`: a retention run at start and every hour, one at a time. Each deletion is
 * recorded in retention_runs by the store; the log says what went. A failure is logged and the
 * next hour tries again.
 */
function retain(store: ReceiptStore, days: number): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const once = () => {
    running = running.then(async () => {
      const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
      try {
        const { receipts, conflicts } = await store.purge(days);
        if (receipts || conflicts)
          say(`retention: deleted ${receipts} receipt${receipts === 1 ? '' : 's'} and ${conflicts} conflict${conflicts === 1 ? '' : 's'} received before ${cutoff} (--retain-days ${days}); recorded in retention_runs`);
      } catch (error) {
        say(`retention failed: ${(error as Error).message}`);
      }
    });
  };
  once();
  const timer = setInterval(once, HOUR_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return running;
    },
  };
}

/** Read commands open an existing database only: a typo in --db must not create an empty one. */
async function withStore<T>(config: CliConfig, use: (store: ReceiptStore) => Promise<T>): Promise<T> {
  const store = await openStore(config.db, { mustExist: true });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

async function run(config: CliConfig): Promise<void> {
  switch (config.command) {
    case 'help':
      console.log(HELP);
      return;
    case 'serve':
      return serve(config);
    case 'migrate':
      return withStore({ ...config }, async (store) => {
        const applied = await store.migrate();
        console.log(applied.length ? `applied migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')}` : 'up to date');
      }).catch(async (error) => {
        // migrate may create a new SQLite file: that is what it is for.
        if (engineOf(config.db) === 'sqlite' && /no SQLite database/.test((error as Error).message)) {
          const store = await openStore(config.db);
          try {
            console.log(`applied migrations ${(await store.migrate()).join(', ')}`);
          } finally {
            await store.close();
          }
          return;
        }
        throw error;
      });
    case 'lookup':
      return withStore(config, async (store) => {
        const receipts = await store.lookup(config.consentId!);
        if (!receipts.length) throw new Error(`no receipts for consent ID ${config.consentId}`);
        console.log(JSON.stringify({ consentId: config.consentId, receipts }, null, 2));
      });
    case 'stats':
    case 'export': {
      const range = dayRange(config.from, config.to);
      if (typeof range === 'string') throw new UsageError(range);
      return withStore(config, async (store) => {
        if (config.command === 'stats') return void console.log(JSON.stringify(await store.stats(range), null, 2));
        let first = true;
        await out(config.format === 'csv' ? csvHeader() : '[');
        for await (const row of store.range(range)) {
          await out(config.format === 'csv' ? csvRow(row) : (first ? '\n' : ',\n') + JSON.stringify({ receivedAt: row.receivedAt, origin: row.origin, conflict: row.conflict, receipt: row.receipt }));
          first = false;
        }
        if (config.format === 'json') await out(first ? ']\n' : '\n]\n');
      });
    }
  }
}

/** The command line. Resolves with the exit code: 0 done, 1 failed, 2 usage error. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let config: CliConfig;
  try {
    config = parseCli(argv);
  } catch (error) {
    say((error as Error).message);
    console.error('Run consentgate-collector --help for usage.');
    return 2;
  }
  try {
    await run(config);
    return 0;
  } catch (error) {
    say((error as Error).message);
    return error instanceof UsageError ? 2 : 1;
  }
}
