/**
 * report.html: one self-contained page (inline CSS, the screenshot as a data: URL, no script, no
 * outside request) with the summary, what fired before consent and after Reject all, the services,
 * the unknowns, the declaration and per-page tables. Everything the site sent is escaped text.
 */
import { categoryTitle } from '../classify/categories';
import type { Findings, Firing } from '../classify/findings';
import type { Judge } from '../classify/judge';
import { formatLifetime, observedLifetime } from '../classify/lifetime';
import { describeElement, describeFiring, describeInitiator, describeVerdict, hintFor } from '../check/describe';
import { PASS_TITLES } from '../check/verdict';
import { consentGateName, type PageRecord, type PassRecord, type ScanResult } from '../types';

const escape = (text: string | number | undefined) =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const link = (url: string) => (/^https?:\/\//i.test(url) ? `<a class="u" href="${escape(url)}">${escape(url)}</a>` : urlText(url));
/** A URL (or a list of them): may break anywhere, or it would widen the table past the page. */
const urlText = (text: string | undefined) => `<span class="u">${escape(text)}</span>`;

function table(headers: string[], rows: string[][], empty: string): string {
  if (!rows.length) return `<p class="none">${escape(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${escape(h)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;color:#1b1f24;margin:0 auto;max-width:75rem;padding:1.5rem}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{margin-top:2.5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
h3{margin:1.5rem 0 .5rem}h4{margin:1rem 0 .25rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.875rem}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
.u{overflow-wrap:anywhere}
th{background:#f6f8fa}.meta,.none{color:#57606a}
.bad{color:#a40e26;font-weight:600}.good{color:#116329;font-weight:600}.review{background:#fff8c5}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem;padding:0;list-style:none}
.summary li{border:1px solid #d0d7de;border-radius:6px;padding:.75rem}.summary b{display:block;font-size:1.5rem}
figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #d0d7de}
details{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:.5rem 0}summary{cursor:pointer;font-weight:600}
code{font-size:.85em}`;

function firingRows(firings: readonly Firing[]): string[][] {
  return firings.map((f) => [
    link(f.page),
    escape(describeFiring(f)),
    escape(describeVerdict(f.verdict)),
    urlText(f.request ? describeInitiator(f.request.initiator) : ''),
    escape([describeElement(f.request?.element), hintFor(f)].filter(Boolean).join(' — ')),
  ]);
}

function passSection(record: PassRecord, judge: Judge): string {
  const decision = record.decision === 'earlier' ? 'decided on an earlier page' : record.decision ? `decided through ${record.decision === 'banner' ? "the banner's button" : 'the API'}, then reloaded` : '';
  const requests = record.requests
    .map((r) => ({ r, verdict: judge.request(r.url) }))
    .filter(({ verdict }) => verdict.kind !== 'first-party')
    .map(({ r, verdict }) => [
      escape(record.pass === 'before-consent' ? '' : r.afterDecision ? 'after' : 'before'),
      escape(r.resourceType),
      urlText(r.host),
      urlText(r.path),
      escape(describeVerdict(verdict)),
      escape(r.failure ?? r.status ?? 'no answer'),
      urlText(describeInitiator(r.initiator)),
    ]);
  const cookies = record.cookies.map((c) => [
    `<code>${escape(c.name)}</code>`,
    escape(c.domain),
    escape(describeVerdict(judge.cookie(c))),
    escape(formatLifetime(observedLifetime(c))),
  ]);
  const storage = record.storage.map((s) => [`<code>${escape(s.key)}</code>`, escape(s.storage), escape(describeVerdict(judge.storageKey(s.key, s.storage)))]);
  const frames = record.frames.map((f) => [escape(f.tag), urlText(f.url), escape(f.held ? 'held (not loaded)' : 'loaded'), escape(describeVerdict(judge.request(f.url)))]);
  return [
    `<h4>${escape(PASS_TITLES[record.pass][0]!.toUpperCase() + PASS_TITLES[record.pass].slice(1))}${decision ? ` <span class="meta">(${escape(decision)})</span>` : ''}</h4>`,
    record.error ? `<p class="bad">${escape(record.error)}</p>` : '',
    table(['decision', 'type', 'host', 'path', 'service', 'answer', 'initiator'], requests, 'No third-party request.'),
    cookies.length ? table(['cookie (first seen here)', 'domain', 'service', 'lifetime'], cookies, '') : '',
    storage.length ? table(['storage key', 'where', 'service'], storage, '') : '',
    frames.length ? table(['frame', 'URL', 'state', 'service'], frames, '') : '',
  ].join('\n');
}

function pageSection(page: PageRecord, judge: Judge): string {
  const title = page.title ? ` — ${escape(page.title)}` : '';
  const note = page.consentGate ? '' : '<p class="meta">No ConsentGate on this page: the first visit is all a visitor gets, with nothing to accept or reject.</p>';
  return `<details><summary>${escape(page.url)}${title}${page.error ? ' <span class="bad">(not scanned in full)</span>' : ''}</summary>
${page.error ? `<p class="bad">${escape(page.error)}</p>` : ''}${note}
${page.passes.map((p) => passSection(p, judge)).join('\n')}
</details>`;
}

export function reportHtml(scan: ScanResult, findings: Findings, judge: Judge, generator: string): string {
  const host = new URL(scan.siteOrigin).host;
  const cookies = findings.declaration.filter((d) => d.observed);
  const review = findings.declaration.filter((d) => d.review);
  const failed = scan.pages.filter((p) => p.error);
  const byCategory = new Map<string, string[]>();
  for (const f of findings.services) byCategory.set(f.service.category, [...(byCategory.get(f.service.category) ?? []), f.service.title]);
  const verdict = (n: number) => `<b class="${n ? 'bad' : 'good'}">${n}</b>`;
  const summary = [
    `<li><b>${scan.pages.length}</b> pages scanned in ${(scan.durationMs / 1000).toFixed(1)} s${failed.length ? `, <span class="bad">${failed.length} not in full</span>` : ''}</li>`,
    `<li><b>${findings.services.length}</b> services: ${escape([...byCategory].map(([c, names]) => `${categoryTitle(c).toLowerCase()}: ${names.join(', ')}`).join('; ') || 'none')}</li>`,
    `<li>${verdict(findings.unknown.length)} unknown third parties${findings.unknown.length ? `: ${escape(findings.unknown.map((u) => u.site).join(', '))}` : ''}</li>`,
    `<li><b>${cookies.length}</b> cookies and storage keys seen${review.length ? `, <span class="bad">${review.length} to review</span>` : ''}</li>`,
    `<li>${verdict(findings.beforeConsent.length)} requests, cookies or keys of non-necessary or unknown services before a decision</li>`,
    scan.consentGate ? `<li>${verdict(findings.afterReject.length)} after Reject all</li>` : '',
  ].join('\n');
  const services = findings.services.map((f) => [
    escape(categoryTitle(f.service.category)),
    `${escape(f.service.title)} <code>${escape(f.service.id)}</code>`,
    escape(f.service.provider ?? ''),
    urlText(f.hosts.join(', ')),
    escape(f.cookies.join(', ')),
    urlText(f.frames.join(', ')),
    escape(f.passes.map((p) => PASS_TITLES[p]).join(', ')),
    escape(f.pages.length),
  ]);
  const unknown = findings.unknown.map((u) => [escape(u.site), `<code>${escape(u.id)}</code>`, urlText(u.hosts.join(', ')), escape(u.requests), escape(u.cookies.join(', ')), escape(u.passes.map((p) => PASS_TITLES[p]).join(', ')), escape(u.pages.length)]);
  const declaration = findings.declaration.map((d) => [
    escape(categoryTitle(d.category)),
    `<code>${escape(d.name)}</code>${d.review ? ' <span class="bad">to review</span>' : ''}`,
    escape(d.provider),
    escape(d.purpose ?? ''),
    escape(formatLifetime(d.lifetime)),
    escape(d.storage),
    escape(d.observed ? 'seen' : 'declared by the registry'),
  ]);
  const consentGate = escape(consentGateName(scan.consentGate));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Consent scan of ${escape(host)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Consent scan of ${escape(host)}</h1>
<p class="meta">${escape(scan.startUrl)} · ${escape(scan.startedAt)} · ${consentGate} · ${escape(generator)}${scan.offline ? ' · offline: third-party requests were answered inside the browser' : ''}</p>
<ul class="summary">${summary}</ul>
${scan.screenshot ? `<figure><img alt="The start page before a decision, as a visitor first sees it" src="data:image/jpeg;base64,${scan.screenshot.toString('base64')}"><figcaption class="meta">The start page before a decision (1280 × 800).</figcaption></figure>` : ''}
<h2>Fired before a decision</h2>
${table(['page', 'what', 'service', 'initiator', 'element / likely fix'], firingRows(findings.beforeConsent), 'Nothing: no request, cookie or storage key of a non-necessary or unknown service before a decision.')}
${scan.consentGate ? `<h2>After Reject all</h2>\n${table(['page', 'what', 'service', 'initiator', 'element / likely fix'], firingRows(findings.afterReject), 'Nothing: no request, cookie or storage key of a non-necessary or unknown service after Reject all and a reload.')}` : ''}
<h2>Services</h2>
${table(['category', 'service', 'vendor', 'hosts', 'cookies and keys seen', 'frames', 'seen', 'pages'], services, 'No service of the registry was found.')}
<h2>Unknown third parties</h2>
${table(['site', 'draft id', 'hosts', 'requests', 'cookies', 'seen', 'pages'], unknown, 'None: every third party matched a known service.')}
<h2>Cookie declaration</h2>
${table(['category', 'name', 'provider', 'purpose', 'lifetime', 'type', 'source'], declaration, 'No cookies or storage keys.')}
<h2>Pages</h2>
${scan.pages.map((p) => pageSection(p, judge)).join('\n')}
${scan.skipped.length ? `<h2>Not scanned</h2>\n${table(['URL', 'why'], scan.skipped.map((s) => [urlText(s.url), escape(s.reason)]), '')}` : ''}
</body>
</html>
`;
}
