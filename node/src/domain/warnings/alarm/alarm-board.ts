/**
 * The warnings the alarm at this kit knows, and which one should sound next (docs/warnings.md
 * §The alarm at the kit, "The rules"). Pure state: nothing here reads a clock or makes a sound;
 * every change carries its time, and alarm-controller.ts runs the cadence and the sounders.
 *
 * One entry per warning thread (docs/control-messages.md §Warning threads: an update or a cancel
 * names the issue), since an update supersedes the warning it updates: it is a new round of calls
 * (docs/warnings.md §States), sounded afresh by its own colour. An entry is
 *
 *   due ──(a person here answers)──> answered        (red, orange: they sound until then)
 *   due ──(its one chime played)───> chimed          (yellow, blue)
 *   answered | chimed ──(re-alarm from the centre)──> due
 *
 * and leaves the board when its thread is cancelled, superseded or expires. A cancel of a warning
 * known here leaves behind an all-clear, due once.
 */
import type { EnvelopeFlag } from '../../../wire/envelope.js';
import type { MessageRef } from '../../../wire/field-codecs.js';
import type { WarningBody } from '../../../wire/kinds/warning.js';
import type { RosterId } from '../../roster/person.js';
import { type AlarmRule, alarmRule, allClearRule } from './alarm-rule.js';
import type { AnnouncedFields } from './announcement.js';

/** A warning current on its thread at this kit, as the kit's warning workflow hands it over. */
export interface KitWarning {
  /** The message: `exercise` among its envelope flags makes it a drill (演练). */
  message: { origin: number; seq: number; flags: readonly EnvelopeFlag[]; body: WarningBody };
  /** Who must answer it at this kit; may be empty (anyone here may still answer). */
  persons: readonly RosterId[];
  /**
   * Who answered it here already. A kit that restarts feeds its warnings again with their
   * answers: one that a person here answered does not sound again. Default none.
   */
  answered?: readonly RosterId[];
}

/** A person's answer made at this kit (answer-bundler.ts's PersonAnswer is one). */
export interface KitAnswer {
  warning: MessageRef | string;
  person: RosterId;
}

/** The centre's re-alarm (escalation.ts: the `realarm` action), as it reaches this kit. */
export interface KitRealarm {
  warning: string;
  persons: readonly RosterId[];
}

export type EntryState = 'due' | 'answered' | 'chimed';

export interface AlarmEntry {
  /** The thread, or the thread and "#all-clear". */
  readonly key: string;
  readonly thread: string;
  /** The message sounded, "origin/seq". */
  readonly warning: string;
  readonly origin: number;
  readonly seq: number;
  /** Every message of the thread seen here: an answer to any of them is an answer here. */
  readonly messages: Set<string>;
  readonly fields: AnnouncedFields;
  readonly rule: AlarmRule;
  readonly drill: boolean;
  /** Unix ms. */
  readonly expiresAt: number;
  readonly persons: readonly RosterId[];
  /** Who answered this message here. */
  readonly answered: Set<RosterId>;
  state: EntryState;
  /** A re-alarm: announced as such. */
  again: boolean;
  /** When it last became due, unix ms. */
  dueSince: number;
  /** When its last cycle ended, unix ms; undefined before the first of this sounding. */
  lastCycleAt: number | undefined;
  /** Cycles of this sounding so far. */
  cycles: number;
}

/** What a change did, for the controller's log line. */
export type BoardEvent =
  | { kind: 'sounding' | 'superseded' | 'silent-answered'; entry: AlarmEntry }
  | { kind: 'cancelled'; thread: string; warning: string; allClear: boolean }
  | { kind: 'expired-on-arrival' | 'history'; warning: string; thread: string };

export type RealarmOutcome = 'realarmed' | 'sounding' | 'answered-here' | 'superseded' | 'unknown';

/** How long an all-clear may wait behind other alarms before it is no longer worth saying. */
const ALL_CLEAR_WAIT_MS = 30 * 60_000;

export const messageKey = (ref: MessageRef | string): string =>
  typeof ref === 'string' ? ref : `${ref.origin}/${ref.seq}`;

export class AlarmBoard {
  readonly #entries = new Map<string, AlarmEntry>();

  /** A warning current on its thread here: sounds, supersedes its thread's last, or cancels it. */
  warning(w: KitWarning, now: number): BoardEvent {
    const { origin, seq, body } = w.message;
    const root = body.references ?? { origin, seq };
    const thread = `${body.issuer}:${root.origin}/${root.seq}`;
    const warning = `${origin}/${seq}`;
    const before = this.#entries.get(thread);
    // Thread order is the signed state's (warning-threads.ts); an older message is history anyway.
    if (before !== undefined && before.origin === origin && before.seq >= seq)
      return { kind: 'history', warning, thread };
    const drill = w.message.flags.includes('exercise');
    if (body.action === 'cancel') {
      this.#entries.delete(thread);
      const allClear = before !== undefined;
      if (allClear) {
        const rule = allClearRule(drill);
        const key = `${thread}#all-clear`;
        this.#entries.set(key, {
          ...this.#fresh(key, thread, warning, origin, seq, body, rule, drill, now),
          expiresAt: now + ALL_CLEAR_WAIT_MS,
        });
      }
      return { kind: 'cancelled', thread, warning, allClear };
    }
    const expiresAt = body.expires * 1000;
    if (expiresAt <= now) {
      this.#entries.delete(thread);
      return { kind: 'expired-on-arrival', warning, thread };
    }
    const entry: AlarmEntry = {
      ...this.#fresh(thread, thread, warning, origin, seq, body, alarmRule(body, drill), drill, now),
      expiresAt,
      persons: [...w.persons],
    };
    for (const m of before?.messages ?? []) entry.messages.add(m);
    for (const p of w.answered ?? []) entry.answered.add(p);
    if (entry.answered.size > 0) entry.state = entry.rule.repeats ? 'answered' : 'chimed';
    this.#entries.set(thread, entry);
    // A cancel's all-clear still waiting is moot once the thread is re-opened.
    this.#entries.delete(`${thread}#all-clear`);
    if (entry.state !== 'due') return { kind: 'silent-answered', entry };
    return { kind: before === undefined ? 'sounding' : 'superseded', entry };
  }

  /** A person here answered: a warning of that thread still due is silenced. */
  answer(a: KitAnswer): AlarmEntry | undefined {
    const key = messageKey(a.warning);
    const entry = this.#byMessage(key);
    if (entry === undefined) return undefined;
    if (entry.warning === key) entry.answered.add(a.person);
    if (entry.state !== 'due') return undefined;
    entry.state = entry.rule.repeats ? 'answered' : 'chimed';
    return entry;
  }

  /**
   * The centre asks this kit to sound again for persons still silent. Persons who have all
   * answered here already need no alarm: their answers are on their way to the centre.
   */
  realarm(r: KitRealarm, now: number): { outcome: RealarmOutcome; entry?: AlarmEntry } {
    const entry = this.#byMessage(r.warning);
    if (entry === undefined) return { outcome: 'unknown' };
    if (entry.warning !== r.warning) return { outcome: 'superseded', entry };
    if (entry.state === 'due') return { outcome: 'sounding', entry };
    if (r.persons.length > 0 && r.persons.every((p) => entry.answered.has(p)))
      return { outcome: 'answered-here', entry };
    Object.assign(entry, { state: 'due', again: true, dueSince: now, lastCycleAt: undefined, cycles: 0 });
    return { outcome: 'realarmed', entry };
  }

  /** One cycle of `entry` ended at `now`: a chime has chimed, an all-clear is said. */
  cycleDone(entry: AlarmEntry, now: number): void {
    entry.lastCycleAt = now;
    entry.cycles++;
    if (entry.rule.repeats) return;
    entry.state = 'chimed';
    if (entry.key.endsWith('#all-clear')) this.#entries.delete(entry.key);
  }

  /** Removes what has expired by `now`; returns it. */
  expire(now: number): AlarmEntry[] {
    const gone = [...this.#entries.values()].filter((e) => e.expiresAt <= now);
    for (const e of gone) this.#entries.delete(e.key);
    return gone;
  }

  /** When the next entry expires, unix ms. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const e of this.#entries.values()) if (next === undefined || e.expiresAt < next) next = e.expiresAt;
    return next;
  }

  /** Whether `entry` is still on the board and due. */
  isDue(entry: AlarmEntry): boolean {
    return this.#entries.get(entry.key) === entry && entry.state === 'due';
  }

  /**
   * The entry to sound next: the highest rank; among equals the one that sounded longest ago (so
   * two red warnings take turns, each headline heard), then the one due first.
   */
  next(): AlarmEntry | undefined {
    let best: AlarmEntry | undefined;
    for (const e of this.#entries.values()) {
      if (e.state !== 'due') continue;
      if (best === undefined || soundsBefore(e, best)) best = e;
    }
    return best;
  }

  entries(): AlarmEntry[] {
    return [...this.#entries.values()];
  }

  #byMessage(key: string): AlarmEntry | undefined {
    for (const e of this.#entries.values())
      if (!e.key.endsWith('#all-clear') && e.messages.has(key)) return e;
    return undefined;
  }

  #fresh(
    key: string,
    thread: string,
    warning: string,
    origin: number,
    seq: number,
    fields: AnnouncedFields,
    rule: AlarmRule,
    drill: boolean,
    now: number,
  ): AlarmEntry {
    return {
      key,
      thread,
      warning,
      origin,
      seq,
      messages: new Set([warning]),
      fields: {
        action: fields.action,
        event: fields.event,
        level: fields.level,
        colour: fields.colour,
        instruction: fields.instruction,
        ...(fields.senderName === undefined ? {} : { senderName: fields.senderName }),
      },
      rule,
      drill,
      expiresAt: now,
      persons: [],
      answered: new Set(),
      state: 'due',
      again: false,
      dueSince: now,
      lastCycleAt: undefined,
      cycles: 0,
    };
  }
}

function soundsBefore(a: AlarmEntry, b: AlarmEntry): boolean {
  if (a.rule.rank !== b.rule.rank) return a.rule.rank > b.rule.rank;
  const la = a.lastCycleAt ?? Number.NEGATIVE_INFINITY;
  const lb = b.lastCycleAt ?? Number.NEGATIVE_INFINITY;
  if (la !== lb) return la < lb;
  if (a.dueSince !== b.dueSince) return a.dueSince < b.dueSince;
  return a.key < b.key;
}
