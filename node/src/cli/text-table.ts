/**
 * Plain-text output shared by the commands that print to a terminal (docs/operating.md §Status):
 * aligned columns, lines wrapped to fit, times. Widths are what a terminal shows, not string
 * lengths: a Chinese character (a node's name, a village) takes two columns.
 */

/** What the status and similar commands fit their lines to: an 80–100 column terminal, a phone's SSH app turned sideways. */
export const LINE_WIDTH = 100;

/** Rows as lines of columns padded to the widest cell; the first row is the heading. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => width(r[col] ?? '')))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, col) => cell + ' '.repeat(Math.max(0, (widths[col] ?? 0) - width(cell))))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * `text` in lines of at most `max` columns: the first starts with `first`, the others with
 * `indent`. Breaks at spaces; a word longer than a line (a path) is cut where it must be.
 */
export function wrap(text: string, first: string, indent: string, max = LINE_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const push = () => {
    lines.push(line.trimEnd());
    line = indent;
    empty = true;
  };
  for (const word of text.split(/ +/).filter((w) => w !== '')) {
    if (!empty && width(line) + 1 + width(word) > max) push();
    let piece = empty ? word : ` ${word}`;
    // Only a word longer than a whole line is left over: cut it.
    while (width(line) + width(piece) > max) {
      const [head, tail] = cut(piece, Math.max(1, max - width(line)));
      line += head;
      push();
      piece = tail;
    }
    line += piece;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/** A line as it is when it fits, else wrapped with its own indentation and four more columns. */
export function fitted(line: string, max = LINE_WIDTH): string[] {
  if (width(line) <= max) return [line];
  const lead = /^ */.exec(line)?.[0] ?? '';
  return wrap(line.slice(lead.length), lead, `${lead}    `, max);
}

/** The columns a terminal gives `text`: two for East Asian wide and full-width characters. */
export function width(text: string): number {
  let n = 0;
  for (const ch of text) n += wide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return n;
}

/** `text` split so that the head takes at most `columns`, and at least one character. */
function cut(text: string, columns: number): [string, string] {
  let used = 0;
  let i = 0;
  for (const ch of text) {
    const w = wide(ch.codePointAt(0) ?? 0) ? 2 : 1;
    if (used + w > columns && i > 0) break;
    used += w;
    i += ch.length;
  }
  return [text.slice(0, i), text.slice(i)];
}

function wide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Unix ms as an ISO time to the second, or '?'. */
export function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15
    ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
    : '?';
}
