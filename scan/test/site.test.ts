/** Which pages get scanned: robots.txt (RFC 9309), sitemaps, the frontier. */
import { describe, expect, it } from 'vitest';
import { Frontier, pageUrl } from '../src/site/crawl';
import { ALLOW_ALL, parseRobots, robotsPatternMatches } from '../src/site/robots';
import { parseSitemap } from '../src/site/sitemap';
import { matchesWildcard } from '../src/wildcard';

const BASE = 'https://www.example.com/robots.txt';

describe('robots.txt', () => {
  it('takes our group over *, merges groups of one agent, and ignores other agents', () => {
    const rules = parseRobots(
      ['User-agent: *', 'Disallow: /', '', 'User-agent: Googlebot', 'Disallow: /g', '', 'User-agent: consentgate-scan', 'Disallow: /private', '', 'User-agent: ConsentGate-Scan/2.0', 'Disallow: /drafts'].join('\n'),
      BASE,
    );
    expect(rules.isAllowed('/')).toBe(true);
    expect(rules.isAllowed('/g')).toBe(true);
    expect(rules.isAllowed('/private/x')).toBe(false);
    expect(rules.isAllowed('/drafts')).toBe(false);
  });

  it('follows the * group when none names us; an empty Disallow allows all', () => {
    expect(parseRobots('User-agent: *\nDisallow: /admin', BASE).isAllowed('/admin/login')).toBe(false);
    expect(parseRobots('User-agent: *\nDisallow: /admin', BASE).isAllowed('/about')).toBe(true);
    expect(parseRobots('User-agent: *\nDisallow:', BASE).isAllowed('/anything')).toBe(true);
  });

  it('lets the longest rule win, allow on a tie; * and $ as RFC 9309 § 2.2.3 says', () => {
    const rules = parseRobots('User-agent: *\nDisallow: /shop\nAllow: /shop/public\nDisallow: /*.pdf$\nAllow: /tie\nDisallow: /tie', BASE);
    expect(rules.isAllowed('/shop/cart')).toBe(false);
    expect(rules.isAllowed('/shop/public/a')).toBe(true);
    expect(rules.isAllowed('/docs/a.pdf')).toBe(false);
    expect(rules.isAllowed('/docs/a.pdf?x=1')).toBe(true);
    expect(rules.isAllowed('/tie')).toBe(true);
    expect(rules.isAllowed('/robots.txt')).toBe(true);
  });

  it('groups consecutive user-agent lines, strips comments, reads Crawl-delay and every Sitemap line', () => {
    const rules = parseRobots(
      ['# hello', 'User-agent: bingbot', 'User-agent: *   # everyone', 'Crawl-delay: 2', 'Disallow: /tmp # temp', 'Sitemap: /sitemap-a.xml', 'Sitemap: https://cdn.example.com/b.xml'].join('\r\n'),
      BASE,
    );
    expect(rules.isAllowed('/tmp/x')).toBe(false);
    expect(rules.crawlDelay).toBe(2);
    expect(rules.sitemaps).toEqual(['https://www.example.com/sitemap-a.xml', 'https://cdn.example.com/b.xml']);
  });

  it('matches patterns without back-tracking blow-ups', () => {
    expect(robotsPatternMatches('/a*b*c*d$', '/a' + 'b'.repeat(50) + 'cd')).toBe(true);
    expect(robotsPatternMatches('/*a*a*a*a*a*b', '/' + 'a'.repeat(5000))).toBe(false);
    expect(matchesWildcard('_ga_*', '_ga_ABC', 'whole')).toBe(true);
    expect(matchesWildcard('_ga_*', '_gat', 'whole')).toBe(false);
    expect(matchesWildcard('*_id', 'li_fat_id', 'whole')).toBe(true);
  });
});

describe('sitemap.xml', () => {
  it('reads a urlset, with entities and CDATA', () => {
    const xml = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://www.example.com/a?x=1&amp;y=2</loc><lastmod>2025-01-01</lastmod></url>
      <url><loc> <![CDATA[https://www.example.com/b]]> </loc></url>
      <url><location>https://www.example.com/not-a-loc</location></url>
    </urlset>`;
    expect(parseSitemap(xml)).toEqual({ pages: ['https://www.example.com/a?x=1&y=2', 'https://www.example.com/b'], sitemaps: [] });
  });

  it('reads a sitemap index as more sitemaps', () => {
    const xml = '<sitemapindex><sitemap><loc>https://www.example.com/s1.xml</loc></sitemap></sitemapindex>';
    expect(parseSitemap(xml)).toEqual({ pages: [], sitemaps: ['https://www.example.com/s1.xml'] });
  });

  it('survives broken XML', () => {
    expect(parseSitemap('<urlset><url><loc>https://a.example/')).toEqual({ pages: [], sitemaps: [] });
    expect(parseSitemap('not xml at all')).toEqual({ pages: [], sitemaps: [] });
  });
});

describe('the frontier', () => {
  it('takes the start page, then same-origin pages once each, without fragments, up to the limit', () => {
    const frontier = new Frontier('https://www.example.com', ALLOW_ALL, 3);
    frontier.took('https://www.example.com/');
    for (const link of ['/a#top', 'https://www.example.com/a', 'https://other.example/x', 'http://www.example.com/b', '/b', '/files/report.pdf', 'mailto:x@example.com', '/c', '/d']) frontier.add(new URL(link, 'https://www.example.com/').href);
    const taken: string[] = [];
    for (let url = frontier.next(); url; url = frontier.next()) taken.push(url);
    expect(taken).toEqual(['https://www.example.com/a', 'https://www.example.com/b']);
  });

  it('gives back a page that was not one, and lists what robots.txt keeps out', () => {
    const frontier = new Frontier('https://www.example.com', parseRobots('User-agent: *\nDisallow: /private', BASE), 2);
    frontier.took('https://www.example.com/');
    frontier.add('https://www.example.com/private/a');
    frontier.add('https://www.example.com/');
    frontier.add('https://www.example.com/x');
    frontier.add('https://www.example.com/y');
    expect(frontier.planned).toBe(2);
    expect(frontier.next()).toBe('https://www.example.com/x');
    expect(frontier.next()).toBeUndefined();
    frontier.giveBack();
    expect(frontier.next()).toBe('https://www.example.com/y');
    expect(frontier.skipped).toEqual([{ url: 'https://www.example.com/private/a', reason: 'disallowed by robots.txt' }]);
  });

  it('resolves links and drops what is not http(s)', () => {
    expect(pageUrl('/a#x', 'https://www.example.com/b/')).toBe('https://www.example.com/a');
    expect(pageUrl('javascript:alert(1)', 'https://www.example.com/')).toBeNull();
    expect(pageUrl('http://[', 'https://www.example.com/')).toBeNull();
  });
});
