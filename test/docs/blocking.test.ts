// @vitest-environment node
/**
 * The blocking guide lists the built-in services a site owner can name in a config. The registry
 * (src/blocking/service-registry.json) is the source: a service added, removed or moved to another
 * category fails here until the guide's table says the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import registry from '../../src/blocking/service-registry.json';

const guide = readFileSync(new URL('../../docs/blocking.md', import.meta.url), 'utf8');

/** The "Known services" table: category → service ids, as the guide writes them. */
function listedByCategory(markdown: string): Record<string, string[]> {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Known services'));
  const rows: Record<string, string[]> = {};
  for (const line of (section ?? '').split('\n')) {
    const cells = /^\| `([a-z-]+)` \| (.+) \|$/.exec(line);
    if (cells) rows[cells[1]!] = [...cells[2]!.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!);
  }
  return rows;
}

describe('docs/blocking.md, known services', () => {
  it('lists every registry service under its category, in registry order', () => {
    const expected: Record<string, string[]> = {};
    for (const service of registry.services) (expected[service.category] ??= []).push(service.id);
    expect(listedByCategory(guide)).toEqual(expected);
  });
});
