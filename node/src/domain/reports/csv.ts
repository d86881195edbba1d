/**
 * CSV as Excel and WPS open it (docs/reports.md §Export): RFC 4180 quoting, CRLF line ends, UTF-8
 * with a byte-order mark (without it Excel on a Chinese Windows reads UTF-8 as GBK and shows
 * mojibake).
 *
 * A field is quoted when it holds a comma, a double quote, CR or LF, and its double quotes are
 * doubled. Text typed in the field (notes, names) also goes through {@link neutraliseFormula}: a
 * spreadsheet runs a cell that starts with = + - or @ as a formula, so a note must not be able to
 * start one.
 */

export const UTF8_BOM = '\uFEFF';

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRow(fields: readonly string[]): string {
  // A lone empty field is quoted, or its row would be an empty line, which readers skip.
  if (fields.length === 1 && fields[0] === '') return '""';
  return fields.map(csvField).join(',');
}

/** A whole file: the BOM, then each row ended by CRLF. */
export function csvDocument(rows: readonly (readonly string[])[]): string {
  return UTF8_BOM + rows.map((r) => `${csvRow(r)}\r\n`).join('');
}

/** Free text made safe to open in a spreadsheet: a leading = + - @ tab or CR gets a ' before it. */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
