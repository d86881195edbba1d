/**
 * Answers travel together (docs/warnings.md §Answers travel together): at a kit, the first answer
 * to a warning goes at once; those made in the following window (10 s by default) ride together in
 * one ack, so a red warning answered by thirty people in a village costs the mesh a few messages,
 * not thirty, and the first answer is not held back.
 *
 * A window stays open while it keeps bringing answers: each one that ends with answers waiting
 * sends them and opens the next. One that ends empty closes, and the next answer goes at once again.
 *
 * Under load the answers wait for the ack in flight: while an earlier ack of the warning is not yet
 * confirmed onward (the caller learns it from its core and says `onward(id)`), answers whose window
 * has ended wait, up to a hold, and then go together. Ten people answering 30 s apart on a busy
 * channel so cost a few acks rather than ten, each of which the kit would send again until custody
 * came back. The caller may make the hold longer (`holdFor`: the kit holds until its time to answer
 * ends) and end it early (`release`: nobody is left to answer).
 * The core may say an ack is onward before its `send` resolves with the id (a fast link): the ids
 * said onward lately are remembered, so one arriving after its onward is not counted in flight. And
 * an ack the core never says onward stops counting after twice the hold, so it cannot hold every
 * later answer of its warning, nor keep its warning's line, for ever.
 * A person who answers twice within a window is sent once, with the further state and the larger
 * counts. A note rides only as an ack's own (the others carry none), so an answer with a note leads
 * a message of its own.
 */

import type { MessageRef } from '../../wire/field-codecs.js';
import type { AckBody } from '../../wire/kinds/ack.js';
import { MAX_OTHER_ANSWERS } from '../../wire/kinds/ack.js';
import { isLater } from './call.js';

/** One person's answer at this kit. */
export interface PersonAnswer {
  warning: MessageRef;
  person: number;
  state: 'acknowledged' | 'acted';
  evacuated?: number;
  notified?: number;
  note?: string;
}

export interface AnswerBundlerOptions {
  /**
   * Sends one ack (the core's submit); a failure is the caller's to log, the answers are not
   * retried here. When it resolves to the message's id, the ack counts as in flight until
   * `onward(id)` says the core saw it confirmed onward, and the answers after it wait for that.
   */
  send(body: AckBody): Promise<unknown>;
  /** Default 10 s. */
  windowMs?: number;
  /** The longest the answers wait for an ack in flight once their window has ended. Default 90 s. */
  holdMs?: number;
  /**
   * A longer hold for one warning's answers, ms from now, when the caller knows one (the kit: until
   * the time to answer there ends); the hold is the larger of the two.
   */
  holdFor?: (warning: MessageRef) => number;
  setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (t: ReturnType<typeof setTimeout>) => void;
}

export const DEFAULT_ANSWER_WINDOW_MS = 10_000;
/**
 * How long answers wait for the previous ack of their warning to be confirmed onward, after their
 * window: on a busy channel they then go together rather than one by one behind it. Well inside
 * the five minutes a person has to answer, and inside the centre's wait before a re-alarm (five
 * minutes and the route's latency), so a held answer is not the cause of one. A constant: no
 * `warnings:` setting says it (docs/warnings.md §Answers travel together).
 */
export const DEFAULT_ANSWER_HOLD_MS = 90_000;

/**
 * How long before the time to answer ends at a kit whose clock is untrusted the answers held behind
 * an ack in flight leave (a quarter of the time to answer where that is shorter). The centre's desk
 * re-alarms a kit once its own five minutes have passed, counted from when it heard the kit hold
 * the warning, and allows for the answers' way there only when it can measure it, from the times
 * the kit's trusted clock put on them. A kit whose clock is untrusted gets no such allowance, and
 * answers released at the very end would reach the desk just after it re-alarmed people who had
 * answered (docs/warnings.md §Answers travel together).
 */
export const HELD_ANSWERS_LEAD_MS = 60_000;

/**
 * How many ids said onward without an ack in flight to match are remembered, for a `send` still
 * to resolve with one: the acks a kit has being taken at once are a few, so 64 is ample and small.
 */
export const RECENT_ONWARD_IDS = 64;

/**
 * An ack not said onward within this many holds of its send no longer counts as in flight: its
 * confirmation was lost or never reported, and answers made after that go by the window alone.
 * Two, not one: answers that came to wait behind it just before one hold had passed keep theirs.
 */
export const IN_FLIGHT_HOLDS = 2;

/** One warning's answers at this kit: the window, what waits, and the acks still in flight. */
interface Line {
  waiting: Map<number, PersonAnswer>;
  /** The window after an ack that went: answers in it wait for its end. */
  window: ReturnType<typeof setTimeout> | undefined;
  /** Set while answers whose window ended wait for an ack in flight, up to the hold. */
  hold: ReturnType<typeof setTimeout> | undefined;
  /** The hold ran out: the waiting answers go at the next look, in flight or not. */
  held: boolean;
  /** Acks of this warning not yet confirmed onward: a token while the core takes one, then its id. */
  inFlight: Set<string | symbol>;
  /** For each id in flight, the timer that stops counting it after `IN_FLIGHT_HOLDS` holds. */
  expiry: Map<string, ReturnType<typeof setTimeout>>;
}

export class AnswerBundler {
  readonly #o: Required<AnswerBundlerOptions>;
  /** By warning "origin/seq". */
  readonly #lines = new Map<string, Line>();
  /** Ids said onward before any line held them, oldest first, at most `RECENT_ONWARD_IDS`. */
  readonly #onwardEarly = new Set<string>();

  constructor(options: AnswerBundlerOptions) {
    this.#o = {
      windowMs: DEFAULT_ANSWER_WINDOW_MS,
      holdMs: DEFAULT_ANSWER_HOLD_MS,
      holdFor: () => 0,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t),
      ...options,
    };
  }

  /**
   * Takes an answer: sent at once when its warning has no window open and no ack in flight, else
   * held for the window's end, or for the ack in flight (up to the hold).
   */
  add(answer: PersonAnswer): Promise<void> {
    const key = `${answer.warning.origin}/${answer.warning.seq}`;
    const line = this.#lines.get(key);
    if (
      line !== undefined &&
      (line.window !== undefined || line.waiting.size > 0 || line.inFlight.size > 0)
    ) {
      line.waiting.set(answer.person, merged(line.waiting.get(answer.person), answer));
      this.#look(key, line);
      return Promise.resolve();
    }
    const fresh = line ?? {
      waiting: new Map(),
      window: undefined,
      hold: undefined,
      held: false,
      inFlight: new Set(),
      expiry: new Map(),
    };
    this.#lines.set(key, fresh);
    this.#openWindow(key, fresh);
    return this.#sendOne(key, fresh, ackOf([answer]));
  }

  /** The core saw ack `id` confirmed onward (custody elsewhere, or done): what waited behind it goes. */
  onward(id: string): void {
    for (const [key, line] of this.#lines)
      if (line.inFlight.delete(id)) {
        this.#stopExpiry(line, id);
        this.#look(key, line);
        return;
      }
    // Perhaps an ack whose send has not resolved yet: remembered for when it does.
    this.#onwardEarly.delete(id);
    this.#onwardEarly.add(id);
    if (this.#onwardEarly.size > RECENT_ONWARD_IDS)
      this.#onwardEarly.delete(this.#onwardEarly.values().next().value as string);
  }

  /**
   * Nobody is left to answer `warning` here: what waits behind an ack in flight goes once its
   * window ends, without waiting out the hold.
   */
  release(warning: MessageRef): void {
    const key = `${warning.origin}/${warning.seq}`;
    const line = this.#lines.get(key);
    if (line === undefined || line.waiting.size === 0) return;
    line.held = true;
    this.#look(key, line);
  }

  /** Sends everything held at once and closes every window: the kit is stopping. */
  async flush(): Promise<void> {
    const held = [...this.#lines.entries()];
    this.#lines.clear();
    for (const [, line] of held) {
      if (line.window !== undefined) this.#o.clearTimer(line.window);
      if (line.hold !== undefined) this.#o.clearTimer(line.hold);
      for (const t of line.expiry.values()) this.#o.clearTimer(t);
      line.expiry.clear();
    }
    await Promise.all(
      held.flatMap(([key, line]) =>
        this.#groups([...line.waiting.values()]).map((g) => this.#sendOne(key, line, ackOf(g))),
      ),
    );
  }

  #openWindow(key: string, line: Line): void {
    line.window = this.#o.setTimer(() => {
      line.window = undefined;
      this.#look(key, line);
    }, this.#o.windowMs);
  }

  /**
   * Sends what waits once its window has ended and no ack of its warning is in flight (or the hold
   * ran out), opening the next window; forgets a line with nothing left.
   */
  #look(key: string, line: Line): void {
    if (this.#lines.get(key) !== line || line.window !== undefined) return;
    if (line.waiting.size === 0) {
      if (line.inFlight.size === 0 && line.hold === undefined) this.#lines.delete(key);
      return;
    }
    if (line.inFlight.size > 0 && !line.held) {
      const warning = (line.waiting.values().next().value as PersonAnswer).warning;
      line.hold ??= this.#o.setTimer(() => {
        line.hold = undefined;
        line.held = true;
        this.#look(key, line);
      }, this.#holdMs(warning));
      return;
    }
    if (line.hold !== undefined) this.#o.clearTimer(line.hold);
    line.hold = undefined;
    line.held = false;
    const answers = [...line.waiting.values()];
    line.waiting.clear();
    this.#openWindow(key, line);
    for (const g of this.#groups(answers)) void this.#sendOne(key, line, ackOf(g));
  }

  /** Sends one ack, in flight from now until the core has it and, if it says its id, until onward. */
  async #sendOne(key: string, line: Line, body: AckBody): Promise<void> {
    const token = Symbol('ack being taken');
    line.inFlight.add(token);
    try {
      const id = await this.#o.send(body);
      if (typeof id === 'string' && !this.#onwardEarly.delete(id)) {
        line.inFlight.add(id);
        // Never said onward (lost, or its end unreported): it stops counting after twice the hold,
        // so answers that came to wait behind it within one hold still wait their whole hold.
        this.#stopExpiry(line, id);
        line.expiry.set(
          id,
          this.#o.setTimer(() => {
            line.expiry.delete(id);
            if (line.inFlight.delete(id)) this.#look(key, line);
          }, IN_FLIGHT_HOLDS * this.#holdMs(body.warning)),
        );
      }
    } finally {
      line.inFlight.delete(token);
      this.#look(key, line);
    }
  }

  /** How long answers of `warning` wait behind an ack in flight, from now. */
  #holdMs(warning: MessageRef): number {
    return Math.max(this.#o.holdMs, this.#o.holdFor(warning));
  }

  #stopExpiry(line: Line, id: string): void {
    const t = line.expiry.get(id);
    if (t !== undefined) this.#o.clearTimer(t);
    line.expiry.delete(id);
  }

  /** As few acks as carry `answers`: those with a note lead their own. */
  #groups(answers: PersonAnswer[]): PersonAnswer[][] {
    const noted = answers.filter((a) => a.note !== undefined);
    const plain = answers.filter((a) => a.note === undefined);
    const groups: PersonAnswer[][] = noted.map((a) => [a]);
    for (let i = 0; i < plain.length; i += MAX_OTHER_ANSWERS + 1)
      groups.push(plain.slice(i, i + MAX_OTHER_ANSWERS + 1));
    return groups;
  }
}

/** One ack: the first answer as its own, the rest as its others. */
export function ackOf(answers: readonly PersonAnswer[]): AckBody {
  const [first, ...rest] = answers;
  if (first === undefined) throw new RangeError('an ack needs an answer');
  return {
    warning: first.warning,
    state: first.state,
    person: first.person,
    ...(first.evacuated === undefined ? {} : { evacuated: first.evacuated }),
    ...(first.notified === undefined ? {} : { notified: first.notified }),
    ...(first.note === undefined ? {} : { note: first.note }),
    ...(rest.length === 0
      ? {}
      : {
          others: rest.map((a) => ({
            person: a.person,
            state: a.state,
            ...(a.evacuated === undefined ? {} : { evacuated: a.evacuated }),
            ...(a.notified === undefined ? {} : { notified: a.notified }),
          })),
        }),
  };
}

/** A second answer of the same person within a window: the further state, the larger counts, the newer note. */
function merged(before: PersonAnswer | undefined, next: PersonAnswer): PersonAnswer {
  if (before === undefined) return next;
  const max = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const evacuated = max(before.evacuated, next.evacuated);
  const notified = max(before.notified, next.notified);
  const note = next.note ?? before.note;
  return {
    warning: next.warning,
    person: next.person,
    state: isLater(before.state, next.state) ? next.state : before.state,
    ...(evacuated === undefined ? {} : { evacuated }),
    ...(notified === undefined ? {} : { notified }),
    ...(note === undefined ? {} : { note }),
  };
}
