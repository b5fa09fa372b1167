/** The command line: what each command takes, checked before a browser starts. */
import { parseArgs } from 'node:util';
import { HOST_PATTERN, serviceId } from '../../src/config/config-rules';
import { checkAgainst } from '../../src/config/validate';

export type Command = 'scan' | 'check' | 'help' | 'version';

export interface CliOptions {
  command: Command;
  url: string;
  pages: number;
  timeoutMs: number;
  offline: boolean;
  /** The site's ConsentGate config (JSON file). */
  config?: string;
  /** scan: where the files go. */
  out: string;
  /** check: known exceptions (host patterns or service ids). */
  allow: string[];
  json: boolean;
  junit?: string;
}

export const DEFAULT_PAGES = 20;
export const DEFAULT_TIMEOUT_S = 30;
export const DEFAULT_OUT = './consentgate-scan';

export const HELP = `consentgate-scan — what a site loads and sets before and after consent, in headless Chromium

Usage:
  consentgate-scan scan <url> [--out DIR] [options]
      Crawls the site and writes DIR/consentgate.json (a draft ConsentGate config),
      DIR/cookies.json and DIR/cookies.md (the cookie declaration) and DIR/report.html.
  consentgate-scan check <url> [--allow HOST]... [--json] [--junit FILE] [options]
      Fails (exit 1) when a non-necessary service or an unknown third party makes a
      request, or sets a cookie or storage key, before a decision or after Reject all.

Every page is visited three times, in three browser profiles: before a decision, after
Accept all and after Reject all (each decision through ConsentGate's banner or API, then a
reload). Same-origin links and sitemap.xml lead to more pages; robots.txt is honoured; two
pages load at a time.

Options:
  --pages N        most pages to scan [${DEFAULT_PAGES}]
  --timeout S      seconds a page may take to load; a slower page is reported and the
                   scan goes on [${DEFAULT_TIMEOUT_S}]
  --config FILE    the site's ConsentGate config: its custom services count as known
  --offline        answer every third-party request inside the browser: nothing reaches
                   a vendor (what vendors' scripts would load in turn is then not seen)
  --out DIR        scan: where the files go [${DEFAULT_OUT}]
  --allow HOST     check: a known exception, repeatable: a host pattern as the config
                   writes them (example.com, *.example.com, example.com/path), or a
                   service id (google-analytics)
  --json           check: the result as JSON on stdout
  --junit FILE     check: also write the result as JUnit XML
  -h, --help       this text
  -v, --version    the version

Chromium: $CHROME_PATH, else /usr/bin/chromium. Never downloads a browser.
Exit codes: 0 done (check: passed), 1 check failed, 2 bad input or a page that could not
be scanned (unreachable, not HTML, too slow, no Chromium).`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${name}: expected an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

/** A host pattern as the config's `domains` write them, or a service id: the config's own rules. */
const isAllowValue = (value: string) => HOST_PATTERN.test(value) || checkAgainst(value, serviceId).length === 0;

export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        pages: { type: 'string' },
        timeout: { type: 'string' },
        config: { type: 'string' },
        offline: { type: 'boolean' },
        out: { type: 'string' },
        allow: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        junit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const base = {
    url: '',
    pages: DEFAULT_PAGES,
    timeoutMs: DEFAULT_TIMEOUT_S * 1000,
    offline: false,
    out: DEFAULT_OUT,
    allow: [] as string[],
    json: false,
  };
  if (values.help) return { ...base, command: 'help' };
  if (values.version) return { ...base, command: 'version' };
  const [command, url, ...extra] = positionals;
  if (command === undefined) return { ...base, command: 'help' };
  if (command !== 'scan' && command !== 'check') throw new UsageError(`unknown command "${command}": use scan or check`);
  if (url === undefined) throw new UsageError(`${command}: which site? Give its URL, like https://www.example.com/`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  let parsedUrl: URL | null = null;
  try {
    parsedUrl = new URL(url);
  } catch {
    // reported below
  }
  if (!parsedUrl || (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:')) throw new UsageError(`"${url}" is not an http(s) URL, like https://www.example.com/`);
  const only = (name: string, present: unknown, forCommand: Command) => {
    if (present !== undefined && command !== forCommand) throw new UsageError(`--${name} is for ${forCommand}, not ${command}`);
  };
  only('out', values.out, 'scan');
  only('allow', values.allow, 'check');
  only('json', values.json, 'check');
  only('junit', values.junit, 'check');
  const allow = (values.allow ?? []).map((a) => a.trim().toLowerCase());
  for (const a of allow) if (!isAllowValue(a)) throw new UsageError(`--allow "${a}": expected a host (example.com, *.example.com, example.com/path) or a service id (google-analytics)`);
  return {
    command,
    url: parsedUrl.href,
    pages: values.pages === undefined ? DEFAULT_PAGES : integer('--pages', values.pages, 1, 10_000),
    timeoutMs: (values.timeout === undefined ? DEFAULT_TIMEOUT_S : integer('--timeout', values.timeout, 1, 600)) * 1000,
    offline: values.offline ?? false,
    ...(values.config !== undefined && { config: values.config }),
    out: values.out ?? DEFAULT_OUT,
    allow,
    json: values.json ?? false,
    ...(values.junit !== undefined && { junit: values.junit }),
  };
}
