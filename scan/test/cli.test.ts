/**
 * The CLI on bad input (exit code 2, a clear message) and on a plain site without ConsentGate:
 * robots.txt, the sitemap, a page that never finishes loading, an unknown third party.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentGateConfig } from '../../src/types';
import { createProgress } from '../src/progress';
import { chromeExecutable } from '../../scripts/chromium.mjs';
import { BIN, runCli } from './_util/cli';

const work = mkdtempSync(join(tmpdir(), 'cg-scan-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A server of plain pages; `/slow` sends half a page and never ends it. */
function plainSite(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const html = (body: string) => `<!doctype html><html lang="en"><head><title>t</title></head><body>${body}</body></html>`;
  const pages: Record<string, [type: string, body: string]> = {
    '/': ['text/html', html('<a href="/slow">slow</a> <a href="/ok#top">ok</a> <a href="/private/secret">secret</a> <a href="/report.pdf">pdf</a> <a href="https://elsewhere.example/">off-site</a>')],
    '/ok': ['text/html; charset=utf-8', html('<img alt="" src="https://pixel.tracker-unknown.example/p.gif?page=ok">')],
    '/from-sitemap': ['text/html', html('<p>only in the sitemap</p>')],
    '/data.json': ['application/json', '{"not":"html"}'],
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(path);
    const origin = `http://${req.headers.host}`;
    if (path === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nDisallow: /private\nSitemap: ${origin}/sitemap.xml\n`);
    if (path === '/sitemap.xml') return void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<urlset><url><loc>${origin}/from-sitemap</loc></url><url><loc>https://elsewhere.example/x</loc></url></urlset>`);
    if (path === '/slow') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><title>slow</title><p>never finishes');
      return;
    }
    const page = pages[path];
    if (!page) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': page[0] }).end(page[1]);
  });
  return new Promise((ready) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      ready({
        url: `http://127.0.0.1:${port}/`,
        hits,
        close: () =>
          new Promise((closed) => {
            server.closeAllConnections();
            server.close(() => closed());
          }),
      });
    }),
  );
}

let site: Awaited<ReturnType<typeof plainSite>>;
beforeAll(async () => {
  site = await plainSite();
});
afterAll(() => site?.close());

describe('usage', () => {
  it('prints the help, and the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('consentgate-scan check <url>');
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['scan'], 'scan: which site?'],
    [['scan', 'ftp://example.com/'], 'is not an http(s) URL'],
    [['crawl', 'https://example.com/'], 'unknown command "crawl"'],
    [['scan', 'https://example.com/', '--allow', 'x.example'], '--allow is for check, not scan'],
    [['check', 'https://example.com/', '--pages', '0'], '--pages: expected an integer from 1'],
    [['check', 'https://example.com/', '--allow', 'not a host'], '--allow "not a host"'],
    [['check', 'https://example.com/', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('%j: exit 2 and says what is wrong', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('consentgate-scan --help');
  });

  it('refuses a --config that is not a valid ConsentGate config, by JSON path', async () => {
    const file = join(work, 'bad-config.json');
    writeFileSync(file, JSON.stringify({ policy: { version: '1' }, categories: [{ id: 'necessary', services: [{ id: 'x', domains: ['not a host'] }] }] } satisfies ConsentGateConfig));
    const run = await runCli(['check', site.url, '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('categories[0].services[0].domains[0]');
  });
});

describe('bad input: exit 2 with a clear error', () => {
  it('no Chromium: says how to install it or set CHROME_PATH', async () => {
    const run = await runCli(['scan', site.url, '--out', join(work, 'none')], { CHROME_PATH: join(work, 'no-such-chromium') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`No Chromium at ${join(work, 'no-such-chromium')} (from CHROME_PATH)`);
    expect(run.stderr).toContain('apt-get install -y chromium');
    expect(run.stderr).toContain('never downloads a browser');
    const notExecutable = join(work, 'chromium.txt');
    writeFileSync(notExecutable, 'not a browser');
    const again = await runCli(['check', site.url], { CHROME_PATH: notExecutable });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not an executable file');
  });

  it('an unreachable URL', async () => {
    const closed = await new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => done(port));
      });
    });
    const run = await runCli(['check', `http://127.0.0.1:${closed}/`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot reach http://127.0.0.1:${closed}/: net::ERR_CONNECTION_REFUSED`);
  });

  it('a response that is not HTML, and an HTTP error', async () => {
    const json = await runCli(['check', new URL('/data.json', site.url).href]);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('/data.json: not an HTML page (application/json)');
    const missing = await runCli(['check', new URL('/missing', site.url).href]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/missing: HTTP 404');
  });
});

describe("Chromium's sandbox", () => {
  // A Chromium that, like one in a container without user namespaces, starts only without its sandbox.
  const wrapperDir = join(work, 'sandboxless');
  const wrapper = join(wrapperDir, 'chromium');
  const home = join(work, 'home');
  beforeAll(() => {
    mkdirSync(wrapperDir);
    mkdirSync(home);
    writeFileSync(wrapper, `#!/bin/sh\ncase " $* " in *" --no-sandbox "*) exec ${chromeExecutable()} "$@";; esac\necho "No usable sandbox!" >&2\nexit 1\n`);
    chmodSync(wrapper, 0o755);
    for (const dir of [work, wrapperDir, home]) chmodSync(dir, 0o777);
  });
  const root = process.getuid?.() === 0;
  // As root the scan must turn the sandbox off (Chromium's rule); the other user is tried through
  // setpriv, so both paths run wherever the tests run as root.
  const asOtherUser = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];

  it('is used where it starts; where it cannot, the scan says so and goes on without it', async () => {
    const run = await runCli(['check', new URL('/from-sitemap', site.url).href, '--offline', '--pages', '1'], { CHROME_PATH: wrapper, HOME: home }, BIN, asOtherUser);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Chromium's sandbox did not start");
  });

  it.skipIf(!root)('is off for root without a word', async () => {
    const run = await runCli(['check', new URL('/from-sitemap', site.url).href, '--offline', '--pages', '1'], { CHROME_PATH: wrapper });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('sandbox');
  });
});

describe('a plain site (no ConsentGate)', () => {
  it('honours robots.txt, follows the sitemap, reports a page that never finishes loading and goes on', async () => {
    const out = join(work, 'plain');
    const run = await runCli(['scan', site.url, '--offline', '--timeout', '3', '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toContain(`Not scanned in full: ${new URL('/slow', site.url).href}: before-consent: did not finish loading within 3 s`);
    expect(site.hits).not.toContain('/private/secret');
    expect(site.hits).not.toContain('/report.pdf');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const path of ['/ok', '/from-sitemap', '/slow']) expect(html).toContain(`<summary>${new URL(path, site.url).href}`);
    expect(html).toContain('disallowed by robots.txt');
    expect(html).toContain(' · no ConsentGate · ');
    // The unknown third party, with its host, in the draft config for the owner to classify.
    const config = JSON.parse(readFileSync(join(out, 'consentgate.json'), 'utf8')) as ConsentGateConfig;
    expect(config.categories.at(-1)).toMatchObject({ id: 'unclassified', services: [{ id: 'tracker-unknown-example', domains: ['tracker-unknown.example'] }] });
    expect(run.stdout).toContain('Unknown third parties (1): tracker-unknown.example (pixel.tracker-unknown.example)');
  });

  it('check fails on a third party before consent; allowed, or declared necessary in --config, it passes', async () => {
    const failed = await runCli(['check', new URL('/ok', site.url).href, '--offline', '--pages', '1']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('image https://pixel.tracker-unknown.example/p.gif?page=ok');
    const config = join(work, 'site-config.json');
    const essential = { id: 'essential', required: true, services: [{ id: 'pixel-host', domains: ['pixel.tracker-unknown.example'] }] };
    writeFileSync(config, JSON.stringify({ policy: { version: '1' }, categories: [essential] } satisfies ConsentGateConfig));
    const declared = await runCli(['check', new URL('/ok', site.url).href, '--offline', '--pages', '1', '--config', config]);
    expect(declared.code, declared.stdout).toBe(0);
    const allowed = await runCli(['check', new URL('/ok', site.url).href, '--offline', '--pages', '1', '--allow', '*.tracker-unknown.example']);
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.stdout).toContain('No ConsentGate on the site: there is no Reject all to check');
  });
});

describe('progress on stderr', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, stream: { isTTY, columns: 60, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
  };

  it('is a bar redrawn in place on a terminal', () => {
    const { written, stream: tty } = stream(true);
    const progress = createProgress(tty);
    progress.page(1, 4, 'https://www.example.com/');
    progress.page(2, 4, 'https://www.example.com/a-very-long-path/that/does/not/fit/in/sixty/columns/at/all');
    progress.end();
    expect(written).toEqual(['[######..................] 1/4 pages  /', '\r\x1b[K', expect.stringMatching(/^\[############\.+\] 2\/4 pages {2}\/a-very-long-path.*…$/), '\n']);
    expect(written[2]!.length).toBeLessThan(60);
  });

  it('is plain lines otherwise', () => {
    const { written, stream: log } = stream(false);
    const progress = createProgress(log);
    progress.page(1, 2, 'https://www.example.com/', 'did not finish loading within 3 s');
    progress.end();
    expect(written).toEqual(['consentgate-scan: [1/2] https://www.example.com/ — did not finish loading within 3 s\n']);
  });
});
