import { describe, expect, it } from 'vitest';
import { wholeMarkupLength } from '../../src/blocking/written-markup';

/** The whole part of `html`, as a string. */
const whole = (html: string) => html.slice(0, wholeMarkupLength(html));

describe('wholeMarkupLength: how much of markup written in pieces can be parsed now', () => {
  it.each([
    '',
    'text only',
    '<img src="https://bat.bing.com/action/0?ti=5">',
    '<div class="ad"><a href="/x"><img src=/a.png alt=""></a></div>',
    '<br/><svg><circle r="1"/></svg>',
    '<script src="https://ads.example/t.js"></script>',
    '<script>document.write("<div>" + "</div>")</script>after',
    '<style>a > b { color: red }</style>',
    '<!-- <div> in a comment -->',
    '<!doctype html><?xml?>',
    'a < b, c <= d',
    '<ul><li>one<li>two</ul>',
    '</div>a stray end tag closes nothing',
    '<img alt="a > b" src=\'x\'>',
    '<img alt = "quoted after spaces >" >',
    '<SCRIPT>x</SCRIPT >',
  ])('all of %j', (html) => {
    expect(wholeMarkupLength(html)).toBe(html.length);
  });

  it.each([
    ['<div class="ad">', ''],
    ['before<div>inside', 'before'],
    ['<div><p>a</p>', ''],
    ['<p>a</p><div>b', '<p>a</p>'],
    ['<img src="https://bat.bing.com/act', ''],
    ['<img src=x', ''],
    ['ok <', 'ok '],
    ['ok </', 'ok '],
    ['ok <!-', 'ok '],
    ['<!-- open', ''],
    ['x<script>var a = "</div>";', 'x'],
    ['<script>x</scr', ''],
    ['<script>x</script', ''],
    ['<script>x</scripts>', ''],
    ['<textarea><b></textarea><i>', '<textarea><b></textarea>'],
    // The parser would close the first <p> itself: waiting for the run's end is the sound choice.
    ['<p>a<p>b', ''],
  ])('%j: only %j', (html, expected) => {
    expect(whole(html)).toBe(expected);
  });

  it('completes once the last piece arrives', () => {
    const pieces = ['<div class="ad">', '<a href="https://ads.example/c?a=1&b=2">', '<img src="https://ads.example/i.gif">', '</a>', '</div>', 'tail'];
    let pending = '';
    const parsed: string[] = [];
    for (const piece of pieces) {
      pending += piece;
      const n = wholeMarkupLength(pending);
      if (n) parsed.push(pending.slice(0, n));
      pending = pending.slice(n);
    }
    expect(parsed).toEqual([pieces.slice(0, 5).join(''), 'tail']);
    expect(pending).toBe('');
  });

  // A quadratic scan would not finish within the test's timeout.
  it('is linear: long markup without an end is judged at once', () => {
    expect(wholeMarkupLength('<div ' + 'a="1" '.repeat(200_000))).toBe(0);
    expect(wholeMarkupLength('x'.repeat(500_000) + '<')).toBe(500_000);
    expect(wholeMarkupLength('<p>' + '<b>'.repeat(100_000))).toBe(0);
    expect(wholeMarkupLength('<script>' + '</scrip'.repeat(100_000))).toBe(0);
    expect(wholeMarkupLength('<b>'.repeat(100_000) + '</i>'.repeat(100_000))).toBe(0);
  });
});
