/**
 * robots.txt, as RFC 9309 (Robots Exclusion Protocol) reads it: the group of our product token
 * (`consentgate-scan`), else the `*` group; groups that name the same agent are merged; the longest
 * matching rule wins, `allow` on a tie; `*` matches any run of characters and a final `$` anchors
 * the end. `Sitemap:` lines count wherever they stand. `Crawl-delay` is not in the RFC, but a
 * polite crawler keeps to it.
 */

import { matchesWildcard } from '../wildcard';

export const ROBOTS_AGENT = 'consentgate-scan';

interface Rule {
  allow: boolean;
  pattern: string;
}

export interface RobotsRules {
  isAllowed(pathAndQuery: string): boolean;
  /** Seconds between two page loads the site asks for, if it does. */
  crawlDelay?: number;
  /** Absolute URLs of the sitemaps it lists. */
  sitemaps: string[];
}

export const ALLOW_ALL: RobotsRules = { isAllowed: () => true, sitemaps: [] };

/** What RFC 9309 § 2.3.1.4 asks when robots.txt cannot be fetched (a server error): crawl nothing. */
export const DISALLOW_ALL: RobotsRules = { isAllowed: () => false, sitemaps: [] };

/** Whether a rule's pattern matches the start of `path` (all of it, with a final `$`). */
export function robotsPatternMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('$') ? matchesWildcard(pattern.slice(0, -1), path, 'whole') : matchesWildcard(pattern, path, 'prefix');
}

/** Reads a robots.txt body. `base` resolves relative sitemap URLs. */
export function parseRobots(text: string, base: string, agent = ROBOTS_AGENT): RobotsRules {
  const ours: Rule[] = [];
  const anyone: Rule[] = [];
  let ourDelay: number | undefined;
  let anyoneDelay: number | undefined;
  let foundOurs = false;
  const sitemaps: string[] = [];
  // The agents of the group being read; a rule line closes the list of user-agent lines.
  let agents: string[] = [];
  let inRules = false;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'sitemap') {
      try {
        sitemaps.push(new URL(value, base).href);
      } catch {
        // not a URL: ignored, as crawlers do
      }
      continue;
    }
    if (key === 'user-agent') {
      if (inRules) agents = [];
      inRules = false;
      agents.push(value.toLowerCase());
      continue;
    }
    if (key !== 'allow' && key !== 'disallow' && key !== 'crawl-delay') continue;
    inRules = true;
    // The product token alone: `consentgate-scan/1.0` names us too.
    const forUs = agents.some((a) => a.split('/')[0] === agent.toLowerCase());
    const forAnyone = agents.includes('*');
    if (forUs) foundOurs = true;
    if (key === 'crawl-delay') {
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds < 0) continue;
      if (forUs) ourDelay = seconds;
      if (forAnyone) anyoneDelay = seconds;
      continue;
    }
    // `Disallow:` with nothing after it allows everything: no rule.
    if (!value) continue;
    const rule = { allow: key === 'allow', pattern: value };
    if (forUs) ours.push(rule);
    if (forAnyone) anyone.push(rule);
  }
  const rules = foundOurs ? ours : anyone;
  const crawlDelay = foundOurs ? ourDelay : anyoneDelay;
  return {
    sitemaps,
    ...(crawlDelay !== undefined && { crawlDelay }),
    isAllowed(pathAndQuery) {
      if (pathAndQuery === '/robots.txt') return true;
      let best: Rule | undefined;
      for (const rule of rules) {
        if (!robotsPatternMatches(rule.pattern, pathAndQuery)) continue;
        const longer = !best || rule.pattern.length > best.pattern.length;
        const tieAllows = best && rule.pattern.length === best.pattern.length && rule.allow;
        if (longer || tieAllows) best = rule;
      }
      return !best || best.allow;
    },
  };
}
