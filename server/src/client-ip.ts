import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The address a request came from, for the rate limits (never stored, never logged).
 *
 * Without a trusted proxy (`trustProxy` 0, the default) it is the socket's peer: X-Forwarded-For is
 * anyone's to write. Behind `trustProxy` proxies, each appended the address it saw to
 * X-Forwarded-For, so the client is that many hops from the right of [...X-Forwarded-For, peer]:
 * what the client wrote itself stays to the left and is never read.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const peer = req.socket.remoteAddress ?? '';
  if (trustProxy <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((hop) => withoutPort(hop.trim())).filter(Boolean);
  const chain = [...forwarded, peer];
  const client = chain[Math.max(0, chain.length - 1 - trustProxy)]!;
  // A trusted proxy writes addresses; anything else (`unknown`, a name) counts as the peer.
  return isIP(client) ? client : peer;
}

/** `203.0.113.7:4711` and `[2001:db8::1]:443` (some proxies add the port) → the address. */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}

/**
 * The rate limit's key for an address: IPv4 as is (an IPv4-mapped IPv6 address too), IPv6 by its
 * /64: one subscriber or host gets a whole /64 and picks addresses in it at will.
 */
export function rateKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const bare = address.split('%')[0]!.toLowerCase();
  const [head, tail] = bare.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  // An embedded IPv4 address (the last 32 bits) counts as two groups.
  const width = (list: string[]) => list.length + (list.at(-1)?.includes('.') ? 1 : 0);
  const full = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - width(groups(head)) - width(groups(tail))).fill('0'), ...groups(tail)];
  return `${full.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}
