/**
 * A village kit for the warning book's tests (docs/warnings.md §The kit's warning book): the real
 * book on a journal in a temporary directory, the real alarm on a stepping clock driving the
 * recorded sounder, the real answer bundler on the same clock, and a core stand-in that keeps the
 * acks handed to it (or refuses them, as a stopped core would). Warnings and control messages come
 * from the county of warnings-fixtures.ts: kit 2101 serves village A1, where person 11 is the
 * 防汛责任人 and person 12 the grid member.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../../../base/logger.js';
import { SteppingClock, type Timer } from '../../../link/clock.js';
import { RecordedSounder } from '../../../sounders/recorded-sounder.js';
import type { AckBody } from '../../../wire/kinds/ack.js';
import type { WarningBody } from '../../../wire/kinds/warning.js';
import type { MessageOf } from '../../../wire/message.js';
import { AlarmController } from '../alarm/alarm-controller.js';
import { FLOOD, PEOPLE, VILLAGE_A1 } from '../warnings-fixtures.js';
import { type AckSending, KitWarnings } from './kit-warnings.js';

/** 2026-07-14T03:20:00+08:00 in unix ms: a night in the flood season. */
export const T0 = Date.UTC(2026, 6, 13, 19, 20);
export const CENTRE = 1;
export const ISSUER = 3;
export const KIT = 2101;
export const S = 1000;
export const MIN = 60 * S;

export interface WarningOptions {
  action?: WarningBody['action'];
  /** The thread's issue this updates or cancels. */
  issue?: number;
  body?: Partial<WarningBody>;
  drill?: boolean;
}

/** Warning `seq` of the centre to village A1's 防汛责任人: red, level I, six hours, made at T0 + seq s. */
export function warning(seq: number, o: WarningOptions = {}): MessageOf<'warning'> {
  const createdAt = T0 / 1000 + seq;
  return {
    kind: 'warning',
    origin: CENTRE,
    seq,
    createdAt,
    clockUntrusted: false,
    priority: 0,
    lifetimeMin: 360,
    dest: { to: 'area', area: VILLAGE_A1 },
    flags: o.drill ? ['exercise'] : [],
    body: {
      action: o.action ?? 'issue',
      issuer: ISSUER,
      event: '11B03',
      level: 1,
      colour: 'red',
      areas: [VILLAGE_A1],
      roles: [FLOOD],
      onset: T0 / 1000,
      expires: T0 / 1000 + 6 * 3600,
      instruction: '立即转移山洪危险区群众',
      senderName: '某县气象台',
      ...(o.issue === undefined ? {} : { references: { origin: CENTRE, seq: o.issue } }),
      ...o.body,
    },
  };
}

/** The centre's control message `seq` asking this kit to sound warning `of` again for `persons`. */
export function realarm(seq: number, of: number, persons: number[]): MessageOf<'control'> {
  return {
    kind: 'control',
    origin: CENTRE,
    seq,
    createdAt: T0 / 1000 + seq,
    clockUntrusted: false,
    priority: 0,
    lifetimeMin: 30,
    dest: { to: 'node', node: KIT },
    flags: [],
    body: { issuer: ISSUER, realarm: { warning: { origin: CENTRE, seq: of }, persons } },
  };
}

export const current = { current: true } as const;

export interface KitRig {
  dir: string;
  file: string;
  clock: SteppingClock;
  recorded: RecordedSounder;
  alarm: AlarmController;
  book: KitWarnings;
  /** The answers' acks the core took, in order. */
  acks: Array<{ body: AckBody; o: AckSending }>;
  /** The warnings the kit told the centre it holds (`delivered` acks), in order. */
  held: string[];
  /** Whether the core refuses acks now (a stopped core). */
  refusing: { now: boolean };
  changed: string[];
  /** Sirens from `since` ms after T0 on, as "ms pattern". */
  sirens(since?: number): string[];
  spoken(): string[];
  /** A new book and alarm over the same journal, as after a restart (the old ones left as they are). */
  restart(o?: { log?: Logger }): Promise<KitRig>;
}

/** A kit with an empty book (or the journal in `dir`), the clock at T0 unless given. */
export async function kitRig(
  o: {
    dir?: string;
    clock?: SteppingClock;
    log?: Logger;
    refusing?: boolean;
    deliveredSpreadMs?: number;
    random?: () => number;
    /** The core's ids of the acks, so that answers wait for the one in flight (`ackOnward`). */
    ackIds?: boolean;
    /** The county's time to answer, where not the default five minutes. */
    answerWithinMs?: number;
    /** Whether the kit's clock is trusted; default trusted. */
    clockTrusted?: () => boolean;
  } = {},
): Promise<KitRig> {
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'fieldnode-kit-warnings-')));
  const file = join(dir, 'kit-warnings.jsonl');
  const clock = o.clock ?? new SteppingClock(T0);
  const recorded = new RecordedSounder({ now: () => clock.now(), log: silentLogger });
  const alarm = new AlarmController({ sounders: [recorded], clock, log: silentLogger });
  const acks: KitRig['acks'] = [];
  const held: string[] = [];
  const refusing = { now: o.refusing ?? false };
  const changed: string[] = [];
  const book = await KitWarnings.open({
    file,
    nodeId: KIT,
    area: VILLAGE_A1,
    people: () => PEOPLE,
    sendAck: async (body, opts) => {
      if (refusing.now) throw new Error('the core is stopped');
      // The kit's word that it holds a warning, apart from the answers the tests follow.
      if (body.state === 'delivered') held.push(`${body.warning.origin}/${body.warning.seq}`);
      else acks.push({ body, o: opts });
      return o.ackIds ? `${KIT}/${acks.length}` : undefined;
    },
    alarm,
    now: () => clock.now(),
    setTimer: (fn, ms) => clock.after(ms, fn) as unknown as ReturnType<typeof setTimeout>,
    clearTimer: (t) => (t as unknown as Timer).cancel(),
    changed: (id) => changed.push(id),
    ...(o.deliveredSpreadMs === undefined ? {} : { deliveredSpreadMs: o.deliveredSpreadMs }),
    ...(o.random === undefined ? {} : { random: o.random }),
    ...(o.answerWithinMs === undefined ? {} : { answerWithinMs: o.answerWithinMs }),
    ...(o.clockTrusted === undefined ? {} : { clockTrusted: o.clockTrusted }),
    log: o.log ?? silentLogger,
  });
  const rig: KitRig = {
    dir,
    file,
    clock,
    recorded,
    alarm,
    book,
    acks,
    held,
    refusing,
    changed,
    sirens: (since = 0) =>
      recorded.events
        .filter((e) => e.at - T0 >= since)
        .flatMap((e) => (e.event === 'siren' ? [`${e.at - T0} ${e.pattern}`] : [])),
    spoken: () => recorded.events.flatMap((e) => (e.event === 'speak' ? [e.zh] : [])),
    restart: (r = {}) => kitRig({ dir, clock, ...r }),
  };
  return rig;
}

/**
 * The kit rigs one test file makes: `make` as kitRig, and `closeAll` (for afterEach) closes each
 * book and alarm and removes its directory.
 */
export function kitRigs(): {
  make(o?: Parameters<typeof kitRig>[0]): Promise<KitRig>;
  closeAll(): Promise<void>;
} {
  const rigs: KitRig[] = [];
  return {
    async make(o = {}) {
      const r = await kitRig(o);
      rigs.push(r);
      return r;
    },
    async closeAll() {
      for (const r of rigs.splice(0)) {
        await r.book.close();
        await r.alarm.close();
        await rm(r.dir, { recursive: true, force: true });
      }
    },
  };
}
