/**
 * What npm gets: `npm pack` of the workspace, publint-clean, installed from the tarball into a
 * fresh folder (playwright-core from the local npm cache), and its bin run there against a page:
 * the registry, the schema id and the Chromium launcher are bundled in, nothing is read from the repo.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from './_util/cli';

const SCAN = join(REPO, 'scan');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quietNpm = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

let work = '';
let packed: { filename: string; files: Array<{ path: string }> };
let bin = '';
let server: Server;
let url = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'consentgate-scan-pack-'));
  packed = (JSON.parse(execFileSync(NPM, ['pack', '--json', '--pack-destination', work], { cwd: SCAN, encoding: 'utf8', env: quietNpm })) as Array<typeof packed>)[0]!;
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync(NPM, ['install', join(work, packed.filename), '--prefer-offline', '--no-save'], { cwd: consumer, stdio: 'pipe', env: quietNpm });
  bin = join(consumer, 'node_modules', 'consentgate-scan', 'bin', 'consentgate-scan.mjs');
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title><img alt="" src="https://www.facebook.com/tr?id=1&ev=PageView">'));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 180_000);

afterAll(async () => {
  await new Promise((closed) => server?.close(closed));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack of consentgate-scan', () => {
  it('holds the bin, the built CLI, the README and the license, nothing else', () => {
    expect(packed.files.map((f) => f.path).sort()).toEqual(['LICENSE', 'README.md', 'bin/consentgate-scan.mjs', 'dist/cli.mjs', 'dist/cli.mjs.map', 'package.json']);
  });

  it('is publint-clean (strict)', async () => {
    const { messages, pkg } = await publint({ pkgDir: SCAN, strict: true, pack: false });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`)).toEqual([]);
  });

  it('runs from a fresh install: a registry tracker before consent fails the check', async () => {
    // Asynchronous: the page is served by this very process.
    expect((await runCli(['--version'], {}, bin)).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const check = await runCli(['check', url, '--offline', '--pages', '1'], {}, bin);
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toContain('image https://www.facebook.com/tr?id=1&ev=PageView\n      Meta Pixel (meta-pixel; advertising; Meta Platforms, Inc.)');
  });
});
