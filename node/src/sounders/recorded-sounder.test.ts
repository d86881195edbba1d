/**
 * The recorded sounder (recorded-sounder.ts, docs/warnings.md §The alarm at the kit, "Sounders"):
 * every event in memory, the newest kept, and as JSON lines in a real file, in order.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordedSounder } from './recorded-sounder.js';
import { keptLog } from './test/fake-tools.js';

const TEXT = {
  zh: '演练！演练！某县气象台发布暴雨红色预警。',
  en: 'Drill. red rainstorm warning issued.',
  drill: true,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-recorded-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the recorded sounder', () => {
  it('keeps each siren, speech and stop in memory with its time, and resolves at once', async () => {
    let now = 1000;
    const { log } = keptLog();
    const sounder = new RecordedSounder({ now: () => now, log });
    await sounder.start();
    await sounder.siren('drill', 8000);
    now = 9000;
    await sounder.speak(TEXT);
    await sounder.stop();
    expect(sounder.events).toEqual([
      { at: 1000, event: 'siren', pattern: 'drill', ms: 8000 },
      { at: 9000, event: 'speak', zh: TEXT.zh, en: TEXT.en, drill: true },
      { at: 9000, event: 'stop' },
    ]);
  });

  it('keeps only the newest events in memory', async () => {
    const { log } = keptLog();
    const sounder = new RecordedSounder({ keep: 3, log });
    for (let ms = 1; ms <= 5; ms++) await sounder.siren('red', ms);
    expect(sounder.events.map((e) => (e.event === 'siren' ? e.ms : 0))).toEqual([3, 4, 5]);
  });

  it('appends every event to its file as a JSON line, in order, across restarts', async () => {
    const file = join(dir, 'alarm-events.jsonl');
    const { log } = keptLog();
    for (const pattern of ['red', 'yellow'] as const) {
      const sounder = new RecordedSounder({ file, keep: 1, now: () => 5, log });
      await sounder.start();
      await sounder.siren(pattern, 100);
      await sounder.speak(TEXT);
      await sounder.close();
    }
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.event, l.pattern ?? l.zh])).toEqual([
      ['siren', 'red'],
      ['speak', TEXT.zh],
      ['siren', 'yellow'],
      ['speak', TEXT.zh],
    ]);
  });

  it('says once that its file cannot be written, and keeps the events in memory', async () => {
    const { log, lines } = keptLog();
    const sounder = new RecordedSounder({ file: join(dir, 'missing', 'events.jsonl'), log });
    await sounder.start();
    await sounder.siren('red', 100);
    await sounder.stop();
    await sounder.close();
    expect(sounder.events).toHaveLength(2);
    expect(lines.map((l) => [l.level, (l.obj.err as { code?: string } | undefined)?.code])).toEqual([
      ['warn', 'SOUNDER_FAILED'],
    ]);
  });
});
