/**
 * Text taken from CAP for the wire (docs/cap.md §3 The mapping): the indentation a pretty-printed
 * message puts into its text is dropped, and text longer than the wire's field is cut at a
 * character, with an ellipsis, never inside a UTF-8 sequence.
 */

const utf8 = new TextEncoder();

/**
 * Multi-line text: line breaks kept, the spaces and tabs around them and at the ends dropped.
 * Trimmed line by line with plain loops, not a regular expression: `/[ \t]*\n/` backtracks over a
 * long run of spaces at every position, and 60,000 spaces take it seconds.
 */
export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map(trimSpacesAndTabs).join('\n').trim();
}

function trimSpacesAndTabs(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && (line[start] === ' ' || line[start] === '\t')) start++;
  while (end > start && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  return line.slice(start, end);
}

/** A name or a title: every run of white space one space, none at the ends. */
export function normaliseLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `text` within `maxBytes` of UTF-8, ending in "…" when it had to be cut. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (utf8.encode(text).length <= maxBytes) return { text, truncated: false };
  const ellipsis = '…';
  const budget = maxBytes - utf8.encode(ellipsis).length;
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const size = utf8.encode(ch).length;
    if (bytes + size > budget) break;
    bytes += size;
    out += ch;
  }
  return { text: `${out}${ellipsis}`, truncated: true };
}

/** An untrusted value, short enough to quote in a message. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
