/**
 * consentgate.json: a config to start from. Every service found, under its category (registry
 * services by id alone: the SDK's registry fills in the rest); every unknown third party as a
 * custom service under "unclassified", its description saying what was seen and that it needs a
 * look. Unclassified is an ordinary optional category, so until someone moves them, they stay
 * blocked until consent (fail closed). Checked with the SDK's own validator before it is written.
 */
import { HOST_PATTERN } from '../../../src/config/config-rules';
import schema from '../../../src/config/consentgate.schema.json';
import { validateConfig } from '../../../src/config/validate';
import type { CategoryConfig, ConsentGateConfig, CookieDeclaration, ServiceConfig } from '../../../src/types';
import { compareCategories, UNCLASSIFIED } from '../classify/categories';
import type { Findings, UnknownSite } from '../classify/findings';
import { describeDays } from '../classify/lifetime';
import type { ScanResult } from '../types';

/** The SDK's default record cookie name (src/config/resolve.ts). */
const DEFAULT_COOKIE_NAME = 'consentgate';
/** Cookie names the config accepts (the schema's pattern). */
const COOKIE_NAME = /^[^\s;,=]+$/;

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

function pathOf(url: string, origin: string): string {
  const u = new URL(url);
  return u.origin === origin ? u.pathname + u.search : u.href;
}

function unknownService(u: UnknownSite, scan: ScanResult, findings: Findings): ServiceConfig {
  const cookies: CookieDeclaration[] = [];
  for (const entry of findings.declaration) {
    if (entry.service !== u.id || !COOKIE_NAME.test(entry.name) || cookies.some((c) => c.name === entry.name)) continue;
    const lifetime = entry.lifetime?.type === 'session' ? 'session' : entry.lifetime?.days !== undefined ? describeDays(entry.lifetime.days) : undefined;
    cookies.push({ name: entry.name, ...(entry.storage !== 'cookie' && { storage: entry.storage }), ...(lifetime && { lifetime }) });
  }
  const before = findings.beforeConsent.some((f) => f.verdict.kind === 'unknown' && f.verdict.site === u.site);
  const pages = u.pages.slice(0, 3).map((p) => pathOf(p, scan.siteOrigin));
  const description =
    `TO REVIEW (consentgate-scan, ${scan.startedAt.slice(0, 10)}): ${plural(u.requests, 'request')} to ${u.hosts.join(', ')}` +
    ` on ${plural(u.pages.length, 'page')} (${pages.join(', ')}${u.pages.length > pages.length ? ', …' : ''})` +
    `${before ? ', before consent' : ''}. Not in ConsentGate's registry: name its provider, say what it does, and move it to its category.`;
  const domains = HOST_PATTERN.test(u.site) ? [u.site] : [];
  return { id: u.id, title: u.site, description, ...(domains.length && { domains }), ...(cookies.length && { cookies }) };
}

export function draftConfig(scan: ScanResult, findings: Findings): ConsentGateConfig {
  const categories = new Map<string, CategoryConfig>([['necessary', { id: 'necessary', required: true }]]);
  for (const f of findings.services) {
    const s = f.service;
    if (s.source === 'consentgate') continue; // the SDK declares its own cookie
    let category = categories.get(s.category);
    if (!category) categories.set(s.category, (category = { id: s.category, services: [] }));
    const service: ServiceConfig =
      s.source === 'registry'
        ? { id: s.id }
        : {
            id: s.id,
            title: s.title,
            ...(s.provider && { provider: s.provider }),
            ...(s.description && { description: s.description }),
            ...(s.domains.length && { domains: [...s.domains] }),
            ...(s.cookies.length && { cookies: [...s.cookies] }),
          };
    (category.services ??= []).push(service);
  }
  if (findings.unknown.length) {
    categories.set(UNCLASSIFIED, {
      id: UNCLASSIFIED,
      title: 'Unclassified (to review)',
      description: 'Found by consentgate-scan, not yet classified. Move each service to its category, then remove this one.',
      services: findings.unknown.map((u) => unknownService(u, scan, findings)),
    });
  }
  const cookieName = scan.consentGate?.cookieName;
  const privacy = scan.privacyPolicyUrl && pathOf(scan.privacyPolicyUrl, scan.siteOrigin);
  const config: ConsentGateConfig = {
    $schema: (schema as { $id: string }).$id,
    mode: 'opt-in',
    policy: {
      version: scan.startedAt.slice(0, 10),
      ...(privacy && { privacyPolicyUrl: privacy }),
      // Keep the record cookie the site has now: another name would ask every visitor again.
      ...(cookieName && cookieName !== DEFAULT_COOKIE_NAME && { cookieName }),
    },
    categories: [...categories.values()].sort((a, b) => compareCategories(a.id, b.id)),
  };
  const problems = validateConfig(config).problems.filter((p) => p.severity === 'error');
  if (problems.length) throw new Error(`the draft config does not validate (a bug in consentgate-scan): ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return config;
}
