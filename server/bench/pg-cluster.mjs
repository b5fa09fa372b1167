import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster from Debian's binaries for the load test, with the server's
 * default durability (fsync on, synchronous_commit on: a 201 means on disk, as with SQLite FULL).
 * Same steps as server/test/postgres-setup.ts: as root, the cluster belongs to `postgres`.
 */
export async function startCluster({ core } = {}) {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => b - a)[0] : undefined;
  if (!version) throw new Error('no PostgreSQL binaries in /usr/lib/postgresql: apt-get install -y postgresql, or set CONSENTGATE_BENCH_PG_URL');
  const bin = join(root, version, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'consentgate-bench-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // Started under taskset: the postmaster and every backend it forks inherit the core.
  const run = (tool, args) => {
    const command = [...(asRoot ? ['runuser', '-u', 'postgres', '--'] : []), join(bin, tool), ...args];
    if (core !== undefined) command.unshift('taskset', '-c', String(core));
    return execFileSync(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])));
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300`, '-w', 'start']);
  return {
    version,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
