import { describe, expect, it } from 'vitest';
import { describeDb, parseCli } from '../src/config';
import { engineOf } from '../src/open-store';

describe('parseCli', () => {
  it('serve is the default command; arguments win over the environment, which wins over defaults', () => {
    expect(parseCli(['--origin', 'https://a.example'], {})).toMatchObject({
      command: 'serve',
      port: 8787,
      host: '127.0.0.1',
      db: './consentgate-receipts.sqlite',
      origins: ['https://a.example'],
      readToken: null,
      maxBody: 16384,
      rateLimits: { perIp: 120, perConsentId: 10 },
      trustProxy: 0,
      dailyCapMb: 2048,
      retainDays: 0,
    });
    expect(parseCli(['--origin', 'https://a.example', '--rate-ip', '0', '--trust-proxy', '1', '--daily-cap-mb', '0'], { CONSENTGATE_RATE_CONSENT: '4', CONSENTGATE_RETAIN_DAYS: '400' })).toMatchObject({
      retainDays: 400,
      rateLimits: { perIp: 0, perConsentId: 4 },
      trustProxy: 1,
      dailyCapMb: 0,
    });
    const env = { CONSENTGATE_PORT: '9000', CONSENTGATE_DB: 'postgres://u@db/x', CONSENTGATE_ORIGINS: 'https://a.example, https://b.example:8443', CONSENTGATE_READ_TOKEN: 't' };
    expect(parseCli([], env)).toMatchObject({ port: 9000, db: 'postgres://u@db/x', origins: ['https://a.example', 'https://b.example:8443'], readToken: 't' });
    expect(parseCli(['serve', '--port', '0', '--origin', 'http://localhost:3000', '--origin', 'https://c.example'], env)).toMatchObject({ port: 0, origins: ['http://localhost:3000', 'https://c.example'] });
  });

  it('refuses what would silently misbehave', () => {
    expect(() => parseCli([], {})).toThrow(/no site origin/);
    expect(() => parseCli(['--origin', 'https://a.example/'], {})).toThrow(/origin "https:\/\/a.example\/": expected an origin as browsers send it/);
    expect(() => parseCli(['--origin', 'https://A.example'], {})).toThrow(/expected an origin/);
    expect(() => parseCli(['--origin', 'https://a.example:443'], {})).toThrow(/expected an origin/);
    expect(() => parseCli(['--origin', 'https://a.example', '--port', 'http'], {})).toThrow('port: expected an integer from 0 to 65535, got "http"');
    expect(() => parseCli(['--origin', 'https://a.example', '--bogus'], {})).toThrow(/bogus/);
    expect(() => parseCli(['--origin', 'https://a.example', '--trust-proxy', 'yes'], {})).toThrow('trust-proxy: expected an integer from 0 to 10, got "yes"');
    expect(() => parseCli(['export', '--from', '2026-01-01'], {})).toThrow('export: expected --from and --to (YYYY-MM-DD)');
    expect(() => parseCli(['lookup'], {})).toThrow('lookup: expected one consent ID');
    expect(() => parseCli(['deploy'], {})).toThrow(/unknown command "deploy"/);
  });

  it('read commands need no origin', () => {
    expect(parseCli(['lookup', 'abc'], {})).toMatchObject({ command: 'lookup', consentId: 'abc' });
    expect(parseCli(['export', '--from', '2026-01-01', '--to', '2026-01-31', '--format', 'json'], {})).toMatchObject({ format: 'json', from: '2026-01-01', to: '2026-01-31' });
  });
});

describe('the database location', () => {
  it('postgres:// and postgresql:// select PostgreSQL; a password never shows in the log', () => {
    expect(engineOf('postgresql://u:p@h/db')).toBe('postgres');
    expect(engineOf('POSTGRES://h/db')).toBe('postgres');
    expect(engineOf('./receipts.sqlite')).toBe('sqlite');
    expect(describeDb('postgres://collector:s3cret@db.internal:5432/consent')).toBe('PostgreSQL postgres://collector:***@db.internal:5432/consent');
    expect(describeDb('/var/lib/consentgate/receipts.sqlite')).toBe('SQLite /var/lib/consentgate/receipts.sqlite');
  });
});
