/** The check's result as text (people), JSON (scripts) and JUnit XML (CI test reports). */
import type { Firing } from '../classify/findings';
import type { PassName } from '../types';
import { describeElement, describeFiring, describeInitiator, describeVerdict, hintFor } from './describe';
import { PASS_TITLES, type CheckResult } from './verdict';

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** The lines that explain one firing, indented under its page. */
function firingLines(f: Firing): string[] {
  const lines = [`  ${describeFiring(f)}`, `      ${describeVerdict(f.verdict)}`];
  if (f.request) {
    lines.push(`      initiator: ${describeInitiator(f.request.initiator)}`);
    const element = describeElement(f.request.element);
    if (element) lines.push(`      element: ${element}`);
  }
  const hint = hintFor(f);
  if (hint) lines.push(`      fix: ${hint}`);
  return lines;
}

/** Groups in order of pass, then page. */
function grouped(firings: readonly Firing[]): Array<{ pass: PassName; page: string; firings: Firing[] }> {
  const groups: Array<{ pass: PassName; page: string; firings: Firing[] }> = [];
  for (const f of firings) {
    let g = groups.find((x) => x.pass === f.pass && x.page === f.page);
    if (!g) groups.push((g = { pass: f.pass, page: f.page, firings: [] }));
    g.firings.push(f);
  }
  return groups;
}

export function checkText(result: CheckResult): string {
  const out: string[] = [];
  const pages = plural(result.pages.length, 'page');
  if (result.passed) out.push(`PASSED ${result.site}: nothing non-necessary before a decision or after Reject all (${pages}, ${seconds(result.durationMs)} s).`);
  else out.push(`FAILED ${result.site}: ${plural(result.violations.length, 'violation')} (${pages}, ${seconds(result.durationMs)} s).`);
  for (const g of grouped(result.violations)) {
    out.push('', `${PASS_TITLES[g.pass][0]!.toUpperCase()}${PASS_TITLES[g.pass].slice(1)}: ${g.page}`);
    for (const f of g.firings) out.push(...firingLines(f));
  }
  if (result.allowed.length) out.push('', `Allowed by --allow: ${result.allowed.map(describeFiring).join(', ')}`);
  if (!result.consentGate) out.push('', 'No ConsentGate on the site: there is no Reject all to check, only what happens before a decision.');
  if (result.errors.length) {
    out.push('', `Not checked in full (${plural(result.errors.length, 'page')}):`);
    for (const e of result.errors) out.push(`  ${e.url}: ${e.error}`);
  }
  if (!result.passed) out.push('', 'A known exception: --allow <host or service id>.');
  return out.join('\n') + '\n';
}

export function checkJson(result: CheckResult): string {
  const firing = (f: Firing) => ({
    pass: f.pass,
    page: f.page,
    what: f.what,
    name: f.name,
    ...(f.verdict.kind === 'service'
      ? { service: f.verdict.service.id, category: f.verdict.service.category, provider: f.verdict.service.provider ?? null }
      : { unknownSite: f.verdict.site }),
    ...(f.request && { resourceType: f.request.resourceType, initiator: f.request.initiator ?? null, element: f.request.element ?? null }),
    ...(f.cookie && { domain: f.cookie.domain }),
    ...(hintFor(f) && { hint: hintFor(f) }),
  });
  return (
    JSON.stringify(
      {
        site: result.site,
        passed: result.passed,
        durationMs: result.durationMs,
        consentGate: result.consentGate,
        offline: result.offline,
        pages: result.pages,
        violations: result.violations.map(firing),
        allowed: result.allowed.map(firing),
        errors: result.errors,
        skipped: result.skipped,
      },
      null,
      2,
    ) + '\n'
  );
}

const xml = (text: string) =>
  // XML 1.0 has no place for most control characters, even escaped.
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/**
 * JUnit XML as CI systems read it (GitHub, GitLab, Jenkins): one suite per checked state, one
 * test case per page; a violation is a failure, a page that could not be checked an error.
 */
export function checkJunit(result: CheckResult): string {
  const passes: PassName[] = result.consentGate ? ['before-consent', 'reject-all'] : ['before-consent'];
  const errorOf = new Map(result.errors.map((e) => [e.url, e.error]));
  let tests = 0;
  let failuresInAll = 0;
  let errorsInAll = 0;
  const suites = passes.map((pass) => {
    let failures = 0;
    let errors = 0;
    const classname = `consentgate-scan.${pass}`;
    const cases = result.pages.map((page) => {
      const found = result.violations.filter((f) => f.pass === pass && f.page === page);
      const error = errorOf.get(page);
      const open = `    <testcase classname="${classname}" name="${xml(page)}"`;
      if (found.length) {
        failures++;
        const message = `${plural(found.length, 'violation')} ${PASS_TITLES[pass]}`;
        return `${open}><failure message="${xml(message)}" type="consent">${xml(found.flatMap(firingLines).join('\n'))}</failure></testcase>`;
      }
      if (error) {
        errors++;
        return `${open}><error message="${xml(error)}" type="scan"/></testcase>`;
      }
      return `${open}/>`;
    });
    tests += cases.length;
    failuresInAll += failures;
    errorsInAll += errors;
    const name = xml(`${result.site} ${PASS_TITLES[pass]}`);
    return `  <testsuite name="${name}" tests="${cases.length}" failures="${failures}" errors="${errors}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="consentgate-scan check" tests="${tests}" failures="${failuresInAll}" errors="${errorsInAll}" time="${seconds(result.durationMs)}">\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
