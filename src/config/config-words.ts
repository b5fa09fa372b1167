/**
 * What the explainer says a value should have been, per rule of the config's tree, where the
 * rule alone says too little ("a string"). Keyed by the rule objects themselves, reached through
 * the tree, so a renamed or moved key fails to compile here. Loaded by the explainer
 * (`validate.ts`) and the docs generator (`reference.ts`): the rule tree ships to every visitor,
 * these words only where the config has a problem (or in the npm build).
 */
import { categoryId, configRules, idList, serviceId } from './config-rules';
import type { Rule } from './rules';
import { themeRules } from './theme-rules';

const root = configRules.props;
const category = root.categories.of.props;
const service = category.services.of.props;
const cookie = service.cookies.of.props;
const policy = root.policy.props;
const ui = root.ui.props;
const gcm = root.googleConsentMode.props;

export const configWords = new Map<Rule, string>([
  [configRules, 'a configuration object'],
  [categoryId, 'an id like "analytics" (a-z, 0-9, - and _)'],
  [serviceId, 'an id like "google-analytics" (a-z, 0-9, - and _)'],
  [idList, 'an array of category ids'],
  [root.regions, 'region codes ("US-CA", "default") mapped to modes'],
  [policy.version, 'a policy version (one line, no leading space)'],
  [policy.cookieName, 'a cookie name (A-Z, a-z, 0-9, - and _)'],
  [policy.cookieDomain, 'a domain like "example.com"'],
  [policy.cookiePath, 'a path starting with "/"'],
  [root.categories, 'an array of categories'],
  [category.services, 'an array of services'],
  [service.domains, 'an array of host patterns'],
  [service.domains.of, 'a host pattern (host, *.host or host/path)'],
  [service.cookies, 'an array of cookie declarations'],
  [cookie.name, 'a cookie name or * pattern'],
  [cookie.lifetime, '"session" or a duration like "13 months"'],
  [root.language, '"auto" or a language tag like "pt-BR"'],
  [root.texts, 'language tags mapped to texts'],
  [root.texts.values, 'text keys mapped to strings'],
  [ui.optOutLinks, 'an array of { title, url } links'],
  [ui.nonce, 'a CSP nonce'],
  [themeRules['--cg-accent'], 'a colour: #hex, a name, or rgb()/hsl()/oklch()… of numbers'],
  [themeRules['--cg-radius'], 'a length like "12px" or "0.75rem"'],
  [themeRules['--cg-font'], 'font families like "Inter, sans-serif"'],
  [root.sensitivePages, 'an array of { match, block }'],
  [root.sensitivePages.of.props.match, 'a path glob starting with "/"'],
  [gcm.map, 'category ids mapped to Google consent types'],
  [gcm.map.values, 'an array of Google consent types'],
  [gcm.region, 'an array of region codes'],
  [gcm.region.of, 'a region code like "US-CA"'],
]);
