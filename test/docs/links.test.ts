// @vitest-environment node
/**
 * Every relative link and anchor in the READMEs and docs/*.md resolves: a guide renamed, a file moved
 * or a heading reworded fails here, not in a reader's browser. Plain fs, no network: links with a
 * scheme (https:, mailto:) are not checked. Anchors follow GitHub's heading ids (github-slugger):
 * the heading's text, lower case, without punctuation, spaces as hyphens, `-1`, `-2` for repeats.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const DOCUMENTS = ['README.md', 'bench/README.md', 'server/README.md', 'scan/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The text with fenced code blocks blanked, line numbers kept. */
function withoutFences(markdown: string): string {
  let fence: string | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
        return '';
      }
      if (marker) fence = marker;
      return marker ? '' : line;
    })
    .join('\n');
}

const blank = (s: string) => s.replace(/[^\n]/g, ' ');
const withoutComments = (text: string) => text.replace(/<!--[\s\S]*?-->/g, blank);

/** The text a link can be in: no code (fenced blocks, inline spans), no HTML comments. */
function prose(markdown: string): string {
  return withoutComments(withoutFences(markdown)).replace(/(`+)[\s\S]*?\1/g, blank);
}

/** GitHub's id for a heading's Markdown text. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .replace(/[`*~]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown file offers: its headings' ids and explicit `id`/`name` attributes. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  // A heading's code spans count in its id: only fences and comments are left out.
  for (const line of withoutComments(withoutFences(markdown)).split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  for (const match of prose(markdown).matchAll(/<[a-z][^>]*\s(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(match[1]!);
  return anchors;
}

/** Every link target in a Markdown text, with its line: inline links and images, reference definitions, HTML href/src. */
function linksOf(markdown: string): Array<{ target: string; line: number }> {
  const text = prose(markdown);
  const found: Array<{ target: string; index: number }> = [];
  for (const m of text.matchAll(/\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g)) {
    found.push({ target: m[1]!.replace(/^<|>$/g, ''), index: m.index! });
  }
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm)) found.push({ target: m[1]!, index: m.index! });
  for (const m of text.matchAll(/<(?:a|img|source)\b[^>]*?\s(?:href|src)\s*=\s*["']([^"']*)["']/gi)) found.push({ target: m[1]!, index: m.index! });
  return found.map(({ target, index }) => ({ target, line: text.slice(0, index).split('\n').length }));
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

const anchorCache = new Map<string, Set<string>>();
const anchorsIn = (file: string) => {
  let anchors = anchorCache.get(file);
  if (!anchors) anchorCache.set(file, (anchors = anchorsOf(readFileSync(join(ROOT, file), 'utf8'))));
  return anchors;
};

/** What is wrong with one link of `from` (a path relative to the repository), or null. */
function problem(from: string, target: string): string | null {
  if (isExternal(target)) return null;
  if (!target) return 'empty link';
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const fragment = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
  const file = path ? relative(ROOT, join(ROOT, dirname(from), path)) : from;
  if (file.startsWith('..')) return `${file} is outside the repository`;
  if (!existsSync(join(ROOT, file))) return `${file} does not exist`;
  if (path.endsWith('/') && !statSync(join(ROOT, file)).isDirectory()) return `${file} is not a folder`;
  if (fragment === null) return null;
  if (!file.endsWith('.md')) return `#${fragment}: anchors are checked in Markdown files only`;
  return anchorsIn(file).has(fragment) ? null : `${file} has no heading #${fragment}`;
}

describe('the checker', () => {
  it('makes the ids GitHub makes', () => {
    expect(slug('Proof of consent (receipts)')).toBe('proof-of-consent-receipts');
    expect(slug('`data-consentgate-*` hooks')).toBe('data-consentgate--hooks');
    expect(slug('Tags that use document.write')).toBe('tags-that-use-documentwrite');
    expect(slug('Do Not Track (DNT)')).toBe('do-not-track-dnt');
    expect([...anchorsOf('# A\n## A\n```\n# B\n```\n<a id="c"></a>')]).toEqual(['a', 'a-1', 'c']);
  });

  it('finds links outside code only', () => {
    const links = linksOf('[a](x.md) `[b](y.md)`\n```\n[c](z.md)\n```\n![d](i.png "t") <a href="h.md">e</a>\n[ref]: r.md\n<!-- [f](g.md) -->');
    expect(links.map((l) => l.target)).toEqual(['x.md', 'i.png', 'r.md', 'h.md']);
  });
});

describe.each(DOCUMENTS)('%s', (document) => {
  it('has only relative links and anchors that resolve', () => {
    const broken = linksOf(readFileSync(join(ROOT, document), 'utf8'))
      .map(({ target, line }) => ({ target, line, problem: problem(document, target) }))
      .filter((l) => l.problem !== null)
      .map((l) => `${document}:${l.line} ${l.target}: ${l.problem}`);
    expect(broken).toEqual([]);
  });
});
