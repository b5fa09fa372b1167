import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../src/csv';
import { dayRange } from '../src/dates';

describe('csvCell', () => {
  it('quotes per RFC 4180 only when needed', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', 3, true, null, undefined, { a: 1 }])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\r",3,true,,,"{""a"":1}"\r\n',
    );
  });

  it('neutralizes what a spreadsheet would run as a formula', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(csvCell(text).replace(/^"|"$/g, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('2024-06')).toBe('2024-06');
  });
});

describe('dayRange', () => {
  it('turns two inclusive UTC days into a half-open time range', () => {
    expect(dayRange('2026-11-23', '2026-11-23')).toEqual({ from: '2026-11-23T00:00:00.000Z', until: '2026-11-24T00:00:00.000Z' });
    expect(dayRange('2024-02-28', '2024-02-29')).toEqual({ from: '2024-02-28T00:00:00.000Z', until: '2024-03-01T00:00:00.000Z' });
    expect(dayRange('2026-12-31', '2026-12-31')).toEqual({ from: '2026-12-31T00:00:00.000Z', until: '2027-01-01T00:00:00.000Z' });
  });

  it('says what is wrong', () => {
    expect(dayRange('2025-02-29', '2025-03-01')).toBe('from: expected a date like 2026-11-23, got "2025-02-29"');
    expect(dayRange(null, '2025-03-01')).toBe('expected from and to, both dates like 2026-11-23 (UTC, inclusive)');
  });
});
