/**
 * Runs what ships: the bin over the built CLI (npm test builds first; alone: npm run build), as a
 * child process with its own Chromium, and serves copies of the demo site changed for one test.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentTypeFor, startServer, type TestServer } from '../../../test/_util/chromium';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(REPO, 'scan/bin/consentgate-scan.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI (`bin`: another copy of it, such as an installed one) as a child process;
 * `prefix`: a command it runs under (`setpriv …` to run as another user).
 */
export function runCli(args: string[], env: Record<string, string> = {}, bin = BIN, prefix: string[] = []): Promise<Run> {
  return new Promise((done) => {
    const [command, ...rest] = [...prefix, process.execPath, bin, ...args];
    const child = spawn(command!, rest, { env: { ...process.env, ...env }, cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The "scanned N pages in X s" line the CLI prints on stderr. */
export const timeLine = (run: Run) => /scanned \d+ pages? in [\d.]+ s.*/.exec(run.stderr)?.[0] ?? '(no time printed)';

/**
 * A copy of demo/ in a temp folder, changed by `change(dir)`, served with the built SDK at /dist/
 * (every file at its path, a folder's index.html at the folder). Nothing is added to demo/.
 */
export async function serveDemoCopy(change: (dir: string) => void): Promise<{ server: TestServer; dir: string; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-scan-demo-'));
  cpSync(join(REPO, 'demo'), dir, { recursive: true, filter: (src) => !/\.(mjs|mts|ts)$/.test(src) || src.includes(`${sep}dist${sep}`) });
  change(dir);
  const server = await startServer();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const file = join(folder, name);
      if (statSync(file).isDirectory()) walk(file);
      else {
        const path = '/' + relative(dir, file).split(sep).join('/');
        const body = readFileSync(file, 'utf8');
        server.setPage(path, body, { 'content-type': contentTypeFor(file) });
        if (name === 'index.html') server.setPage(path.slice(0, -'index.html'.length), body, { 'content-type': contentTypeFor(file) });
      }
    }
  };
  walk(dir);
  return { server, dir, url: server.url('/', 'localhost') };
}

/** Replaces `from` (which must be there) in a file of the copy. */
export function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}: the demo changed, update the test`);
  writeFileSync(path, text.split(from).join(to));
}
