import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, rateKey } from '../src/client-ip';
import { rateLimiter } from '../src/rate-limit';

describe('rateLimiter', () => {
  it('lets a key spend its minute at once, then one token every 60/N s, and says how long to wait', () => {
    let time = 0;
    const limit = rateLimiter(6, { now: () => time });
    expect(Array.from({ length: 6 }, () => limit.take('a'))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(limit.take('a')).toBe(10);
    expect(limit.take('b')).toBe(0);
    time += 9_000;
    expect(limit.take('a')).toBe(1);
    time += 1_000;
    expect(limit.take('a')).toBe(0);
    expect(limit.take('a')).toBe(10);
    // Refused attempts cost nothing more: a minute later the bucket is full again.
    time += 60_000;
    expect(Array.from({ length: 7 }, () => limit.take('a'))).toEqual([0, 0, 0, 0, 0, 0, 10]);
  });

  it('0 is no limit; past maxKeys the key unused the longest is forgotten', () => {
    expect(rateLimiter(0).take('a')).toBe(0);
    const limit = rateLimiter(1, { maxKeys: 2, now: () => 0 });
    expect([limit.take('a'), limit.take('b'), limit.take('a')]).toEqual([0, 0, 60]);
    limit.take('c'); // b goes
    expect([limit.take('a'), limit.take('b')]).toEqual([60, 0]);
  });
});

describe('clientAddress', () => {
  const request = (peer: string, forwardedFor?: string) =>
    ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

  it('is the peer unless proxies are trusted: X-Forwarded-For is anyone to write', () => {
    expect(clientAddress(request('198.51.100.9', '203.0.113.7'), 0)).toBe('198.51.100.9');
  });

  it('behind N trusted proxies, is the address the Nth one from the right saw', () => {
    expect(clientAddress(request('10.0.0.2', '203.0.113.7'), 1)).toBe('203.0.113.7');
    // What the client wrote itself stays to the left.
    expect(clientAddress(request('10.0.0.2', '1.2.3.4, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.2', '1.2.3.4, 203.0.113.7, 10.0.0.1'), 2)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.2', '203.0.113.7:4711'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.2', '[2001:db8::1]:443'), 1)).toBe('2001:db8::1');
    // No header (a request that bypassed the proxy), or a hop that is no address: the peer.
    expect(clientAddress(request('10.0.0.2'), 1)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2', 'unknown'), 1)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2', '203.0.113.7'), 3)).toBe('203.0.113.7');
  });
});

describe('rateKey', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    expect(rateKey('203.0.113.7')).toBe('203.0.113.7');
    expect(rateKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(rateKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(rateKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateKey('::1')).toBe('0:0:0:0::/64');
    expect(rateKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateKey('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64');
  });
});
