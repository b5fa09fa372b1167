/**
 * `check`: the scan's firings before a decision and after Reject all, minus the exceptions the
 * site allows (`--allow`), are the violations. Any violation fails the check.
 */
import { createPatternIndex } from '../../../src/blocking/url-pattern';
import type { Firing, Findings } from '../classify/findings';
import { consentGateName, type PassName, type ScanResult, type SkippedPage } from '../types';

export interface PageProblem {
  url: string;
  error: string;
}

export interface CheckResult {
  site: string;
  passed: boolean;
  pages: string[];
  durationMs: number;
  /** "ConsentGate 0.1.0" when the site has it, or null (then nothing could be rejected: only "before a decision" is checked). */
  consentGate: string | null;
  violations: Firing[];
  /** Firings an `--allow` covered. */
  allowed: Firing[];
  /** Pages that could not be checked in full. */
  errors: PageProblem[];
  skipped: SkippedPage[];
  offline: boolean;
}

/** `--allow` values: host patterns (the registry's syntax, matched by the SDK's matcher) and service ids. */
export function allowList(values: readonly string[]): (firing: Firing) => boolean {
  const hosts = createPatternIndex<true>();
  const ids = new Set<string>();
  for (const value of values) {
    if (value.includes('.')) hosts.add(value, true);
    else ids.add(value);
  }
  return (firing) => {
    const v = firing.verdict;
    if (v.kind === 'service' && ids.has(v.service.id)) return true;
    if (firing.request) {
      const u = new URL(firing.request.url);
      return hosts.match(u.hostname, u.pathname + u.search) === true;
    }
    if (firing.cookie) return hosts.match(firing.cookie.domain.replace(/^\./, ''), '/') === true;
    // A storage key has no host: an unknown one belongs to its site.
    return v.kind === 'unknown' && hosts.match(v.site, '/') === true;
  };
}

export function checkResult(scan: ScanResult, findings: Findings, allow: readonly string[]): CheckResult {
  const allowed = allowList(allow);
  const firings = [...findings.beforeConsent, ...findings.afterReject];
  const violations = firings.filter((f) => !allowed(f));
  const errors = scan.pages.filter((p) => p.error).map((p) => ({ url: p.url, error: p.error! }));
  return {
    site: scan.siteOrigin,
    passed: violations.length === 0,
    pages: scan.pages.map((p) => p.url),
    durationMs: scan.durationMs,
    consentGate: scan.consentGate ? consentGateName(scan.consentGate) : null,
    violations,
    allowed: firings.filter((f) => allowed(f)),
    errors,
    skipped: scan.skipped,
    offline: scan.offline,
  };
}

export const PASS_TITLES: Record<PassName, string> = {
  'before-consent': 'before a decision',
  'accept-all': 'after Accept all',
  'reject-all': 'after Reject all',
};
