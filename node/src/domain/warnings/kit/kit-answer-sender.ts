/**
 * Answers from the kit to the centre, at least once (docs/warnings.md §The kit's warning book,
 * §Answers travel together): each answer is kept in the book's journal before it comes here; here
 * it rides in an ack through the AnswerBundler (the first at once, those of the next window
 * together), and once the core has taken the ack (it stores it, then sends and retries it itself)
 * the answers it carries are recorded as handed over. An answer kept but never handed over (the
 * kit stopped, the core refused it) is sent again at the next open; the centre's board moves only
 * forward, so an answer it hears twice changes nothing.
 *
 * Which answers an ack carries is read off the ack itself: the bundler merges a person's answers of
 * one window into the further state and the larger counts, so an answer is covered by an ack
 * entry of the same warning and person that says at least as much.
 */
import type { Logger } from '../../../base/logger.js';
import type { MessageRef } from '../../../wire/field-codecs.js';
import type { AckBody } from '../../../wire/kinds/ack.js';
import type { MessageOf } from '../../../wire/message.js';
import { AnswerBundler, type PersonAnswer } from '../answer-bundler.js';
import { CALL_STATES } from '../call.js';
import type { HeldAnswer } from './kit-warning-status.js';

export interface KitAnswerSenderOptions {
  /**
   * Hands one ack to the core; rejects when the core refused it. Resolving to the message's id
   * lets the answers after it wait for `onward(id)` (answer-bundler.ts).
   */
  send: (body: AckBody) => Promise<unknown>;
  /** Records that these answers were handed to the core. */
  handedOver: (answers: number[]) => Promise<void>;
  /** The bundling window, ms. Default 10 s (answer-bundler.ts). */
  windowMs?: number;
  /** A longer hold for a warning's answers behind an ack in flight, ms from now (answer-bundler.ts). */
  holdFor?: (warning: MessageRef) => number;
  setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (t: ReturnType<typeof setTimeout>) => void;
  log: Logger;
}

/** How an answer travels to the centre: an ack, P0, kept by store and forward this long. */
export interface AckSending {
  /** The warning is a drill (演练): the ack carries the exercise flag too. */
  exercise: boolean;
  /** Always 0: an answer (叫应) is life safety (docs/design.md §Messages), whatever the colour. */
  priority: 0;
  /** Minutes: until the warning expires and six hours more, at least six hours, at most three days. */
  lifetimeMin: number;
}

const MIN_ACK_LIFETIME_MIN = 6 * 60;
const MAX_ACK_LIFETIME_MIN = 3 * 24 * 60;

/**
 * How the answers to `warning` (undefined: not held here) travel. An answer matters to the centre
 * while the warning is in force (the escalation waits on it) and after, for the record
 * (有叫、有应、有记录), so store and forward keeps it past the expiry; a satellite-only village may
 * need a night for it to get through.
 */
export function ackSendingFor(warning: MessageOf<'warning'> | undefined, nowMs: number): AckSending {
  const untilExpiry = Math.ceil(Math.max(0, (warning?.body.expires ?? 0) * 1000 - nowMs) / 60_000);
  return {
    exercise: warning?.flags.includes('exercise') ?? false,
    priority: 0,
    lifetimeMin: Math.min(MAX_ACK_LIFETIME_MIN, Math.max(MIN_ACK_LIFETIME_MIN, untilExpiry + 6 * 60)),
  };
}

/** The bundler's form of a kept answer. */
export function personAnswerOf(a: HeldAnswer): PersonAnswer {
  const [origin, seq] = a.warning.split('/').map(Number) as [number, number];
  return {
    warning: { origin, seq },
    person: a.person,
    state: a.state,
    ...(a.evacuated === undefined ? {} : { evacuated: a.evacuated }),
    ...(a.notified === undefined ? {} : { notified: a.notified }),
    ...(a.note === undefined ? {} : { note: a.note }),
  };
}

export class KitAnswerSender {
  readonly #o: KitAnswerSenderOptions;
  readonly #bundler: AnswerBundler;
  /** Answers kept but not yet handed over, by number. */
  readonly #pending = new Map<number, HeldAnswer>();
  /** Set while add() runs: a send made then went at once. */
  #adding = false;
  #atOnce = false;

  constructor(o: KitAnswerSenderOptions) {
    this.#o = o;
    this.#bundler = new AnswerBundler({
      send: (body) => this.#send(body),
      ...(o.windowMs === undefined ? {} : { windowMs: o.windowMs }),
      ...(o.holdFor === undefined ? {} : { holdFor: o.holdFor }),
      ...(o.setTimer === undefined ? {} : { setTimer: o.setTimer }),
      ...(o.clearTimer === undefined ? {} : { clearTimer: o.clearTimer }),
    });
  }

  /** The numbers of the answers not yet handed over. */
  get pending(): ReadonlySet<number> {
    return new Set(this.#pending.keys());
  }

  /**
   * Sends a kept answer: at once, or with the others of its warning's open window. `handed`
   * settles once the ack that carries it was taken by the core (or refused: logged); it never
   * rejects.
   */
  add(a: HeldAnswer): { sending: 'at-once' | 'bundled'; handed: Promise<void> } {
    this.#pending.set(a.n, a);
    this.#adding = true;
    this.#atOnce = false;
    let handed: Promise<void>;
    try {
      handed = this.#bundler.add(personAnswerOf(a));
    } finally {
      this.#adding = false;
    }
    return { sending: this.#atOnce ? 'at-once' : 'bundled', handed };
  }

  /** The core saw ack `id` confirmed onward (custody elsewhere, or done). */
  onward(id: string): void {
    this.#bundler.onward(id);
  }

  /** Everyone called here has answered `warning`: what waits for an ack in flight goes (answer-bundler.ts). */
  release(warning: MessageRef): void {
    this.#bundler.release(warning);
  }

  /** Sends every answer held in a window now (the kit is stopping). */
  flush(): Promise<void> {
    return this.#bundler.flush();
  }

  /**
   * One ack: handed to the core, then its answers recorded as handed over. Never rejects; resolves
   * to the core's id of it when the caller gave one.
   */
  async #send(body: AckBody): Promise<unknown> {
    if (this.#adding) this.#atOnce = true;
    // Read now, before another answer of the same person can be kept: what this ack says covers.
    const covered = [...this.#pending.values()].filter((a) => coveredBy(a, body)).map((a) => a.n);
    const warning = `${body.warning.origin}/${body.warning.seq}`;
    let id: unknown;
    try {
      id = await this.#o.send(body);
    } catch (err) {
      this.#o.log.warn(
        { err, warning, answers: covered },
        'answers not handed to the core; they are kept and sent again at the next start',
      );
      return;
    }
    for (const n of covered) this.#pending.delete(n);
    try {
      await this.#o.handedOver(covered);
    } catch (err) {
      this.#o.log.warn(
        { err, warning, answers: covered },
        'answers sent, but not recorded as sent: they go again at the next start (the centre ignores a repeat)',
      );
    }
    return id;
  }
}

/** Whether the ack says at least what answer `a` says. */
function coveredBy(a: HeldAnswer, body: AckBody): boolean {
  if (`${body.warning.origin}/${body.warning.seq}` !== a.warning) return false;
  const own =
    body.person === undefined || body.state === 'delivered'
      ? []
      : [
          {
            person: body.person,
            state: body.state,
            evacuated: body.evacuated,
            notified: body.notified,
            note: body.note,
          },
        ];
  const entries = [...own, ...(body.others ?? []).map((o) => ({ ...o, note: undefined }))];
  const rank = (s: string) => CALL_STATES.indexOf(s as (typeof CALL_STATES)[number]);
  const atLeast = (mine: number | undefined, theirs: number | undefined) =>
    mine === undefined || (theirs !== undefined && theirs >= mine);
  return entries.some(
    (e) =>
      e.person === a.person &&
      rank(e.state) >= rank(a.state) &&
      atLeast(a.evacuated, e.evacuated) &&
      atLeast(a.notified, e.notified) &&
      (a.note === undefined || a.note === e.note),
  );
}
