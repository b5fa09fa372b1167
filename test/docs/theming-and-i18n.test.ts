// @vitest-environment node
/**
 * The theming guide lists every UI text key with its English text. The English texts
 * (src/ui/i18n/en.json) are the source: a key added, removed or reworded fails here until the
 * guide's table says the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import en from '../../src/ui/i18n/en.json';

const guide = readFileSync(new URL('../../docs/theming-and-i18n.md', import.meta.url), 'utf8');

/** The texts table: key → English text, as the guide writes them. */
function textsTable(markdown: string): Record<string, string> {
  const rows: Record<string, string> = {};
  for (const line of markdown.split('\n')) {
    const cells = /^\| `([\w.-]+)` \| (.*?) \| [^|]+ \|$/.exec(line);
    if (cells && !cells[1]!.startsWith('--')) rows[cells[1]!] = cells[2]!;
  }
  return rows;
}

describe('docs/theming-and-i18n.md, texts', () => {
  it('lists every text key with its English text, in the order of en.json', () => {
    const table = textsTable(guide);
    expect(Object.keys(table)).toEqual(Object.keys(en));
    expect(table).toEqual(en);
  });
});
