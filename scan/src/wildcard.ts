/**
 * `*` patterns, as robots.txt rules and cookie declarations (`_ga_*`) write them: `*` stands for
 * any run of characters, everything else for itself. Iterative, with one back-tracking point (the
 * last `*`): at most pattern × text steps, never exponential, whatever the pattern.
 */
export function matchesWildcard(pattern: string, text: string, match: 'whole' | 'prefix'): boolean {
  let i = 0; // in text
  let j = 0; // in pattern
  let star = -1;
  let resume = 0;
  while (i < text.length || j < pattern.length) {
    if (j === pattern.length && match === 'prefix') return true;
    if (j < pattern.length && pattern[j] === '*') {
      star = j++;
      resume = i;
    } else if (i < text.length && j < pattern.length && pattern[j] === text[i]) {
      i++;
      j++;
    } else if (star >= 0 && resume < text.length) {
      j = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  return true;
}
