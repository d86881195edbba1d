/**
 * The centre's SOS desk (docs/requests.md §SOS): every SOS that reached the centre sounds the
 * centre's alarm (node/src/domain/warnings/alarm/centre-alarm.ts, reused: its siren, then who and
 * where spoken) at once and again every `repeatMs` until a duty officer acknowledges it, so an
 * SOS at 3 a.m. cannot be missed by one who stepped away for the one announcement.
 *
 * The desk is in memory: at a restart every SOS still `requested` and never acknowledged is raised
 * again from the request book (node/src/composition/node-requests.ts), which is the safe side.
 */
import type { Logger } from '../../base/logger.js';
import type { Silence } from '../warnings/alarm/centre-alarm.js';

export interface SosDeskOptions {
  /** The centre's alarm, when it has one (the warnings workflow makes it). */
  alarm: () => { unanswered(s: Silence): void } | undefined;
  /** How often an SOS not acknowledged sounds again, ms. Default 60 s. */
  repeatMs?: number;
  /** Told when the set of SOS sounding changed. */
  changed?: (id: string) => void;
  log: Logger;
}

export interface SosSounding {
  id: string;
  /** What the alarm says: the place, then who. */
  silence: Silence;
  since: number;
  /** How many times it has sounded. */
  sounded: number;
}

export class SosDesk {
  readonly #o: SosDeskOptions;
  readonly #sounding = new Map<string, SosSounding & { timer: NodeJS.Timeout }>();

  constructor(o: SosDeskOptions) {
    this.#o = o;
  }

  /** An SOS arrived: it sounds now and keeps sounding. Raised already: nothing changes. */
  raise(id: string, silence: Silence, now: number): void {
    if (this.#sounding.has(id)) return;
    const timer = setInterval(() => this.#sound(id), this.#o.repeatMs ?? 60_000);
    timer.unref();
    this.#sounding.set(id, { id, silence, since: now, sounded: 0, timer });
    this.#o.log.warn(
      { request: id, where: silence.where },
      'SOS: the centre alarm sounds until acknowledged',
    );
    this.#sound(id);
    this.#o.changed?.(id);
  }

  /** A duty officer acknowledged it: it stops. Returns whether it was sounding. */
  acknowledge(id: string): boolean {
    const s = this.#sounding.get(id);
    if (s === undefined) return false;
    clearInterval(s.timer);
    this.#sounding.delete(id);
    this.#o.log.info({ request: id, sounded: s.sounded }, 'SOS acknowledged: the alarm stops');
    this.#o.changed?.(id);
    return true;
  }

  isSounding(id: string): boolean {
    return this.#sounding.has(id);
  }

  /** The SOS sounding now, oldest first. */
  list(): SosSounding[] {
    return [...this.#sounding.values()].map(({ timer: _t, ...s }) => s).sort((a, b) => a.since - b.since);
  }

  close(): void {
    for (const s of this.#sounding.values()) clearInterval(s.timer);
    this.#sounding.clear();
  }

  #sound(id: string): void {
    const s = this.#sounding.get(id);
    if (s === undefined) return;
    s.sounded++;
    this.#o.alarm()?.unanswered(s.silence);
  }
}
