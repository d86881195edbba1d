/**
 * A reader of systemd unit files for the tests of the kit's units (docs/pi-kit.md §The service):
 * sections of `Key=value` lines, a key given more than once keeping every value in order, as
 * systemd.syntax(7) has it. Comments (`#`, `;`) and blank lines are skipped; line continuations
 * are not used in our units and are refused rather than misread.
 */
export type UnitFile = Map<string, Map<string, string[]>>;

export function parseUnitFile(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.endsWith('\\'))
      throw new Error(`line ${i + 1}: a continuation line, which this reader does not take`);
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      section = new Map();
      unit.set(header[1], section);
      continue;
    }
    const eq = line.indexOf('=');
    if (section === undefined || eq <= 0)
      throw new Error(`line ${i + 1}: not a Key=value line in a section: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

/** Every value of `key` in `section`; [] when absent. */
export function values(unit: UnitFile, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

/** The last value of `key` (the one systemd uses for a single-valued setting). */
export function value(unit: UnitFile, section: string, key: string): string | undefined {
  return values(unit, section, key).at(-1);
}

/** A systemd time span in seconds: `90s`, `3min`, `1h`, `2min 30s`, or a bare number of seconds. */
export function seconds(span: string): number {
  const units: Record<string, number> = {
    ms: 0.001,
    s: 1,
    sec: 1,
    m: 60,
    min: 60,
    h: 3600,
    hr: 3600,
    d: 86_400,
  };
  let total = 0;
  for (const part of span.trim().split(/\s+/)) {
    const m = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part);
    const factor = units[m?.[2] || 's'];
    if (m?.[1] === undefined || factor === undefined) throw new Error(`not a time span: ${span}`);
    total += Number(m[1]) * factor;
  }
  return total;
}
