import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords } from '../../providers/local/csv.js';

function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')).join('\n');
}

describe('CSV parser', () => {
  it('handles quotes, doubled quotes, commas and newlines inside fields', () => {
    expect(parseCsv('a,"b,c","say ""hi""\nthere"\r\nd,e,f\n')).toEqual([
      ['a', 'b,c', 'say "hi"\nthere'],
      ['d', 'e', 'f'],
    ]);
    expect(parseCsvRecords('x,y\n1,2\n3\n')).toEqual([{ x: '1', y: '2' }]);
  });

  it('reads back whatever a writer produced (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é') });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 10 }), (rows) => {
        const fixed = rows.map((r) => r.map((f, i) => (i === 0 ? `k${f}` : f)));
        expect(parseCsv(toCsv(fixed))).toEqual(fixed);
      }),
    );
  });
});
