import { describe, expect, it } from 'vitest';
import { normalizeRegion, regionFromScript } from '../../src/integrations';

describe('regionFromScript', () => {
  it('reads and normalises data-region from the script tag', () => {
    const script = document.createElement('script');
    expect(regionFromScript(script)).toBeUndefined();
    script.setAttribute('data-region', 'US-CA');
    expect(regionFromScript(script)).toBe('US-CA');
    script.setAttribute('data-region', ' gb ');
    expect(regionFromScript(script)).toBe('GB');
  });

  it('ignores what is not a region code, and a missing script', () => {
    for (const value of ['', 'USA', 'US_CA', 'US-CALI', '<script>', 'default']) expect(normalizeRegion(value)).toBeUndefined();
    expect(normalizeRegion(42)).toBeUndefined();
    expect(regionFromScript(null)).toBeUndefined();
    expect(regionFromScript(undefined)).toBeUndefined();
    expect(regionFromScript({ getAttribute: () => { throw new Error('x'); } })).toBeUndefined();
  });
});
