import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvDocument, csvField, neutraliseFormula } from './csv.js';
import { parseCsv } from './test/csv-reader.js';

describe('CSV', () => {
  it('quotes only what needs it, doubling quotes', () => {
    expect(csvField('受灾人口')).toBe('受灾人口');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('他说"撤"')).toBe('"他说""撤"""');
    expect(csvField('一\r\n二')).toBe('"一\r\n二"');
    expect(csvField('')).toBe('');
  });

  it('starts with the BOM and ends every row with CRLF', () => {
    expect(csvDocument([['a', 'b'], ['c', ''], ['']])).toBe('\uFEFFa,b\r\nc,\r\n""\r\n');
  });

  it('round-trips any table of any strings through an independent reader', () => {
    const table = fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), {
      maxLength: 6,
    });
    fc.assert(
      fc.property(table, (rows) => {
        expect(parseCsv(csvDocument(rows))).toEqual(rows);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('"', ',', '\r', '\n', 'a', '撤') }), { minLength: 2 }),
        (r) => {
          expect(parseCsv(csvDocument([r]))).toEqual([r]);
        },
      ),
    );
  });

  it('keeps a spreadsheet from running typed text as a formula', () => {
    expect(neutraliseFormula('=HYPERLINK("http://x","点击")')).toBe('\'=HYPERLINK("http://x","点击")');
    expect(neutraliseFormula('+1')).toBe("'+1");
    expect(neutraliseFormula('-1')).toBe("'-1");
    expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseFormula('\t=1')).toBe("'\t=1");
    expect(neutraliseFormula('山洪 = 大')).toBe('山洪 = 大');
  });
});
