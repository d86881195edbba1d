/** Plain-text output shared by the commands that print to a terminal: aligned columns, times. */

/** Rows as lines of columns padded to the widest cell; the first row is the heading. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** Unix ms as an ISO time to the second, or '?'. */
export function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '?';
}
