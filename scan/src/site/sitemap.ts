/**
 * sitemap.xml (sitemaps.org protocol 0.9): a `<urlset>` lists pages, a `<sitemapindex>` lists
 * more sitemaps; both in `<loc>` elements. Read by scanning for `<loc>`, in one pass over the text
 * (a sitemap may hold 50,000 URLs): no XML parser, no regular expression that could back-track.
 */

export interface SitemapEntries {
  /** Page URLs (a `<urlset>`). */
  pages: string[];
  /** Nested sitemap URLs (a `<sitemapindex>`). */
  sitemaps: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
  const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(text);
  if (cdata) return cdata[1]!;
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function parseSitemap(xml: string): SitemapEntries {
  const locs: string[] = [];
  for (let at = xml.indexOf('<loc'); at >= 0; at = xml.indexOf('<loc', at + 1)) {
    const open = xml.indexOf('>', at);
    if (open < 0) break;
    // `<location>` or `<loc:foo>` is not a loc element.
    const name = xml.slice(at + 1, open).trim();
    if (name !== 'loc') continue;
    const close = xml.indexOf('</loc>', open);
    if (close < 0) break;
    const value = decodeXmlText(xml.slice(open + 1, close).trim()).trim();
    if (value) locs.push(value);
    at = close;
  }
  const isIndex = xml.includes('<sitemapindex');
  return { pages: isIndex ? [] : locs, sitemaps: isIndex ? locs : [] };
}
