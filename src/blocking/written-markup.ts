/**
 * Markup that arrives in pieces: `document.write('<div class="ad">'); document.write(img);
 * document.write('</div>')`. The parser would build one tree from them; parsed one by one they
 * would be three (an empty div, an img beside it, a stray end tag). `wholeMarkupLength` says how
 * much of what has arrived is whole: the longest prefix that ends outside a tag, a comment and a
 * raw-text element (script, style, textarea, …), with every element it opened closed again. The
 * rest waits for the next piece (document-write.ts parses only whole markup, and whatever is left
 * when the script's run is over).
 *
 * It reads, it never builds: the browser's parser builds the tree. It knows enough HTML to find
 * where tokens end; where it cannot tell (the parser would close a `<p>` by itself when a `<div>`
 * starts), it waits longer, never less. `<x/>` counts as closed, as in SVG (in HTML `<div/>` opens
 * a div: then the markup after it lands beside it rather than in it). Linear in the markup's length.
 */

/** Elements without content (HTML § void elements, with the obsolete ones parsers still know). */
const VOID = /^(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr|param|keygen|frame|basefont|bgsound)$/;
/** Elements whose content is text up to their end tag (HTML § raw text and escapable raw text, and
 * what the parser treats so with scripting enabled). */
const RAW_TEXT = /^(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)$/;
/** A start or end tag's opening: `<` or `</`, then a letter (HTML § tag open state). */
const TAG_OPEN = /<(\/?)([a-z][^\s/>]*)/iy;

/** The index after the `>` that ends a tag whose attributes start at `i`; -1 when it has not come. */
function tagEnd(html: string, i: number): number {
  for (let quote = ''; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '>') {
      return i + 1;
    } else if (c === '=') {
      // A value is quoted when its first character after any spaces is a quote.
      while (/\s/.test(html[i + 1] ?? '')) i++;
      if (html[i + 1] === '"' || html[i + 1] === "'") quote = html[++i]!;
    }
  }
  return -1;
}

/** The index after the end tag that closes raw text starting at `from`; -1 when it has not come. */
function rawTextEnd(lower: string, from: number, name: string): number {
  for (let at = lower.indexOf('</' + name, from); at >= 0; at = lower.indexOf('</' + name, at + 2)) {
    const next = lower[at + 2 + name.length];
    if (next === undefined) return -1;
    if (/[\s/>]/.test(next)) {
      const gt = lower.indexOf('>', at);
      return gt < 0 ? -1 : gt + 1;
    }
  }
  return -1;
}

/** The length of the whole part of `html` (see the file comment); `html.length` when all of it is. */
export function wholeMarkupLength(html: string): number {
  const lower = html.toLowerCase();
  const open: string[] = [];
  let whole = 0;
  for (let i = 0; ; ) {
    if (!open.length) whole = i;
    const lt = html.indexOf('<', i);
    if (lt < 0) return open.length ? whole : html.length;
    // The text before it is whole.
    if (!open.length) whole = lt;
    let end: number;
    if (html.startsWith('<!--', lt)) {
      end = html.indexOf('-->', lt + 4);
      end = end < 0 ? -1 : end + 3;
    } else if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      // A doctype, CDATA or a bogus comment: up to the next `>`.
      end = html.indexOf('>', lt);
      end = end < 0 ? -1 : end + 1;
    } else {
      TAG_OPEN.lastIndex = lt;
      const tag = TAG_OPEN.exec(html);
      if (!tag) {
        // A `<` that is text, unless the markup ends before it can tell (`<`, `</`).
        if (/^<\/?$/.test(html.slice(lt))) return whole;
        i = lt + 1;
        continue;
      }
      end = tagEnd(html, TAG_OPEN.lastIndex);
      const name = tag[2]!.toLowerCase();
      if (end < 0) return whole;
      if (tag[1]) {
        // An end tag closes its element and what is still open inside it; a stray one closes nothing.
        const at = open.lastIndexOf(name);
        if (at >= 0) open.length = at;
      } else if (RAW_TEXT.test(name)) {
        end = rawTextEnd(lower, end, name);
      } else if (!VOID.test(name) && html[end - 2] !== '/') {
        // Deeper than the parser nests (Blink: 512), the rest waits for the run's end; this bound
        // keeps the end tags' search linear.
        if (open.push(name) > 512) return whole;
      }
    }
    if (end < 0) return whole;
    i = end;
  }
}
