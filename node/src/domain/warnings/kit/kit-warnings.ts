/**
 * The kit's warning book (docs/warnings.md §The kit's warning book): the warnings the core
 * delivered here, kept on disk; the alarm fed with those in force and the answers made here; each
 * answer kept before it is sent and sent at least once, bundled (kit-answer-sender.ts); and the
 * centre's re-alarms (a control message's `realarm`, kit-realarm.ts).
 *
 * It owns its journal (kit-warnings-journal.ts) and what it rebuilds from it; the alarm and the core
 * are the daemon's, reached through the options. Everything it keeps is an input it acted on, so a
 * restart replays the journal into the same book: the warnings, their threads, who answered and
 * which answers the core has not taken yet. The alarm, which knows nothing after a restart, is fed
 * the warnings in force again with the answers already made here, so an answered warning stays
 * silent.
 */
import { KitError } from '../../../base/errors.js';
import type { Logger } from '../../../base/logger.js';
import type { AckBody } from '../../../wire/kinds/ack.js';
import { encodeMessage, type MessageOf } from '../../../wire/message.js';
import { areaContains } from '../../roster/area-code.js';
import type { Person, RosterId } from '../../roster/person.js';
import type { AlarmController } from '../alarm/alarm-controller.js';
import { alarmRule } from '../alarm/alarm-rule.js';
import {
  ackOf,
  DEFAULT_ANSWER_HOLD_MS,
  DEFAULT_ANSWER_WINDOW_MS,
  HELD_ANSWERS_LEAD_MS,
} from '../answer-bundler.js';
import { DEFAULT_ESCALATION } from '../escalation.js';
import '../warning-errors.js';
import { type AckSending, ackSendingFor, KitAnswerSender, personAnswerOf } from './kit-answer-sender.js';
import { KitDeliveredWord } from './kit-delivered-word.js';
import { type KitRecord, type RealarmOutcome, warningFrameHex } from './kit-journal-records.js';
import { realarmOutcome } from './kit-realarm.js';
import { type KitRealarm, type KitWarningRecord, recordOf } from './kit-warning-record.js';
import {
  type HeldAnswer,
  type HeldWarning,
  type KitPersonStanding,
  type KitWarningStatus,
  statusOf,
  targetsHere,
  threadHeads,
  threadKeyOf,
} from './kit-warning-status.js';
import { KitWarningsJournal } from './kit-warnings-journal.js';

export type { AckSending, KitPersonStanding, KitRealarm, KitWarningRecord, KitWarningStatus, RealarmOutcome };

export interface KitWarningsOptions {
  /** The JSON-lines journal, e.g. <data_dir>/kit-warnings.jsonl (made mode 0600). */
  file: string;
  /** This kit's node id (for the log). */
  nodeId: number;
  /** This kit's area: only people with an area inside it are called here. Default: every person. */
  area?: number;
  /** The people of this kit's roster now. */
  people: () => readonly Person[];
  /**
   * Hands one ack to the core to send to the centre (`core.submit({ kind: 'ack', body, dest:
   * { to: 'centre' }, priority: o.priority, lifetimeMin: o.lifetimeMin, flags: o.exercise ?
   * ['exercise'] : [] })`); rejects when the core refuses it. Resolving to the core's id of the
   * ack lets the answers after it wait while it is in flight (call `ackOnward` when the core sees
   * it confirmed onward); resolving to nothing keeps the plain window.
   */
  sendAck: (body: AckBody, o: AckSending) => Promise<unknown>;
  /** The alarm, or undefined when none is built. */
  alarm?: AlarmController;
  /** Unix ms. */
  now: () => number;
  /** The bundling window, ms. Default 10 s. */
  answerWindowMs?: number;
  /**
   * The time a person has to answer, from the warning's arrival here, ms: answers behind an ack in
   * flight wait at most until it ends (or the hold, if later). Default five minutes, as the desk's.
   */
  answerWithinMs?: number;
  /**
   * Whether this node's clock is trusted now (its acks go out with the envelope's C flag clear):
   * the centre can then measure how late its answers arrive and wait for them. Default: trusted.
   */
  clockTrusted?: () => boolean;
  /**
   * The spread of the kit's `delivered` after a warning that reaches beyond its area, ms
   * (kit-delivered-word.ts). Default 30 s; 0 says it at once.
   */
  deliveredSpreadMs?: number;
  /** In [0, 1), for the spread. Default Math.random. */
  random?: () => number;
  /** Timers of the bundling window and of expiry. Default setTimeout (the expiry's unref'd). */
  setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (t: ReturnType<typeof setTimeout>) => void;
  /** Told of every change, with the warning that changed (the UI's event stream). */
  changed?: (warningId: string) => void;
  log: Logger;
}

/** The longest single timer: setTimeout overflows past 2³¹ ms. */
const MAX_TIMER_MS = 86_400_000;

export class KitWarnings {
  readonly #o: KitWarningsOptions;
  readonly #log: Logger;
  readonly #journal: KitWarningsJournal;
  readonly #sender: KitAnswerSender;
  readonly #word: KitDeliveredWord;
  readonly #warnings = new Map<string, HeldWarning>();
  readonly #answers = new Map<string, HeldAnswer[]>();
  readonly #realarms = new Map<string, KitRealarm[]>();
  /** The highest control seq acted on per `issuer/origin`: a re-alarm at or below it is history. */
  readonly #realarmOrder = new Map<string, number>();
  #nextAnswer = 1;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  /** Appends nobody awaits (re-alarms), awaited at close. */
  #background: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(o: KitWarningsOptions, journal: KitWarningsJournal) {
    this.#o = o;
    this.#log = o.log.child({ mod: 'kit-warnings', node: o.nodeId });
    this.#journal = journal;
    this.#sender = new KitAnswerSender({
      send: (body) => this.#sendAck(body),
      handedOver: (n) => this.#journal.append({ t: 'sent', n, at: this.#o.now() }),
      windowMs: o.answerWindowMs ?? DEFAULT_ANSWER_WINDOW_MS,
      // Behind an ack in flight, the answers of the time to answer go together when it ends: the
      // centre acts on them only then, allowing for how late this kit's answers arrive. It can
      // measure that only from a trusted clock: without one they go a minute sooner, so that they
      // reach it before it acts on the silence (HELD_ANSWERS_LEAD_MS; docs/warnings.md §Answers
      // travel together).
      // The wall clock may have been wrong when the warning came and corrected since: the hold is
      // never more than the time to answer (or the 90 s), whatever the clock did meanwhile.
      holdFor: (ref) => {
        const w = this.#warnings.get(`${ref.origin}/${ref.seq}`);
        if (w === undefined) return 0;
        const within = o.answerWithinMs ?? DEFAULT_ESCALATION.answerWithinMs;
        const lead = (o.clockTrusted?.() ?? true) ? 0 : Math.min(HELD_ANSWERS_LEAD_MS, within / 4);
        const left = w.receivedAt + within - lead - this.#o.now();
        return Math.min(Math.max(0, left), Math.max(within, DEFAULT_ANSWER_HOLD_MS));
      },
      ...(o.setTimer === undefined ? {} : { setTimer: o.setTimer }),
      ...(o.clearTimer === undefined ? {} : { clearTimer: o.clearTimer }),
      log: this.#log,
    });
    this.#word = new KitDeliveredWord({
      send: (id) => this.#sendDelivered(id),
      ...(o.deliveredSpreadMs === undefined ? {} : { spreadMs: o.deliveredSpreadMs }),
      ...(o.random === undefined ? {} : { random: o.random }),
      ...(o.setTimer === undefined ? {} : { setTimer: o.setTimer }),
      ...(o.clearTimer === undefined ? {} : { clearTimer: o.clearTimer }),
    });
  }

  /**
   * Replays the journal; feeds the alarm the warnings in force with the answers already made here;
   * sends again the answers kept but never handed to the core (the first at once, before this
   * resolves). @throws KitError WARNING_JOURNAL_FAILED when the journal cannot be read at all.
   */
  static async open(o: KitWarningsOptions): Promise<KitWarnings> {
    const { journal, reading } = await KitWarningsJournal.open(o.file, o.log);
    const book = new KitWarnings(o, journal);
    const handed = new Set<number>();
    for (const r of reading.records) {
      if (r.t === 'sent') for (const n of r.n) handed.add(n);
      else if (r.t === 'warning') book.#take(r, reading.warnings.get(r.id) as MessageOf<'warning'>);
      else if (r.t === 'answer') book.#keepAnswer(r);
      else book.#keepRealarm(r);
    }
    for (const head of threadHeads(book.#warnings.values()).values())
      if (statusOf(head, head, o.now()) === 'active') book.#feedAlarm(head);
    const unsent = [...book.#answers.values()].flat().filter((a) => !handed.has(a.n));
    unsent.sort((a, b) => a.n - b.n);
    const inForce = book.list().filter((w) => w.status === 'active').length;
    book.#log.info(
      { warnings: book.#warnings.size, inForce, unsent: unsent.length },
      "kit's warning book open",
    );
    if (unsent.length > 0)
      book.#log.info(
        { answers: unsent.map((a) => a.n) },
        'answers kept but never handed to the core: sending them again',
      );
    const sending = unsent.map((a) => book.#sender.add(a));
    await Promise.all(sending.filter((s) => s.sending === 'at-once').map((s) => s.handed));
    book.#armExpiry();
    return book;
  }

  /**
   * A warning the core delivered here, and where it stood on its thread (history is kept and shown
   * superseded, never sounded). Kept once: the same id again changes nothing. Kept on disk before
   * it sounds; a journal that cannot be written is logged and the warning sounds anyway.
   */
  async delivered(
    message: MessageOf<'warning'>,
    standing: { current: boolean; reason?: string },
    receivedAt: number,
  ): Promise<void> {
    const id = `${message.origin}/${message.seq}`;
    if (this.#closed || this.#warnings.has(id)) return;
    const record: Extract<KitRecord, { t: 'warning' }> = {
      t: 'warning',
      id,
      at: receivedAt,
      current: standing.current,
      ...(standing.reason === undefined ? {} : { reason: standing.reason }),
      frame: warningFrameHex(message),
    };
    // Taken before the write, so that a second delivery meanwhile is known.
    const held = this.#take(record, message);
    try {
      await this.#journal.append(record);
    } catch (err) {
      this.#log.error(
        { err, warning: id },
        'warning not kept on disk; it sounds, but a restart will not know it',
      );
    }
    const { action, colour } = message.body;
    this.#log.info(
      { warning: id, thread: held.threadKey, action, colour, history: standing.reason },
      standing.current ? `warning ${id} received` : `warning ${id} received as history`,
    );
    if (standing.current) {
      this.#feedAlarm(held);
      this.#confirmDelivered(message);
    }
    this.#armExpiry();
    this.#changedThread(held.threadKey);
  }

  /**
   * Tells the centre that this kit holds a warning that calls someone here: the 叫应 board's
   * `delivered` (docs/warnings.md §States). The node receipt cannot say it when the warning came
   * through a gateway, whose own word ends the relay's work for every kit behind it, so the kit
   * says it itself, once, in a small ack of its own, spread over a few seconds when other kits
   * heard the same broadcast, and not at all when an answer goes first (kit-delivered-word.ts).
   * Not for history, or a warning that calls no one here. A cancel calls no one itself: it is
   * confirmed where its thread calls someone (the areas and roles it carries) or where this kit
   * held an earlier warning of the thread, the kits the centre sends it again to until they say
   * they have it (docs/warnings.md §A cancel reaches every kit).
   */
  #confirmDelivered(message: MessageOf<'warning'>): void {
    const { body } = message;
    const callsHere = (b: typeof body) => targetsHere(b, this.#o.people(), this.#o.area).length > 0;
    // A cancel calls no one itself: the thread it ends may.
    const confirms =
      body.action === 'cancel'
        ? callsHere({ ...body, action: 'issue' }) || this.#heldThread(message)
        : callsHere(body);
    if (!confirms || body.expires * 1000 <= this.#o.now()) return;
    const { area } = this.#o;
    const shared =
      area !== undefined &&
      (message.body.circle !== undefined || message.body.areas.some((a) => !areaContains(area, a)));
    this.#word.held(`${message.origin}/${message.seq}`, shared);
  }

  /** Whether this kit held a warning of `cancel`'s thread before it. */
  #heldThread(cancel: MessageOf<'warning'>): boolean {
    const id = `${cancel.origin}/${cancel.seq}`;
    const thread = threadKeyOf(cancel);
    return [...this.#warnings.values()].some((w) => w.threadKey === thread && w.id !== id);
  }

  #sendDelivered(id: string): void {
    const w = this.#warnings.get(id);
    if (w === undefined) return;
    const warning = { origin: w.message.origin, seq: w.message.seq };
    this.#sendAck({ warning, state: 'delivered' }).catch((err: unknown) =>
      this.#log.warn(
        { err, warning: id },
        'the centre was not told this kit holds the warning; an answer will tell it',
      ),
    );
  }

  /**
   * A control message delivered here, with the core's standing (a late one is history and sounds
   * nothing; default current): its re-alarm, if it has one, is decided (kit-realarm.ts), kept in
   * the journal, and sounded when due.
   */
  control(
    message: MessageOf<'control'>,
    standing: { current: boolean; reason?: string } = { current: true },
  ): void {
    const realarm = message.body.realarm;
    if (realarm === undefined || this.#closed) return;
    const control = `${message.origin}/${message.seq}`;
    const warning = `${realarm.warning.origin}/${realarm.warning.seq}`;
    const w = this.#warnings.get(warning);
    const outcome = realarmOutcome(message, {
      current: standing.current,
      lastActed: this.#realarmOrder.get(`${message.body.issuer}/${message.origin}`),
      status: w === undefined ? undefined : this.#status(w),
      answered: new Set((this.#answers.get(warning) ?? []).map((a) => a.person)),
    });
    const record: Extract<KitRecord, { t: 'realarm' }> = {
      t: 'realarm',
      control,
      issuer: message.body.issuer,
      warning,
      persons: [...realarm.persons],
      outcome,
      at: this.#o.now(),
    };
    this.#keepRealarm(record);
    const fields = { control, warning, persons: realarm.persons, outcome, reason: standing.reason };
    if (outcome === 'unknown') this.#log.warn(fields, `re-alarm of ${warning}, a warning not held here`);
    else this.#log.info(fields, `re-alarm of ${warning} from the centre: ${outcome}`);
    if (outcome === 'realarmed') this.#o.alarm?.realarm({ warning, persons: realarm.persons });
    const kept = this.#journal
      .append(record)
      .catch((err: unknown) =>
        this.#log.warn({ err, control }, 're-alarm not kept on disk; it was acted on'),
      );
    this.#background = Promise.all([this.#background, kept]);
    if (w !== undefined) this.#o.changed?.(warning);
  }

  /**
   * `person` answers warning `id` here: kept on disk first (synced), then the alarm is silenced and
   * the answer sent, at once (handed to the core before this resolves) or with those of the next
   * few seconds.
   * @throws KitError WARNING_UNKNOWN (no such warning here), WARNING_CLOSED (cancelled, superseded,
   *   expired), WIRE_ENCODE_INVALID (counts or a note an ack cannot carry), WARNING_JOURNAL_FAILED.
   */
  async answer(
    id: string,
    person: RosterId,
    input: { state: 'acknowledged' | 'acted'; evacuated?: number; notified?: number; note?: string },
  ): Promise<{ sending: 'at-once' | 'bundled' }> {
    const w = this.#warnings.get(id);
    if (w === undefined) throw new KitError('WARNING_UNKNOWN', `no warning ${id} was received at this kit`);
    const status = this.#status(w);
    if (status !== 'active')
      throw new KitError(
        'WARNING_CLOSED',
        `warning ${id} is ${status} here; answer the one in force on its thread`,
      );
    const answer: HeldAnswer = {
      n: this.#nextAnswer++,
      warning: id,
      person,
      state: input.state,
      ...(input.evacuated === undefined ? {} : { evacuated: input.evacuated }),
      ...(input.notified === undefined ? {} : { notified: input.notified }),
      ...(input.note === undefined ? {} : { note: input.note }),
      at: this.#o.now(),
    };
    // What an ack cannot carry is refused now, not kept to fail at every start.
    const ack = { ...w.message, kind: 'ack' as const, flags: [], body: ackOf([personAnswerOf(answer)]) };
    encodeMessage(ack, { scheme: 'none' });
    await this.#journal.append({ t: 'answer', ...answer });
    this.#keepAnswer(answer);
    this.#o.alarm?.answered({ warning: id, person });
    this.#log.info({ warning: id, person, state: answer.state, n: answer.n }, `warning ${id} answered here`);
    this.#o.changed?.(id);
    this.#word.answered(id);
    const { sending, handed } = this.#sender.add(answer);
    // Once everyone called here has answered, nobody is left to ride along: what waits goes.
    const answered = new Set((this.#answers.get(id) ?? []).map((a) => a.person));
    const called = targetsHere(w.message.body, this.#o.people(), this.#o.area);
    if (called.length > 0 && called.every((t) => answered.has(t.person)))
      this.#sender.release({ origin: w.message.origin, seq: w.message.seq });
    if (sending === 'at-once') await handed;
    return { sending };
  }

  /**
   * The core saw an ack of this kit confirmed onward (custody elsewhere, or done): the answers that
   * waited behind it go now (docs/warnings.md §Answers travel together). Any other id is ignored.
   */
  ackOnward(id: string): void {
    this.#sender.onward(id);
  }

  /** Every warning held here, newest first. */
  list(): KitWarningRecord[] {
    const heads = threadHeads(this.#warnings.values());
    const alarm = this.#alarmStates();
    return [...this.#warnings.values()]
      .sort((a, b) => b.message.createdAt - a.message.createdAt || b.receivedAt - a.receivedAt)
      .map((w) => this.#record(w, heads.get(w.threadKey), alarm));
  }

  get(id: string): KitWarningRecord | undefined {
    const w = this.#warnings.get(id);
    if (w === undefined) return undefined;
    return this.#record(w, threadHeads(this.#warnings.values()).get(w.threadKey), this.#alarmStates());
  }

  /** Red and orange warnings in force that nobody here has answered (the full-screen alarm's list). */
  awaitingAnswer(): string[] {
    return this.list()
      .filter((w) => w.status === 'active' && w.message.body.action !== 'cancel')
      .filter((w) => alarmRule(w.message.body, w.exercise).repeats)
      .filter((w) => w.persons.every((p) => p.state === 'unanswered'))
      .map((w) => w.id);
  }

  /** Sends the answers held in a window, and closes the journal. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#expiry !== undefined) (this.#o.clearTimer ?? clearTimeout)(this.#expiry);
    this.#word.flush();
    await this.#sender.flush();
    await this.#background;
    await this.#journal.close();
  }

  #take(r: Extract<KitRecord, { t: 'warning' }>, message: MessageOf<'warning'>): HeldWarning {
    const held: HeldWarning = {
      id: r.id,
      message,
      receivedAt: r.at,
      current: r.current,
      ...(r.current ? {} : { history: r.reason ?? 'not current' }),
      threadKey: threadKeyOf(message),
    };
    this.#warnings.set(r.id, held);
    return held;
  }

  #keepAnswer(a: HeldAnswer): void {
    const list = this.#answers.get(a.warning) ?? [];
    list.push(a);
    this.#answers.set(a.warning, list);
    this.#nextAnswer = Math.max(this.#nextAnswer, a.n + 1);
  }

  #keepRealarm(r: Extract<KitRecord, { t: 'realarm' }>): void {
    const list = this.#realarms.get(r.warning) ?? [];
    list.push({ at: r.at, control: r.control, persons: r.persons, outcome: r.outcome });
    this.#realarms.set(r.warning, list);
    if (r.outcome === 'history') return;
    const [origin, seq] = r.control.split('/').map(Number) as [number, number];
    const order = `${r.issuer}/${origin}`;
    this.#realarmOrder.set(order, Math.max(this.#realarmOrder.get(order) ?? -1, seq));
  }

  #status(w: HeldWarning): KitWarningStatus {
    const thread = [...this.#warnings.values()].filter((x) => x.threadKey === w.threadKey);
    return statusOf(w, threadHeads(thread).get(w.threadKey), this.#o.now());
  }

  #feedAlarm(w: HeldWarning): void {
    const persons = targetsHere(w.message.body, this.#o.people(), this.#o.area).map((t) => t.person);
    const answered = [...new Set((this.#answers.get(w.id) ?? []).map((a) => a.person))];
    this.#o.alarm?.warning({ message: w.message, persons, answered });
  }

  #record(
    w: HeldWarning,
    head: HeldWarning | undefined,
    alarm: ReadonlyMap<string, KitWarningRecord['alarm']>,
  ): KitWarningRecord {
    return recordOf(w, head, {
      answers: this.#answers.get(w.id) ?? [],
      realarms: this.#realarms.get(w.id) ?? [],
      pending: this.#sender.pending,
      people: this.#o.people(),
      area: this.#o.area,
      alarm: alarm.get(w.id),
      nowMs: this.#o.now(),
    });
  }

  #alarmStates(): Map<string, KitWarningRecord['alarm']> {
    return new Map((this.#o.alarm?.status().warnings ?? []).map((e) => [e.warning, e.state]));
  }

  #sendAck(body: AckBody): Promise<unknown> {
    const w = this.#warnings.get(`${body.warning.origin}/${body.warning.seq}`);
    return this.#o.sendAck(body, ackSendingFor(w?.message, this.#o.now()));
  }

  #changedThread(threadKey: string): void {
    for (const w of this.#warnings.values()) if (w.threadKey === threadKey) this.#o.changed?.(w.id);
  }

  /** One timer, at the next expiry of a warning in force: its status changes then. */
  #armExpiry(): void {
    if (this.#expiry !== undefined) (this.#o.clearTimer ?? clearTimeout)(this.#expiry);
    this.#expiry = undefined;
    if (this.#closed) return;
    const armedAt = this.#o.now();
    const live = [...threadHeads(this.#warnings.values()).values()].filter(
      (h) => h.message.body.action !== 'cancel' && h.message.body.expires * 1000 > armedAt,
    );
    if (live.length === 0) return;
    const next = Math.min(...live.map((h) => h.message.body.expires * 1000));
    const fire = () => {
      this.#expiry = undefined;
      for (const h of live)
        if (h.message.body.expires * 1000 <= this.#o.now()) this.#changedThread(h.threadKey);
      this.#armExpiry();
    };
    const wait = Math.min(next - armedAt, MAX_TIMER_MS);
    if (this.#o.setTimer !== undefined) this.#expiry = this.#o.setTimer(fire, wait);
    else this.#expiry = setTimeout(fire, wait).unref();
  }
}
