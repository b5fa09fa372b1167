import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL database the tests may use, and whose role may CREATE DATABASE. */
    pgUrl: string;
  }
}

/**
 * A real PostgreSQL server for the collector's tests, never a mock:
 * - CONSENTGATE_TEST_PG_URL, when set (CI: .ci/run starts Debian's cluster and sets it);
 * - else a throwaway cluster from Debian's binaries (/usr/lib/postgresql/<version>/bin), on a free
 *   port of 127.0.0.1, its socket and data in a temp folder, trust auth; stopped and removed after.
 * Neither: the run fails, saying how to get one. Each test suite makes its own database in it.
 */
const HOW = 'set CONSENTGATE_TEST_PG_URL=postgres://user@host:5432/db (a role that may CREATE DATABASE), or install the server: apt-get install -y postgresql';

async function check(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`collector tests: cannot reach PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(error as Error).message}. ${HOW}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function newestBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.CONSENTGATE_TEST_PG_URL;
  if (given) {
    await check(given);
    project.provide('pgUrl', given);
    return;
  }
  const bin = newestBinDir();
  if (!bin) throw new Error(`collector tests need PostgreSQL and found neither CONSENTGATE_TEST_PG_URL nor /usr/lib/postgresql/*/bin/pg_ctl: ${HOW}`);

  const dir = mkdtempSync(join(tmpdir(), 'consentgate-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  // initdb refuses to run as root: the cluster belongs to Debian's `postgres` user then.
  const root = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) =>
    execFileSync(root ? 'runuser' : join(bin, tool), root ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const stop = () => {
    try {
      if (existsSync(join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const port = await freePort();
    // Throwaway: no fsync (the durability under test is the collector's answers, not the disk's).
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
    try {
      run('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '60', 'start']);
    } catch (error) {
      throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    }
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE consentgate_test');
    await admin.end();
    const url = `postgres://postgres@127.0.0.1:${port}/consentgate_test`;
    await check(url);
    project.provide('pgUrl', url);
  } catch (error) {
    stop();
    throw error;
  }
  return async () => stop();
}
