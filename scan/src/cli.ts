/**
 * The command line: reads the options, runs the scan, writes what the command asks for. Exit
 * codes: 0 done (check: passed), 1 check failed, 2 bad input or a page not scanned in full.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { validateConfig } from '../../src/config/validate';
import type { ConsentGateConfig } from '../../src/types';
import pkg from '../package.json';
import { ChromiumMissingError } from './browser/chromium';
import { checkJson, checkJunit, checkText } from './check/format';
import { checkResult, PASS_TITLES } from './check/verdict';
import { categoryTitle } from './classify/categories';
import { findFindings, type Findings } from './classify/findings';
import { createJudge, REGISTRY } from './classify/judge';
import { HELP, parseCli, UsageError, type CliOptions } from './options';
import { declarationJson, declarationMarkdown } from './output/declaration';
import { draftConfig } from './output/draft-config';
import { reportHtml } from './output/report-html';
import { createProgress } from './progress';
import { scanSite, StartPageError } from './scan';
import { consentGateName, type ScanResult } from './types';

const GENERATOR = `consentgate-scan ${pkg.version} (registry: ${REGISTRY.services.length} services)`;

const say = (message: string) => process.stderr.write(`consentgate-scan: ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The site's config (`--config`), checked with the SDK's validator; null after saying what is wrong. */
async function readSiteConfig(file: string): Promise<ConsentGateConfig | null> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    say(`--config ${file}: ${(error as Error).message}`);
    return null;
  }
  const { config, problems } = validateConfig(value);
  if (!config) {
    say(`--config ${file} is not a valid ConsentGate config:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    return null;
  }
  return config;
}

async function writeScanFiles(options: CliOptions, scan: ScanResult, findings: Findings, judge: ReturnType<typeof createJudge>): Promise<string[]> {
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ['consentgate.json', JSON.stringify(draftConfig(scan, findings), null, 2) + '\n'],
    ['cookies.json', JSON.stringify(declarationJson(scan, findings, GENERATOR), null, 2) + '\n'],
    ['cookies.md', declarationMarkdown(scan, findings, GENERATOR)],
    ['report.html', reportHtml(scan, findings, judge, GENERATOR)],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(options.out, name));
}

function scanSummary(scan: ScanResult, findings: Findings, written: string[]): string {
  const byCategory = new Map<string, string[]>();
  for (const f of findings.services) byCategory.set(f.service.category, [...(byCategory.get(f.service.category) ?? []), f.service.title]);
  const review = findings.declaration.filter((d) => d.review).length;
  const lines = [
    `${scan.siteOrigin}: ${scan.pages.length} page${scan.pages.length === 1 ? '' : 's'} in ${seconds(scan.durationMs)}, ${consentGateName(scan.consentGate)}`,
    `Services (${findings.services.length}): ${[...byCategory].map(([c, names]) => `${categoryTitle(c).toLowerCase()}: ${names.join(', ')}`).join('; ') || 'none'}`,
    `Unknown third parties (${findings.unknown.length}): ${findings.unknown.map((u) => `${u.site} (${u.hosts.join(', ')})`).join('; ') || 'none'}`,
    `Cookie declaration: ${findings.declaration.length} entries, ${findings.declaration.filter((d) => d.observed).length} seen in the browser${review ? `, ${review} to review` : ''}`,
  ];
  for (const [list, pass] of [
    [findings.beforeConsent, 'before-consent'],
    [findings.afterReject, 'reject-all'],
  ] as const) {
    if (pass === 'reject-all' && !scan.consentGate) continue;
    lines.push(`Non-necessary ${PASS_TITLES[pass]}: ${list.length ? `${list.length} (see report.html, or run check)` : 'nothing'}`);
  }
  for (const p of scan.pages.filter((page) => page.error)) lines.push(`Not scanned in full: ${p.url}: ${p.error}`);
  lines.push(`Wrote ${written.join(', ')}`);
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`${error.message}\nRun consentgate-scan --help for the options.`);
    return 2;
  }
  if (options.command === 'help') {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (options.command === 'version') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const siteConfig = options.config === undefined ? undefined : await readSiteConfig(options.config);
  if (siteConfig === null) return 2;

  const progress = createProgress(process.stderr);
  let scan: ScanResult;
  try {
    scan = await scanSite({
      url: options.url,
      pages: options.pages,
      timeoutMs: options.timeoutMs,
      offline: options.offline,
      // The check judges before a decision and after Reject all: Accept all would only cost time.
      decisions: options.command === 'check' ? ['reject-all'] : ['accept-all', 'reject-all'],
      progress,
    });
  } catch (error) {
    progress.end();
    if (error instanceof StartPageError || error instanceof ChromiumMissingError) {
      say(error.message);
      return 2;
    }
    // The browser died, the disk is full, a bug: said plainly, with the stack to report it by.
    say(`the scan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
  progress.end();
  const incomplete = scan.pages.filter((p) => p.error).length;
  say(`scanned ${scan.pages.length} page${scan.pages.length === 1 ? '' : 's'} in ${seconds(scan.durationMs)}${incomplete ? ` (${incomplete} not in full)` : ''}`);

  const judge = createJudge({ siteUrl: scan.siteOrigin, config: siteConfig ?? null, ...(scan.consentGate?.cookieName && { consentCookieName: scan.consentGate.cookieName }) });
  const findings = findFindings(scan, judge);
  if (options.command === 'scan') {
    const written = await writeScanFiles(options, scan, findings, judge);
    process.stdout.write(scanSummary(scan, findings, written));
    return incomplete ? 2 : 0;
  }
  const result = checkResult(scan, findings, options.allow);
  process.stdout.write(options.json ? checkJson(result) : checkText(result));
  if (options.junit) {
    await mkdir(resolve(options.junit, '..'), { recursive: true });
    await writeFile(options.junit, checkJunit(result));
  }
  if (!result.passed) return 1;
  return incomplete ? 2 : 0;
}
