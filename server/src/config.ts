import { parseArgs } from 'node:util';

export type Command = 'serve' | 'lookup' | 'export' | 'stats' | 'migrate' | 'help';

export interface CliConfig {
  command: Command;
  port: number;
  host: string;
  /** SQLite file path, or a postgres:// URL. */
  db: string;
  origins: string[];
  readToken: string | null;
  maxBody: number;
  /** Receipts a minute per client address and per consent ID; 0: no limit. */
  rateLimits: { perIp: number; perConsentId: number };
  /** How many proxies in front append to X-Forwarded-For (client-ip.ts); 0: none trusted. */
  trustProxy: number;
  /** Most megabytes (10^6 bytes) of receipts stored per UTC day; 0: no cap. */
  dailyCapMb: number;
  /** Receipts received more than this many days ago are deleted (a recorded retention run); 0: kept forever. */
  retainDays: number;
  consentId?: string;
  from?: string;
  to?: string;
  format: 'csv' | 'json';
}

/** The collector's defaults: the CLI's, and createCollector's for what it is not given. */
export const DEFAULTS = {
  db: './consentgate-receipts.sqlite',
  maxBody: 16_384,
  // A visitor makes a few receipts a page view; an office or a mobile carrier puts many visitors
  // behind one address. A 429 costs a real visitor nothing: the SDK's queue retries later.
  perIpPerMinute: 120,
  perConsentIdPerMinute: 10,
  trustProxy: 0,
  // About 1.8 million receipts of a typical 1.1 KB: more than a large site's visitors decide in a day.
  dailyCapMb: 2048,
  retainDays: 0,
} as const;
export const DEFAULT_DB = DEFAULTS.db;

export const HELP = `consentgate-collector — stores ConsentGate consent receipts (append-only) and serves them to the privacy officer

Usage:
  consentgate-collector [serve] --origin https://site.example [options]
  consentgate-collector lookup <consentId> [--db …]
  consentgate-collector export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--db …]
  consentgate-collector stats --from YYYY-MM-DD --to YYYY-MM-DD [--db …]
  consentgate-collector migrate [--db …]

Options (environment variable in brackets):
  --port N            port to listen on; 0 picks a free one (CONSENTGATE_PORT) [8787]
  --host H            address to listen on (CONSENTGATE_HOST) [127.0.0.1]
  --db PATH|URL       SQLite file, or postgres://user:pass@host:5432/db for PostgreSQL
                      (CONSENTGATE_DB) [${DEFAULT_DB}]
  --origin O          a site origin allowed to send receipts, e.g. https://www.example.com;
                      repeat for several (CONSENTGATE_ORIGINS, comma separated); at least one
  --read-token T      enables GET /receipts/<id>, /export and /stats with
                      "Authorization: Bearer T" (CONSENTGATE_READ_TOKEN; prefer the variable:
                      arguments show in ps)
  --max-body BYTES    largest receipt accepted (CONSENTGATE_MAX_BODY) [${DEFAULTS.maxBody}]
  --rate-ip N         receipts a minute per client address (IPv6: per /64), then 429;
                      0: no limit (CONSENTGATE_RATE_IP) [${DEFAULTS.perIpPerMinute}]
  --rate-consent N    receipts a minute per consent ID, then 429; 0: no limit
                      (CONSENTGATE_RATE_CONSENT) [${DEFAULTS.perConsentIdPerMinute}]
  --trust-proxy N     the client address is the one the Nth proxy from here appended to
                      X-Forwarded-For; 0 trusts no header (CONSENTGATE_TRUST_PROXY) [${DEFAULTS.trustProxy}]
  --daily-cap-mb N    most megabytes of receipts stored per UTC day, then 503 until the next;
                      alerts on the log at 80 % and 100 %; 0: no cap
                      (CONSENTGATE_DAILY_CAP_MB) [${DEFAULTS.dailyCapMb}]
  --retain-days N     delete receipts received more than N days ago, at start and every hour,
                      each deletion recorded in retention_runs; 0: keep forever
                      (CONSENTGATE_RETAIN_DAYS) [${DEFAULTS.retainDays}]
  --from, --to        UTC days, inclusive (export, stats)
  --format csv|json   export format [csv]
  -h, --help          this text

Endpoints: POST /receipts (the SDK), OPTIONS /receipts (CORS preflight), GET /health,
GET /receipts/<consentId>, GET /export?from&to&format, GET /stats?from&to, GET /retention (read token).
Stops cleanly on SIGTERM or SIGINT (in-flight requests finish, the database closes).`;

export class UsageError extends Error {}

/** An origin exactly as a browser sends it: scheme, host, port if not the default; no path, no slash. */
function checkOrigin(origin: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(origin);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin)
    throw new UsageError(`origin "${origin}": expected an origin as browsers send it, like https://www.example.com (scheme and host in lower case, a port only if not the default, no path or trailing slash)`);
  return origin;
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${name}: expected an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

/** Arguments, then environment variables, then defaults. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliConfig {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        origin: { type: 'string', multiple: true },
        'read-token': { type: 'string' },
        'max-body': { type: 'string' },
        'rate-ip': { type: 'string' },
        'rate-consent': { type: 'string' },
        'trust-proxy': { type: 'string' },
        'daily-cap-mb': { type: 'string' },
        'retain-days': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  const commands: Command[] = ['serve', 'lookup', 'export', 'stats', 'migrate', 'help'];
  if (first !== undefined && !commands.includes(first as Command)) throw new UsageError(`unknown command "${first}": expected one of ${commands.join(', ')}`);
  const command: Command = values.help ? 'help' : ((first as Command | undefined) ?? 'serve');
  const config: CliConfig = {
    command,
    port: integer('port', values.port ?? env.CONSENTGATE_PORT ?? '8787', 0, 65535),
    host: values.host ?? env.CONSENTGATE_HOST ?? '127.0.0.1',
    db: values.db ?? env.CONSENTGATE_DB ?? DEFAULT_DB,
    origins: (values.origin ?? (env.CONSENTGATE_ORIGINS ?? '').split(',')).map((o) => o.trim()).filter(Boolean).map(checkOrigin),
    readToken: values['read-token'] ?? env.CONSENTGATE_READ_TOKEN ?? null,
    maxBody: integer('max-body', values['max-body'] ?? env.CONSENTGATE_MAX_BODY ?? String(DEFAULTS.maxBody), 256, 1_048_576),
    rateLimits: {
      perIp: integer('rate-ip', values['rate-ip'] ?? env.CONSENTGATE_RATE_IP ?? String(DEFAULTS.perIpPerMinute), 0, 1_000_000),
      perConsentId: integer('rate-consent', values['rate-consent'] ?? env.CONSENTGATE_RATE_CONSENT ?? String(DEFAULTS.perConsentIdPerMinute), 0, 1_000_000),
    },
    trustProxy: integer('trust-proxy', values['trust-proxy'] ?? env.CONSENTGATE_TRUST_PROXY ?? String(DEFAULTS.trustProxy), 0, 10),
    dailyCapMb: integer('daily-cap-mb', values['daily-cap-mb'] ?? env.CONSENTGATE_DAILY_CAP_MB ?? String(DEFAULTS.dailyCapMb), 0, 10_000_000),
    retainDays: integer('retain-days', values['retain-days'] ?? env.CONSENTGATE_RETAIN_DAYS ?? String(DEFAULTS.retainDays), 0, 36_500),
    format: 'csv',
  };
  if (config.readToken === '') config.readToken = null;
  if (values.format !== undefined) {
    if (values.format !== 'csv' && values.format !== 'json') throw new UsageError(`format: expected csv or json, got "${values.format}"`);
    config.format = values.format;
  }
  if (values.from !== undefined) config.from = values.from;
  if (values.to !== undefined) config.to = values.to;
  if (command === 'lookup') {
    if (rest.length !== 1) throw new UsageError('lookup: expected one consent ID');
    config.consentId = rest[0]!;
  } else if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (command === 'serve' && !config.origins.length)
    throw new UsageError('no site origin: give --origin https://your-site.example (or CONSENTGATE_ORIGINS); receipts from other origins are refused');
  if ((command === 'export' || command === 'stats') && (!config.from || !config.to)) throw new UsageError(`${command}: expected --from and --to (YYYY-MM-DD)`);
  return config;
}

/** A database location fit for a log line: a PostgreSQL URL without its password. */
export function describeDb(db: string): string {
  try {
    const url = new URL(db);
    if (url.protocol.startsWith('postgres')) {
      if (url.password) url.password = '***';
      return `PostgreSQL ${url.toString()}`;
    }
  } catch {
    // a file path
  }
  return `SQLite ${db}`;
}
