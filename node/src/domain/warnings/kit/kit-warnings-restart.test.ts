/**
 * The kit's warning book across restarts (docs/warnings.md §The kit's warning book, "Kept across
 * restarts"): a warning answered here stays silent after a restart while one nobody answered sounds
 * again; an answer kept but never handed to the core (the core refused it, or the kit stopped
 * while it waited in its window) is sent again at the next open, and one handed over is not; a
 * torn or damaged journal line is skipped, logged, and never stops the kit; the journal is private
 * (mode 0600).
 */
import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/recording-logger.js';
import {
  CENTRE,
  current,
  type KitRig,
  kitRig,
  MIN,
  realarm,
  S,
  T0,
  warning,
} from './kit-warnings-fixtures.js';

const rigs: KitRig[] = [];
const dirs = new Set<string>();
async function track(p: Promise<KitRig>): Promise<KitRig> {
  const r = await p;
  rigs.push(r);
  dirs.add(r.dir);
  return r;
}
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.book.close();
    await r.alarm.close();
  }
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs.clear();
});

describe('after a restart', () => {
  it('an answered warning stays silent; one nobody answered sounds again', async () => {
    const first = await track(kitRig());
    await first.book.delivered(warning(10), current, T0);
    await first.book.delivered(warning(20, { body: { colour: 'orange', level: 2 } }), current, T0);
    await first.book.answer('1/10', 11, { state: 'acted', evacuated: 40 });
    await first.clock.run(MIN);
    await first.book.close();
    await first.alarm.close();

    const again = await track(first.restart());
    const t = again.clock.now() - T0;
    await again.clock.run(30 * S);
    expect(again.sirens(t)).toEqual([`${t} orange`, `${t + 12 * S} orange`, `${t + 24 * S} orange`]);
    expect(again.book.get('1/10')).toMatchObject({
      status: 'active',
      alarm: 'answered',
      persons: [{ person: 11, state: 'acted', evacuated: 40 }],
    });
    expect(again.book.get('1/20')).toMatchObject({ alarm: 'sounding' });
    // Nothing was waiting to go: the answer went before the restart.
    expect(again.acks).toEqual([]);
  });

  it('an answer the core refused is sent again at the next open, and only once it was taken', async () => {
    const first = await track(kitRig({ refusing: true }));
    await first.book.delivered(warning(10), current, T0);
    expect(await first.book.answer('1/10', 11, { state: 'acknowledged' })).toEqual({ sending: 'at-once' });
    expect(first.acks).toEqual([]);
    expect(first.book.get('1/10')?.persons[0]).toMatchObject({ state: 'acknowledged', pending: true });
    // Silenced though not sent: a person is at the kit.
    expect(first.book.get('1/10')?.alarm).toBe('answered');
    await first.book.close();
    await first.alarm.close();

    const second = await track(first.restart());
    expect(second.acks.map((a) => a.body)).toEqual([
      { warning: { origin: CENTRE, seq: 10 }, state: 'acknowledged', person: 11 },
    ]);
    expect(second.book.get('1/10')?.persons[0]?.pending).toBeUndefined();
    await second.book.close();
    await second.alarm.close();

    const third = await track(second.restart());
    expect(third.acks).toEqual([]);
  });

  it('an answer still in its window when the kit stopped is sent at the next open; one sent is not', async () => {
    const first = await track(kitRig());
    await first.book.delivered(warning(10, { body: { persons: [{ node: 2101, person: 12 }] } }), current, T0);
    await first.book.answer('1/10', 11, { state: 'acknowledged' });
    expect(await first.book.answer('1/10', 12, { state: 'acted', evacuated: 5 })).toEqual({
      sending: 'bundled',
    });
    // The kit loses power: no close, the window never ends.
    const second = await track(first.restart());
    expect(second.acks.map((a) => a.body)).toEqual([
      { warning: { origin: CENTRE, seq: 10 }, state: 'acted', person: 12, evacuated: 5 },
    ]);
    expect(first.acks).toHaveLength(1);
  });

  it('re-alarms and the thread rules come back from the journal', async () => {
    const first = await track(kitRig());
    await first.book.delivered(warning(10), current, T0);
    await first.book.delivered(warning(11, { action: 'update', issue: 10 }), current, T0);
    first.book.control(realarm(30, 11, [11]), current);
    await first.book.close();
    await first.alarm.close();
    const again = await track(first.restart());
    expect(again.book.list().map((w) => [w.id, w.status])).toEqual([
      ['1/11', 'active'],
      ['1/10', 'superseded'],
    ]);
    expect(again.book.get('1/11')?.realarms.map((x) => [x.control, x.outcome])).toEqual([
      ['1/30', 'realarmed'],
    ]);
    // A copy of re-alarm 30 after the restart is older than what the book acted on.
    again.book.control(realarm(30, 11, [11]), current);
    expect(again.book.get('1/11')?.realarms.at(-1)?.outcome).toBe('history');
  });
});

describe('the journal', () => {
  it('is made mode 0600', async () => {
    const r = await track(kitRig());
    await r.book.delivered(warning(10), current, T0);
    expect((await stat(r.file)).mode & 0o777).toBe(0o600);
  });

  it('a torn last line is skipped and logged; the book keeps the rest and writes on after it', async () => {
    const first = await track(kitRig());
    await first.book.delivered(warning(10), current, T0);
    await first.book.answer('1/10', 11, { state: 'acknowledged' });
    await first.book.close();
    await first.alarm.close();
    // Power lost mid-append.
    await appendFile(first.file, '{"t":"answer","n":2,"warning":"1/10","pers');

    const { log, lines } = recordingLogger();
    const again = await track(first.restart({ log }));
    expect(again.book.get('1/10')?.persons[0]?.state).toBe('acknowledged');
    const warned = lines.find((l) => l.level === 'warn' && l.msg.includes('could not be read'));
    expect(warned?.obj).toMatchObject({ skipped: 1, lines: [{ line: 4 }] });
    await again.book.answer('1/10', 12, { state: 'acknowledged' });
    await again.book.close();
    await again.alarm.close();

    const third = await track(again.restart());
    expect(third.book.get('1/10')?.persons.map((p) => [p.person, p.state])).toEqual([
      [11, 'acknowledged'],
      [12, 'acknowledged'],
    ]);
    // The torn bytes stay on a line of their own; the answer after them is whole on the next.
    const text = await readFile(first.file, 'utf8');
    expect(text).toContain('"pers\n{"t":"answer","n":2,"warning":"1/10","person":12');
  });

  it('lines that are not records, or whose warning does not decode, are skipped; the kit starts', async () => {
    const first = await track(kitRig());
    await first.book.delivered(warning(10), current, T0);
    await first.book.close();
    await first.alarm.close();
    const good = await readFile(first.file, 'utf8');
    const frame = (JSON.parse(good.split('\n')[0] as string) as { frame: string }).frame;
    await writeFile(
      first.file,
      [
        'not json at all',
        JSON.stringify({ t: 'warning', id: '1/11', at: T0, current: true, frame: frame.slice(0, -6) }),
        JSON.stringify({ t: 'warning', id: '1/12', at: T0, current: true, frame }), // 1/10's frame
        JSON.stringify({ t: 'answer', n: 1, warning: '1/10', person: 70_000, state: 'acted', at: T0 }),
        JSON.stringify({ t: 'later-kind', at: T0 }),
        good.trimEnd(),
        '',
      ].join('\n'),
    );
    const { log, lines } = recordingLogger();
    const again = await track(first.restart({ log }));
    expect(again.book.list().map((w) => w.id)).toEqual(['1/10']);
    expect(again.book.get('1/10')?.persons[0]?.state).toBe('unanswered');
    const warned = lines.find((l) => l.level === 'warn' && l.msg.includes('could not be read'));
    expect(warned?.obj.lines).toMatchObject([1, 2, 3, 4, 5].map((line) => ({ line })));
    await again.clock.run(5 * S);
    expect(again.sirens(again.clock.now() - T0 - 5 * S)).toHaveLength(1);
  });
});
