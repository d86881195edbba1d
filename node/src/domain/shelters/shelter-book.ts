/**
 * The shelter book of a node (docs/shelters.md §What the centre makes of them): every roll-call
 * recorded here, filed here or delivered, kept in its journal (shelter-journal.ts) and replayed at
 * open, and what they make: each shelter's head count (its latest roll-call's), and where each
 * person, by registration id (登记号) or roster id, was last checked in or out, shelter by shelter.
 *
 * Roll-calls carry absolute counts, so the latest by creation time (then sequence, then origin)
 * holds whatever order they came in; a check-in likewise stands until a later movement of the same
 * person at the same shelter. A node holding the same roll-calls shows the same figures.
 */
import type { Logger } from '../../base/logger.js';
import type { MessageOf } from '../../wire/message.js';
import {
  type Checked,
  checkedKey,
  type DuplicateCheckin,
  type LastMovement,
  type ShelterCount,
  type ShelterSite,
  type ShelterView,
} from './shelter.js';
import { ShelterJournal } from './shelter-journal.js';

export interface ShelterBookOptions {
  /** The journal, e.g. <data_dir>/shelters.jsonl (made mode 0600). */
  file: string;
  /** The registry (configuration). */
  sites: readonly ShelterSite[];
  /** Told of each shelter whose figures changed. */
  changed?: (shelter: number) => void;
  log: Logger;
}

type Stamp = { at: number; seq: number; origin: number };

/** Whether `a` was made after `b`. */
function later(a: Stamp, b: Stamp): boolean {
  return a.at !== b.at ? a.at > b.at : a.seq !== b.seq ? a.seq > b.seq : a.origin > b.origin;
}

export class ShelterBook {
  readonly #o: ShelterBookOptions;
  readonly #journal: ShelterJournal;
  readonly #sites: Map<number, ShelterSite>;
  readonly #ids = new Set<string>();
  readonly #counts = new Map<number, ShelterCount & { stamp: Stamp }>();
  /** Each shelter's latest roll-call, whole: what a lost kit's replacement carries on from. */
  readonly #latest = new Map<number, MessageOf<'rollcall'>>();
  /** The person's key (shelter.ts `checkedKey`) → shelter → its last movement there. */
  readonly #moves = new Map<string, Map<number, LastMovement & { stamp: Stamp }>>();

  private constructor(o: ShelterBookOptions, journal: ShelterJournal) {
    this.#o = o;
    this.#journal = journal;
    this.#sites = new Map(o.sites.map((s) => [s.number, s]));
  }

  static async open(o: ShelterBookOptions): Promise<ShelterBook> {
    const { journal, rollcalls } = await ShelterJournal.open(o.file, o.log);
    const book = new ShelterBook(o, journal);
    for (const m of rollcalls) book.#take(m);
    return book;
  }

  /** Records a roll-call (once: a message held already changes nothing). */
  async record(m: MessageOf<'rollcall'>): Promise<{ added: boolean }> {
    if (!this.#take(m)) return { added: false };
    try {
      await this.#journal.append(m, Date.now());
    } catch (err) {
      this.#o.log.error(
        { err, msgId: `${m.origin}/${m.seq}` },
        'a roll-call was not journaled; it stands until a restart',
      );
    }
    this.#o.changed?.(m.body.shelter);
    return { added: true };
  }

  site(number: number): ShelterSite | undefined {
    return this.#sites.get(number);
  }

  count(number: number): ShelterCount | undefined {
    return this.#counts.get(number);
  }

  /** Where the person was last moved at `shelter`, if ever. */
  lastMovement(who: Checked, shelter: number): LastMovement | undefined {
    return this.#moves.get(checkedKey(who) as string)?.get(shelter);
  }

  /** Whether any shelter ever checked the person in. */
  everCheckedIn(who: Checked): boolean {
    const at = this.#moves.get(checkedKey(who) as string);
    return at !== undefined && [...at.values()].some((m) => m.everIn);
  }

  /**
   * The latest roll-call of every shelter whose latest count `kit` made (docs/kits.md §Open items):
   * the figures stay counted here as they are, and a kit that replaces `kit` takes these into its
   * own book, so its next count goes on from them rather than from nothing.
   */
  lastCountedBy(kit: number): Array<MessageOf<'rollcall'>> {
    return [...this.#latest.values()]
      .filter((m) => m.origin === kit)
      .sort((a, b) => a.body.shelter - b.body.shelter);
  }

  /** Every shelter of the registry, then any a roll-call named that the registry lacks, by number. */
  shelters(): ShelterView[] {
    const numbers = new Set([...this.#sites.keys(), ...this.#counts.keys()]);
    return [...numbers].sort((a, b) => a - b).map((n) => this.shelter(n) as ShelterView);
  }

  shelter(number: number): ShelterView | undefined {
    const site = this.#sites.get(number);
    const count = this.#counts.get(number);
    if (site === undefined && count === undefined) return undefined;
    let checkedIn = 0;
    for (const at of this.#moves.values()) if (at.get(number)?.movement === 'in') checkedIn++;
    return {
      number,
      name: site?.name ?? `安置点 ${number}`,
      ...(site === undefined ? {} : { area: site.area, capacity: site.capacity }),
      ...(site?.point === undefined ? {} : { point: { ...site.point } }),
      registered: site !== undefined,
      present: count?.present ?? 0,
      arrived: count?.arrived ?? count?.present ?? 0,
      ...(count === undefined ? {} : { countedAt: count.at * 1000, countedBy: count.node }),
      checkedIn,
    };
  }

  /** The people checked in at two shelters or more and out of neither, registration ids first. */
  duplicates(): DuplicateCheckin[] {
    const out: DuplicateCheckin[] = [];
    for (const [key, at] of this.#moves) {
      const inside = [...at.values()].filter((m) => m.movement === 'in');
      const id = Number(key.slice(1));
      if (inside.length > 1)
        out.push({
          ...(key.startsWith('r') ? { registration: id } : { person: id }),
          shelters: inside
            .map((m) => ({ number: m.shelter, at: m.at * 1000 }))
            .sort((a, b) => a.number - b.number),
        });
    }
    const order = (d: DuplicateCheckin) => d.registration ?? 2 ** 33 + (d.person ?? 0);
    return out.sort((a, b) => order(a) - order(b));
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  /** Takes a roll-call into memory; false when it was held already. */
  #take(m: MessageOf<'rollcall'>): boolean {
    const id = `${m.origin}/${m.seq}`;
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    const stamp: Stamp = { at: m.createdAt, seq: m.seq, origin: m.origin };
    const b = m.body;
    const held = this.#counts.get(b.shelter);
    if (held === undefined || later(stamp, held.stamp)) this.#latest.set(b.shelter, m);
    if (held === undefined || later(stamp, held.stamp))
      this.#counts.set(b.shelter, {
        present: b.present,
        ...(b.arrived === undefined ? {} : { arrived: b.arrived }),
        at: m.createdAt,
        message: id,
        node: m.origin,
        stamp,
      });
    for (const c of b.checkins ?? []) {
      const key = checkedKey(c);
      if (key === undefined) continue;
      const at = this.#moves.get(key) ?? new Map();
      this.#moves.set(key, at);
      const last = at.get(b.shelter);
      const everIn = c.movement === 'in' || last?.everIn === true;
      if (last === undefined || later(stamp, last.stamp))
        at.set(b.shelter, {
          shelter: b.shelter,
          movement: c.movement,
          flags: c.flags ?? [],
          at: m.createdAt,
          message: id,
          everIn,
          stamp,
        });
      else if (everIn && !last.everIn) at.set(b.shelter, { ...last, everIn });
    }
    return true;
  }
}
