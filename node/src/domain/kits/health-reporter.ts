/**
 * The kit's health reporter (docs/kits.md §What a kit tells the centre): every interval it sends the
 * centre a health message (health-report.ts) through the core, as any kit message goes; and sooner,
 * once a minute at most, when its power source changes (mains lost, the sun gone): the change that
 * most often comes before a kit goes dark. A failed send (a full store) is logged once, until one
 * goes again.
 */
import type { NodeStatus } from '../../app-contract.js';
import type { Logger } from '../../base/logger.js';
import type { Draft } from '../../core/core-types.js';
import { healthBody, healthDraft, type PowerReading } from './health-report.js';

export interface HealthReporterOptions {
  /** Time between two health messages, ms (`kits.health_interval_s`). */
  intervalMs: number;
  /** The node's status now. */
  status: () => NodeStatus;
  /** The power reader's latest word; none: the kit does not measure it (power `unknown`). */
  power?: () => PowerReading | undefined;
  /** Makes and stores the message (NodeCore.submit); resolves to its id. */
  submit: (draft: Draft<'health'>) => Promise<string>;
  now: () => number;
  /**
   * The first message goes this long after start(), ms: the links have come up by then. Default
   * 10 s, or the interval when shorter, and up to a minute more at random (a quarter of the
   * interval when shorter): a township's kits that the returning mains restart together would
   * otherwise send their health in the same second every interval, to the same gateway, and
   * collide there (RFC 5148's jitter). Given, it is exact.
   */
  firstAfterMs?: number;
  /** Uniform in [0, 1), for that spread and each interval's jitter. Default Math.random. */
  random?: () => number;
  /** How often the power source is looked at for a change, ms. Default a minute, or the interval when shorter. */
  lookMs?: number;
  log: Logger;
}

/** Sends sooner than the interval at most this often, on a change of power source. */
const SOONEST_MS = 60_000;

/** The most the first message's default wait is spread by. */
const FIRST_SPREAD_MAX_MS = 60_000;

/**
 * Each later message comes up to this fraction of the interval sooner, at random: two kits whose
 * first messages fell within one airtime of each other must not stay together for ever. Only
 * sooner, never later than the interval the message announced, so the centre's silence count is
 * never wrong-footed by it (RFC 5148 §5.1 jitters periodic messages the same way).
 */
const ROUND_JITTER = 0.1;

export class HealthReporter {
  readonly #o: HealthReporterOptions;
  #timer: NodeJS.Timeout | undefined;
  #lastSent: number | undefined;
  /** How long after the last message the next one is due: the interval, jittered. */
  #nextWait: number;
  #lastSource: string | undefined;
  #failing = false;
  #running = false;
  #sending: Promise<unknown> = Promise.resolve();

  constructor(o: HealthReporterOptions) {
    this.#o = o;
    this.#nextWait = o.intervalMs;
  }

  start(): void {
    if (this.#o.intervalMs <= 0) return;
    this.#running = true;
    this.#arm(this.#o.firstAfterMs ?? this.#firstAfterMs());
  }

  /** The default first wait, spread. */
  #firstAfterMs(): number {
    const interval = this.#o.intervalMs;
    const spread = Math.min(FIRST_SPREAD_MAX_MS, interval / 4);
    return Math.min(10_000, interval) + Math.floor(this.#random() * spread);
  }

  /** Stops; a message being made is left to finish. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#sending;
  }

  /** Makes and sends a health message now; resolves to its id, or undefined when it could not be stored. */
  sendNow(): Promise<string | undefined> {
    const run = this.#sending.then(() => this.#send());
    this.#sending = run.catch(() => {});
    return run;
  }

  async #send(): Promise<string | undefined> {
    const now = this.#o.now();
    const power = this.#o.power?.();
    const body = healthBody(this.#o.status(), power, this.#o.intervalMs, now);
    try {
      const id = await this.#o.submit(healthDraft(body));
      this.#sent(now);
      this.#lastSource = body.power;
      if (this.#failing) this.#o.log.info({ msgId: id }, 'health message sent again');
      this.#failing = false;
      this.#o.log.debug({ msgId: id, power: body.power, battery: body.batteryPct }, 'health message made');
      return id;
    } catch (err) {
      if (!this.#failing)
        this.#o.log.warn({ err }, 'health message not made; tried again at the next interval');
      this.#failing = true;
      this.#sent(now);
      return undefined;
    }
  }

  /** Notes a message made (or tried) at `now`, and draws the wait to the next. */
  #sent(now: number): void {
    this.#lastSent = now;
    this.#nextWait = Math.round(this.#o.intervalMs * (1 - ROUND_JITTER * this.#random()));
  }

  #random(): number {
    return (this.#o.random ?? Math.random)();
  }

  #arm(ms: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => void this.#tick(), ms);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    const now = this.#o.now();
    const interval = this.#o.intervalMs;
    const due = this.#lastSent === undefined || now - this.#lastSent >= this.#nextWait;
    const source = this.#o.power?.()?.source;
    const changed =
      source !== undefined &&
      this.#lastSource !== undefined &&
      source !== this.#lastSource &&
      (this.#lastSent === undefined || now - this.#lastSent >= SOONEST_MS);
    if (due || changed) await this.sendNow();
    const sinceSent = this.#lastSent === undefined ? 0 : this.#o.now() - this.#lastSent;
    const look = this.#o.lookMs ?? Math.min(SOONEST_MS, interval);
    this.#arm(Math.max(0, Math.min(look, this.#nextWait - sinceSent)));
  }
}
