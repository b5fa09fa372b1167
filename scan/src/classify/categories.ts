/** Category ids as the outputs order and name them. */

/** Where unknowns go in the draft config and the declaration until the site owner classifies them. */
export const UNCLASSIFIED = 'unclassified';

/** The built-in categories first, in the SDK's order; others by name; unclassified last. */
const ORDER = ['necessary', 'functional', 'analytics', 'advertising', 'social'];

export function compareCategories(a: string, b: string): number {
  const rank = (c: string) => (c === UNCLASSIFIED ? 1e6 : ORDER.includes(c) ? ORDER.indexOf(c) : 100);
  return rank(a) - rank(b) || a.localeCompare(b);
}

const TITLES: Record<string, string> = {
  necessary: 'Necessary',
  functional: 'Functional',
  analytics: 'Analytics',
  advertising: 'Advertising',
  social: 'Social media',
  [UNCLASSIFIED]: 'Unclassified (to review)',
};

export const categoryTitle = (id: string) => TITLES[id] ?? id;
