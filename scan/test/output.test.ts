/** What the scan writes and the check says, from hand-made recordings (no browser). */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { checkJson, checkJunit, checkText } from '../src/check/format';
import { checkResult } from '../src/check/verdict';
import { findFindings } from '../src/classify/findings';
import { createJudge } from '../src/classify/judge';
import { declarationMarkdown } from '../src/output/declaration';
import { draftConfig } from '../src/output/draft-config';
import { reportHtml } from '../src/output/report-html';
import { cookie, page, pass, request, scanResult, SITE } from './_util/records';

const schema = JSON.parse(readFileSync(new URL('../../src/config/consentgate.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const HOSTILE = '<img src=x onerror=alert(1)>';
const scan = scanResult(
  [
    page(
      '/',
      [
        pass('before-consent', {
          requests: [
            request('https://pixel.tracker-unknown.example/p.gif', { resourceType: 'image', initiator: { type: 'parser', url: SITE + '/', line: 12 }, element: { tag: 'img' } }),
            request('https://www.googletagmanager.com/gtag/js?id=G-ABC', { initiator: { type: 'script', url: SITE + '/dist/consentgate-app.js', line: 1, column: 500 }, element: { tag: 'script', category: 'necessary' } }),
            request('https://9lives.example/x.js'),
            request('http://[::1]:8080/x.js'),
          ],
          cookies: [cookie('sid', '.tracker-unknown.example', 30), cookie('odd|name', '.9lives.example', -1), cookie('a,b', '.9lives.example', -1)],
        }),
        pass('reject-all', { decision: 'banner', jar: [cookie('_ga', '.shop.example', 730)] }),
      ],
      { title: HOSTILE },
    ),
  ],
  { privacyPolicyUrl: SITE + '/legal/privacy?lang=en', screenshot: Buffer.from('jpeg') },
);
const judge = createJudge({ siteUrl: SITE, consentCookieName: 'shop_consent' });
const findings = findFindings(scan, judge);

describe('the draft config', () => {
  const config = draftConfig(scan, findings);

  it('validates against the shipped JSON Schema', () => {
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it('puts found services under their category and unknowns under "unclassified", marked for review', () => {
    expect(config.categories.map((c) => c.id)).toEqual(['necessary', 'analytics', 'unclassified']);
    expect(config.categories[1]!.services).toEqual([{ id: 'google-analytics' }]);
    const unknown = config.categories[2]!.services!;
    expect(unknown.map((s) => s.id)).toEqual(['host-1', 'host-9lives-example', 'tracker-unknown-example']);
    expect(unknown[2]).toMatchObject({ title: 'tracker-unknown.example', domains: ['tracker-unknown.example'], cookies: [{ name: 'sid', lifetime: '30 days' }] });
    expect(unknown[2]!.description).toMatch(/^TO REVIEW .*pixel\.tracker-unknown\.example.*before consent/);
    // A host the config cannot write (an IPv6 literal) gets no domains; a cookie name it cannot hold is left out.
    expect(unknown[0]).not.toHaveProperty('domains');
    expect(unknown[1]!.cookies).toEqual([{ name: 'odd|name', lifetime: 'session' }]);
  });

  it("keeps the site's record cookie and finds its privacy policy", () => {
    expect(config.policy).toEqual({ version: '2026-01-15', privacyPolicyUrl: '/legal/privacy?lang=en', cookieName: 'shop_consent' });
  });
});

describe('the declaration', () => {
  it('is one table per category, with cells that cannot break the table', () => {
    const md = declarationMarkdown(scan, findings, 'consentgate-scan test');
    expect(md).toContain('## Analytics');
    expect(md).toContain('## Unclassified (to review)');
    expect(md).toContain('| `odd|name` **to review** | 9lives.example |');
    expect(md).toMatch(/\| `_gid` \| Google LLC \| \*Identifies the visitor\.\* \| \*persistent, 24 hours \(1 day\)\* \| cookie \|/);
  });
});

describe('the check', () => {
  it('fails on what fired, and passes what --allow covers (a host pattern or a service id)', () => {
    const failed = checkResult(scan, findings, []);
    expect(failed.passed).toBe(false);
    expect(failed.violations.map((v) => `${v.pass} ${v.what} ${v.name}`)).toEqual([
      'before-consent request https://pixel.tracker-unknown.example/p.gif',
      'before-consent request https://www.googletagmanager.com/gtag/js?id=G-ABC',
      'before-consent request https://9lives.example/x.js',
      'before-consent request http://[::1]:8080/x.js',
      'before-consent cookie sid',
      'before-consent cookie odd|name',
      'before-consent cookie a,b',
      'reject-all cookie _ga',
    ]);
    const allowed = checkResult(scan, findings, ['*.tracker-unknown.example', 'tracker-unknown.example', 'google-analytics', '9lives.example']);
    expect(allowed.violations.map((v) => v.name)).toEqual(['http://[::1]:8080/x.js']);
    expect(allowed.allowed).toHaveLength(7);
  });

  it('says who made each request and the likely fix, as text, JSON and JUnit', () => {
    const result = checkResult(scan, findings, []);
    const text = checkText(result);
    expect(text).toMatch(/^FAILED https:\/\/www\.shop\.example: 8 violations/);
    expect(text).toContain('initiator: parser https://www.shop.example/:12');
    expect(text).toContain('element: <script data-category="necessary">');
    expect(text).toContain('fix: the tag is marked as necessary');
    const json = JSON.parse(checkJson(result));
    expect(json).toMatchObject({ passed: false, consentGate: 'ConsentGate 0.1.0' });
    expect(json.violations[1]).toMatchObject({ service: 'google-analytics', category: 'analytics', initiator: { type: 'script', line: 1, column: 500 } });
    const xml = checkJunit(result);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="consentgate-scan check" tests="2" failures="2" errors="0"/);
    expect(xml).toContain('<testcase classname="consentgate-scan.before-consent" name="https://www.shop.example/"><failure message="7 violations before a decision"');
    expect(xml).not.toMatch(/<[^>]*odd\|name[^>]*"[^>]*</);
  });

  it('passes with nothing fired', () => {
    const quiet = scanResult([page('/', [pass('before-consent'), pass('reject-all', { decision: 'banner' })])]);
    const result = checkResult(quiet, findFindings(quiet, judge), []);
    expect(result.passed).toBe(true);
    expect(checkText(result)).toMatch(/^PASSED/);
    expect(checkJunit(result)).toContain('failures="0"');
  });
});

describe('the report', () => {
  it('is self-contained and shows the page\'s own text as text', () => {
    const html = reportHtml(scan, findings, judge, 'consentgate-scan test');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<link|\ssrc="(?!data:)/i);
    expect(html).toContain('src="data:image/jpeg;base64,');
  });
});
