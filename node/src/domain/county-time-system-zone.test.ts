/**
 * County time does not depend on the system's time zone (docs/reports.md §County time): a Pi left
 * at Europe/London computes the same deadlines as one set to Asia/Shanghai.
 *
 * Two ways, since a process reads TZ when it first touches a date: a child Node.js started with
 * TZ=Europe/London runs county-time.ts (turned into JavaScript here with Vite's own transform, the
 * same Vitest uses, so no build is needed), and this process switches its own TZ at run time
 * (Node.js re-reads process.env.TZ when it is assigned). Each side also computes the naive
 * `setHours(9)` deadline, to show that the system zone really was in force: that one moves.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transformWithOxc } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { CountyTime } from './county-time.js';

const here = dirname(fileURLToPath(import.meta.url));
const srcRoot = resolve(here, '..');
const work = mkdtempSync(join(tmpdir(), 'county-time-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Instants around London's DST changes and the reference 初报's night. */
const INSTANTS = [
  Date.UTC(2026, 6, 13, 19, 20),
  Date.UTC(2026, 2, 28, 12),
  Date.UTC(2026, 2, 29, 0, 30),
  Date.UTC(2026, 9, 24, 12),
  Date.UTC(2026, 9, 25, 0, 30),
  Date.UTC(2026, 11, 31, 23, 59, 59),
];
const ZONES = ['Asia/Shanghai', 'Europe/London'];

interface Probe {
  systemZone: string;
  naiveNine: number;
  results: Record<string, unknown[]>;
}

/** What the child and this process both compute (self-contained: the child gets its source). */
function probe(Clock: typeof CountyTime, zones: string[], instants: number[]): Probe {
  const results: Record<string, unknown[]> = {};
  for (const zone of zones) {
    const c = new Clock(zone);
    results[zone] = instants.map((t) => [
      c.formatIso(t),
      c.formatShort(t),
      c.nextLocalTime(t, { hour: 9, minute: 0 }),
      c.startOfDay(t),
      c.endOfDay(t),
      c.parse('2026-03-29 09:00'),
    ]);
  }
  // The naive "next 09:00", on the system's clock.
  const naive = new Date(instants[0] as number);
  naive.setHours(9, 0, 0, 0);
  if (naive.getTime() <= (instants[0] as number)) naive.setDate(naive.getDate() + 1);
  return {
    systemZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    naiveNine: naive.getTime(),
    results,
  };
}

/** county-time.ts and what it imports of ours, as JavaScript under `work`. */
async function transpile(file: string): Promise<void> {
  const source = readFileSync(file, 'utf8');
  const { code } = await transformWithOxc(source, file, { lang: 'ts' });
  const out = join(work, relative(srcRoot, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
    await transpile(resolve(dirname(file), `${m[1]}.ts`));
  }
}

async function probeInChild(tz: string): Promise<Probe> {
  await transpile(join(here, 'county-time.ts'));
  const script = join(work, 'probe.mjs');
  writeFileSync(
    script,
    `import { CountyTime } from './domain/county-time.js';\n` +
      `const probe = ${probe.toString()};\n` +
      `process.stdout.write(JSON.stringify(probe(CountyTime, ${JSON.stringify(ZONES)}, ${JSON.stringify(INSTANTS)})));\n`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, [script], {
    env: { ...process.env, TZ: tz },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Probe;
}

function inThisProcess(tz: string): Probe {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  try {
    return probe(CountyTime, ZONES, INSTANTS);
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

describe('county time whatever the system zone', () => {
  it('gives the same results in a child started with TZ=Europe/London as here with TZ=Asia/Shanghai', async () => {
    const child = await probeInChild('Europe/London');
    const local = inThisProcess('Asia/Shanghai');
    expect(child.systemZone).toBe('Europe/London');
    expect(local.systemZone).toBe('Asia/Shanghai');
    // The naive deadline follows the system: 09:00 in London is 16:00 in the county.
    expect(new CountyTime().formatShort(child.naiveNine)).toBe('7月14日 16:00');
    expect(new CountyTime().formatShort(local.naiveNine)).toBe('7月14日 09:00');
    // … while county time gives 09:00 in the county on both sides (first result of Asia/Shanghai).
    expect(child.results).toEqual(local.results);
    // And the results are the county's: 09:00 in Beijing after the 初报 of 03:20.
    expect(child.results['Asia/Shanghai']?.[0]).toEqual([
      '2026-07-14T03:20:00+08:00',
      '7月14日 03:20',
      Date.UTC(2026, 6, 14, 1),
      Date.UTC(2026, 6, 13, 16),
      Date.UTC(2026, 6, 14, 16),
      Date.UTC(2026, 2, 29, 1),
    ]);
  });

  it('gives the same results in this process under UTC, London, New York and UTC+14', () => {
    const runs = ['UTC', 'Europe/London', 'America/New_York', 'Pacific/Kiritimati'].map(inThisProcess);
    expect(new Set(runs.map((r) => r.naiveNine)).size).toBe(4);
    for (const run of runs) expect(run.results).toEqual(runs[0]?.results);
  });
});
