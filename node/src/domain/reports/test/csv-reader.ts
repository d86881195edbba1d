/**
 * A CSV reader for the tests of the exports (docs/reports.md §Export): RFC 4180, written apart from
 * the writer (csv.ts) so that each checks the other; it refuses what the writer must never produce
 * (a missing BOM, a bare quote, CR or LF, a last record without CRLF). Test support: nothing in the
 * daemon reads CSV, and the build leaves test/ folders out.
 */
import { UTF8_BOM } from '../csv.js';

export function parseCsv(text: string): string[][] {
  if (!text.startsWith(UTF8_BOM)) throw new Error('no BOM');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = UTF8_BOM.length;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
        if (![',', '\r', undefined].includes(text[i])) throw new Error(`text after a closing quote at ${i}`);
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += 2;
    } else if (ch === '"' || ch === '\r' || ch === '\n') {
      throw new Error(`unquoted ${JSON.stringify(ch)} at ${i}`);
    } else {
      field += ch;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted || fieldStarted || row.length > 0) throw new Error('the last record has no CRLF');
  return rows;
}
