/**
 * The centre's kit board (kit-board.ts; docs/kits.md §The kit board, §When the centre is alerted)
 * over its real journal in a temporary directory: every message from a kit is heard, health
 * messages kept in the kit's own order; a kit that goes quiet is alerted on once, when its silence
 * begins (the board's timer, not a poll), and cleared when it speaks; a restart neither forgets a
 * standing alert nor sounds it again, nor calls every kit silent for the time the centre was down;
 * revocation and replacement are kept; a long journal is rewritten with what the board keeps.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { K1 } from '../../wire/fixtures/kit-health-messages.js';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import type { Message, MessageOf } from '../../wire/message.js';
import type { AlertPolicy } from './kit-alerts.js';
import { type KitAlert, KitBoard, type KitState } from './kit-board.js';
import { SAMPLES_KEPT } from './kit-journal.js';

const MIN = 60_000;
const T0 = K1.createdAt * 1000;
const policy: AlertPolicy = {
  defaultIntervalMs: 15 * MIN,
  silenceIntervals: 2,
  graceMs: MIN,
  batteryLowPercent: 25,
  batteryCutoffPercent: 10,
  batteryWarnAheadMs: 2 * 60 * MIN,
};

let dir: string;
let file: string;
let now: number;
const boards: KitBoard[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kit-board-'));
  file = join(dir, 'kit-board.jsonl');
  now = T0;
});
afterEach(async () => {
  for (const b of boards.splice(0)) await b.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A board on the test's clock whose timer the test fires by hand. */
async function open() {
  const alerts: Array<{ kit: number; alert: KitAlert }> = [];
  const timer: { fn?: (() => void) | undefined; ms?: number } = {};
  const board = await KitBoard.open({
    file,
    kits: [
      { id: 2107, area: 430121101201, role: 'kit' },
      { id: 2111, area: 430121101201, role: 'kit' },
      { id: 3001, area: 430121101, role: 'gateway' },
    ],
    policy,
    now: () => now,
    onAlert: (kit: KitState, alert: KitAlert) => alerts.push({ kit: kit.id, alert }),
    setTimer: (fn, ms) => {
      timer.fn = fn;
      timer.ms = ms;
      return fn;
    },
    clearTimer: () => {
      timer.fn = undefined;
    },
    log: silentLogger,
  });
  boards.push(board);
  /** Moves the clock to when the board asked to wake, and wakes it. */
  const wake = () => {
    now += timer.ms ?? 0;
    timer.fn?.();
  };
  /** Wakes the board as often as it asks until the clock reaches `t`. */
  const wakeUntil = (t: number) => {
    while (now < t) wake();
  };
  return { board, alerts, timer, wake, wakeUntil };
}

const health = (seq: number, at: number, body: Partial<MessageOf<'health'>['body']> = {}): Message => ({
  ...K1,
  seq,
  createdAt: Math.floor(at / 1000),
  body: { ...K1.body, intervalS: 300, ...body },
});

/** A report from 2107 made at `at` (unix ms), its clock trusted. */
const report = (seq: number, at: number, more: Partial<Message> = {}): Message =>
  ({ ...R1, seq, createdAt: Math.floor(at / 1000), ...more }) as Message;

describe('the kit board', () => {
  it('hears every message from a kit, keeps its health messages in its own order, and ignores strangers', async () => {
    const { board } = await open();
    await board.heard(health(310, T0 + 5 * MIN), T0 + 5 * MIN);
    await board.heard(health(309, T0), T0 + 6 * MIN); // late, by satellite
    await board.heard(health(309, T0), T0 + 7 * MIN); // a duplicate changes nothing
    await board.heard(report(311, T0 + 8 * MIN), T0 + 8 * MIN);
    await board.heard({ ...R1, origin: 9999 }, T0 + 9 * MIN);
    const kit = board.kit(2107);
    expect(kit?.samples.map((s) => s.msg)).toEqual(['2107/309', '2107/310']);
    expect(kit?.health?.msg).toBe('2107/310');
    expect(kit?.lastHeard).toEqual({ at: T0 + 8 * MIN, msg: '2107/311', kind: 'report' });
    expect(board.kit(9999)).toBeUndefined();
    expect(board.kit(2111)?.lastHeard).toBeUndefined();
  });

  it('raises the silence once when it begins, clears it when the kit speaks, and says so in its journal', async () => {
    const { board, alerts, timer, wake, wakeUntil } = await open();
    await board.heard(health(309, T0), T0);
    // Two 5-minute intervals and a minute: the board wakes then (a minute at most between looks).
    expect(timer.ms).toBe(MIN);
    wakeUntil(T0 + 10 * MIN);
    expect(alerts).toEqual([]);
    wake();
    expect(now).toBe(T0 + 11 * MIN);
    expect(alerts).toEqual([
      { kit: 2107, alert: { kind: 'silent', lastHeard: T0, allowedMs: 11 * MIN, since: T0 + 11 * MIN } },
    ]);
    expect(board.kits()[0]?.id).toBe(2107); // alerts first
    wake(); // a minute on: still silent, not raised again
    expect(alerts).toHaveLength(1);
    now += 5 * MIN;
    await board.heard(report(320, now), now);
    expect(board.kit(2107)?.alerts).toEqual([]);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: string; on?: boolean });
    expect(lines.filter((l) => l.t === 'alert').map((l) => l.on)).toEqual([true, false]);
  });

  it('after a restart, keeps the standing alerts without sounding them again, and counts other silences from its opening', async () => {
    const first = await open();
    await first.board.heard(health(309, T0, { batteryPct: 20 }), T0);
    expect(first.alerts.map((a) => a.alert.kind)).toEqual(['battery']);
    first.wakeUntil(T0 + 10 * MIN);
    // The gateway is heard once, just before 2107 falls silent.
    await first.board.heard(report(1, now, { origin: 3001 }), now);
    first.wake();
    expect(first.alerts.map((a) => [a.kit, a.alert.kind])).toEqual([
      [2107, 'battery'],
      [2107, 'silent'],
    ]);
    await first.board.close();
    boards.splice(boards.indexOf(first.board), 1);

    // The centre was down for a day.
    now = T0 + 24 * 60 * MIN;
    const again = await open();
    expect(again.board.kit(2107)?.alerts.map((a) => [a.kind, a.since])).toEqual([
      ['battery', T0],
      ['silent', T0 + 11 * MIN],
    ]);
    expect(again.alerts).toEqual([]);
    // The gateway was not silent when the centre stopped: it heard nothing while down, so the
    // gateway's silence is counted from the opening (the configured 15 minutes, twice, and a minute).
    expect(again.board.kit(3001)?.alerts).toEqual([]);
    expect(again.board.kit(3001)?.silentFrom).toBe(now + 31 * MIN);
    again.wakeUntil(now + 31 * MIN);
    expect(again.alerts.map((a) => [a.kit, a.alert.kind])).toEqual([[3001, 'silent']]);
  });

  it('watches a revoked kit no more, and follows a lost kit to its replacement', async () => {
    const { board, alerts, wakeUntil } = await open();
    await board.heard(health(309, T0), T0);
    const revoked = await board.recordRevoked(2107, 9, '1/77');
    expect(revoked.revoked).toEqual({ at: T0, by: 9, control: '1/77' });
    wakeUntil(T0 + 60 * MIN);
    expect(alerts).toEqual([]);
    expect(board.revoked()).toEqual([2107]);
    const replaced = await board.recordReplaced(2107, 2111, 9, ['2107/305'], '1/78');
    expect(replaced.replacedBy).toEqual({ kit: 2111, at: now, incidents: ['2107/305'], control: '1/78' });
    expect(board.kit(2111)?.replaces).toBe(2107);
    expect(board.successorOf(2107)).toBe(2111);
    expect(board.successorOf(2111)).toBe(2111);
    expect(board.formerOf(2111)).toEqual([2107]);
  });

  it('counts a kit heard when it made the message, by its trusted clock: a late old message does not silence its alarm', async () => {
    const { board, alerts, wakeUntil } = await open();
    await board.heard(health(309, T0), T0);
    wakeUntil(T0 + 11 * MIN);
    expect(alerts.map((a) => a.alert.kind)).toEqual(['silent']);
    // A report it made five minutes in, relayed to the centre twenty minutes later: alive then, not now.
    now = T0 + 25 * MIN;
    await board.heard(report(310, T0 + 5 * MIN), now);
    expect(board.kit(2107)?.lastHeard).toEqual({ at: T0 + 5 * MIN, msg: '2107/310', kind: 'report' });
    expect(board.kit(2107)?.alerts.map((a) => a.kind)).toEqual(['silent']);
    // Its clock not trusted, the same report counts from when it arrived: nothing better is known.
    await board.heard(report(311, T0 + 5 * MIN, { clockUntrusted: true }), now);
    expect(board.kit(2107)?.lastHeard?.at).toBe(now);
    expect(board.kit(2107)?.alerts).toEqual([]);
    // A trusted clock a little ahead of the centre's never puts the word after its arrival.
    await board.heard(health(312, now + 30 * MIN), now + MIN);
    expect(board.kit(2107)?.lastHeard?.at).toBe(now + MIN);
    // The journal keeps when the late report was made, so a restart rebuilds the same.
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l)).find((l) => l.msg === '2107/310')).toMatchObject({
      at: T0 + 25 * MIN,
      said: T0 + 5 * MIN,
    });
  });

  it('watches only the kits enrolled now: one removed from keys.nodes keeps its history and sounds nothing', async () => {
    // 4000 was enrolled once and fell silent with its alert standing; 2107 was replaced by 5000,
    // which is not enrolled here either. Neither is in keys.nodes now.
    writeFileSync(
      file,
      [
        { t: 'heard', kit: 4000, at: T0 - 60 * MIN, msg: '4000/9', kind: 'report' },
        { t: 'alert', kit: 4000, alert: 'silent', at: T0 - 30 * MIN, on: true },
        { t: 'heard', kit: 5000, at: T0 - 60 * MIN, msg: '5000/1', kind: 'report' },
        { t: 'revoked', kit: 2107, at: T0 - 50 * MIN, by: 'system', control: '1/5' },
        { t: 'replaced', kit: 2107, by: 5000, at: T0 - 40 * MIN, who: 'system', incidents: [] },
      ]
        .map((l) => `${JSON.stringify(l)}\n`)
        .join(''),
    );
    const { board, alerts, wakeUntil } = await open();
    for (const id of [4000, 5000]) {
      const kit = board.kit(id);
      expect(kit?.enrolled, String(id)).toBe(false);
      expect(kit?.alerts, String(id)).toEqual([]);
      expect(kit?.silentFrom, String(id)).toBeUndefined();
    }
    expect(board.kit(4000)?.lastHeard?.msg).toBe('4000/9');
    // A word from a kit no longer enrolled is history too; hours on, nothing sounds.
    await board.heard({ ...R1, origin: 4000, seq: 10, createdAt: Math.floor(now / 1000) }, now);
    wakeUntil(T0 + 5 * 60 * MIN);
    expect(alerts).toEqual([]);
    expect(board.kit(4000)?.alerts).toEqual([]);
    // The enrolled kits are watched as ever: the gateway, never heard, is not; 2111 neither.
    expect(board.kit(2111)?.silentFrom).toBeUndefined();
  });

  it('rewrites a long journal at open with what it keeps: the latest samples, every revocation', async () => {
    const lines: string[] = [
      JSON.stringify({ t: 'revoked', kit: 3001, at: T0, by: 'system', control: '1/5' }),
    ];
    for (let i = 0; i < 3 * SAMPLES_KEPT + 200; i++) {
      const at = T0 + i * MIN;
      lines.push(
        JSON.stringify({
          t: 'health',
          kit: 2107,
          at,
          msg: `2107/${1000 + i}`,
          createdAt: at,
          clockUntrusted: false,
          body: K1.body,
        }),
      );
    }
    lines.push('{"torn');
    writeFileSync(file, `${lines.join('\n')}\n`);
    now = T0 + 3 * SAMPLES_KEPT * MIN;
    const { board } = await open();
    const kept = readFileSync(file, 'utf8').trim().split('\n');
    expect(kept).toHaveLength(SAMPLES_KEPT + 1);
    expect(board.kit(2107)?.samples).toHaveLength(SAMPLES_KEPT);
    expect(board.kit(2107)?.health?.msg).toBe(`2107/${1000 + 3 * SAMPLES_KEPT + 199}`);
    expect(board.isRevoked(3001)).toBe(true);
  });
});
