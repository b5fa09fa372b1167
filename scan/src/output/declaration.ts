/**
 * The cookie declaration a privacy policy needs (name, provider, purpose, lifetime, category),
 * as data (cookies.json) and as Markdown tables to paste into the policy page (cookies.md).
 */
import { categoryTitle } from '../classify/categories';
import type { DeclarationEntry, Findings } from '../classify/findings';
import { formatLifetime } from '../classify/lifetime';
import type { ScanResult } from '../types';

export interface DeclarationFile {
  site: string;
  scannedAt: string;
  generator: string;
  pages: number;
  cookies: DeclarationEntry[];
}

export function declarationJson(scan: ScanResult, findings: Findings, generator: string): DeclarationFile {
  return { site: scan.siteOrigin, scannedAt: scan.startedAt, generator, pages: scan.pages.length, cookies: findings.declaration };
}

/** A Markdown table cell: one line, pipes escaped. */
const cell = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').trim();

const STORAGE_TITLES: Record<DeclarationEntry['storage'], string> = { cookie: 'cookie', localStorage: 'local storage', sessionStorage: 'session storage' };

export function declarationMarkdown(scan: ScanResult, findings: Findings, generator: string): string {
  const host = new URL(scan.siteOrigin).host;
  const lines = [
    `# Cookies and similar technologies on ${host}`,
    '',
    `Found by ${generator} on ${scan.startedAt.slice(0, 10)} in ${scan.pages.length} page${scan.pages.length === 1 ? '' : 's'}. ` +
      'Purposes and lifetimes in italics are what the vendor declares (ConsentGate\'s registry) for a cookie this scan did not see set; ' +
      'the others were measured in the browser. Rows marked **to review** match no known service: say what they are before you publish this.',
  ];
  const categories = [...new Set(findings.declaration.map((e) => e.category))];
  for (const category of categories) {
    lines.push('', `## ${categoryTitle(category)}`, '', '| Name | Provider | Purpose | Lifetime | Type |', '| --- | --- | --- | --- | --- |');
    for (const e of findings.declaration.filter((d) => d.category === category)) {
      const declared = (text: string) => (e.observed || !text ? text : `*${text}*`);
      const name = `\`${e.name.replace(/`/g, "'")}\`${e.review ? ' **to review**' : ''}`;
      lines.push(`| ${name} | ${cell(e.provider)} | ${declared(cell(e.purpose))} | ${declared(cell(formatLifetime(e.lifetime)))} | ${STORAGE_TITLES[e.storage]} |`);
    }
  }
  if (!findings.declaration.length) lines.push('', 'No cookies or storage keys were found.');
  return lines.join('\n') + '\n';
}
