/**
 * The hazard ledger of a node (docs/hazards.md §The ledger): every hazard message recorded here,
 * filed here or delivered, kept in its journal (hazard-journal.ts) and replayed at open, and the
 * photos kept here for the hazards this kit reported. What each hazard is comes from its messages
 * (hazard-state.ts), worked out again when one of them arrives.
 *
 * A change that arrived from elsewhere is applied only if `accepts` agrees (the centre checks that
 * the person who made it may: docs/hazards.md §Who may do what); one it refuses is kept, shown
 * refused, and changes nothing. An opening report from the air that claims more than `reported` is
 * kept as the report it is, its status refused (hazard-acceptance.ts). The decision is kept with
 * the message, so a restart, or a roster changed since, does not change what the ledger shows.
 *
 * A record is taken in memory first and then written; a journal that cannot be written is logged
 * as an error and the hazard stands until the node restarts (its message is in the store and goes
 * on air all the same). The book's only writers are the node's hazards service and the core's
 * deliveries (node/src/composition/node-hazards.ts).
 */
import type { Logger } from '../../base/logger.js';
import type { MessageOf } from '../../wire/message.js';
import { type HazardEntry, type HazardView, hazardIdOf } from './hazard.js';
import { openingAcceptance } from './hazard-acceptance.js';
import { HazardJournal, type HazardRecord, hazardFrameHex, ledgerForm } from './hazard-journal.js';
import { hazardState } from './hazard-state.js';
import { statusRank } from './hazard-status.js';

export type HazardPhotoRecord = Extract<HazardRecord, { t: 'photo' }>;

export interface HazardBookOptions {
  /** The journal, e.g. <data_dir>/hazards.jsonl (made mode 0600). */
  file: string;
  /** This node: the photos of the hazards it reported are counted from those it holds. */
  nodeId: number;
  /** A kit's own area, by node id. */
  kitArea: (node: number) => number | undefined;
  /**
   * Whether a change that arrived may be applied: undefined when it may, else why not. Default:
   * every change is applied.
   */
  accepts?: (entry: HazardEntry, hazard: HazardView | undefined) => string | undefined;
  /** Unix ms. */
  now: () => number;
  /** Told of every hazard that changed (the UI's event stream). */
  changed?: (hazard: HazardView) => void;
  log: Logger;
}

export interface Recorded {
  hazard: HazardView;
  /** False when the message was held already: nothing changed. */
  added: boolean;
  refused?: string;
}

export class HazardBook {
  readonly #o: HazardBookOptions;
  readonly #log: Logger;
  readonly #journal: HazardJournal;
  /** Message ids held, for dedup. */
  readonly #ids = new Set<string>();
  /** Each message's frame without its trailer, by message id, as its journal line keeps it. */
  readonly #frames = new Map<string, string>();
  readonly #entries = new Map<string, HazardEntry[]>();
  readonly #photos = new Map<string, HazardPhotoRecord[]>();
  readonly #views = new Map<string, HazardView>();

  private constructor(o: HazardBookOptions, journal: HazardJournal) {
    this.#o = o;
    this.#log = o.log.child({ mod: 'hazards' });
    this.#journal = journal;
  }

  static async open(o: HazardBookOptions): Promise<HazardBook> {
    const { journal, reading } = await HazardJournal.open(o.file, o.log);
    const book = new HazardBook(o, journal);
    for (const m of reading.messages)
      book.#take(entryOf(m.message, m.at, m.refused), hazardFrameHex(m.message));
    for (const p of reading.photos) book.#takePhoto(p);
    book.#log.info({ hazards: book.#entries.size, skipped: reading.skipped.length }, 'hazard ledger open');
    return book;
  }

  /**
   * Records a hazard message: one this node made (`local`: its maker's permission was checked
   * already), or one the core delivered here. Held already: nothing changes.
   */
  async record(sent: MessageOf<'hazard'>, o: { local: boolean }): Promise<Recorded> {
    const id = `${sent.origin}/${sent.seq}`;
    const { frame, message } = ledgerForm(sent);
    const entry = entryOf(message, this.#o.now());
    const hazardId = hazardIdOf(entry);
    if (this.#ids.has(id)) return { hazard: this.#view(hazardId) as HazardView, added: false };
    if (!o.local) {
      const refused =
        message.body.previous === undefined
          ? openingAcceptance(entry)
          : this.#o.accepts?.(entry, this.#view(hazardId));
      if (refused !== undefined) entry.refused = refused;
    }
    this.#take(entry, frame);
    const hazard = this.#view(hazardId) as HazardView;
    const record: HazardRecord = {
      t: 'message',
      at: entry.receivedAt,
      frame,
      ...(entry.refused === undefined ? {} : { refused: entry.refused }),
    };
    try {
      await this.#journal.append(record);
    } catch (err) {
      this.#log.error(
        { err, msgId: id },
        'hazard message not kept in the ledger file; it stands until a restart',
      );
    }
    if (entry.refused !== undefined)
      this.#log.warn(
        { msgId: id, hazard: hazardId, refused: entry.refused },
        'a change of a hazard was refused',
      );
    else
      this.#log.info(
        { msgId: id, hazard: hazardId, status: hazard.status, local: o.local },
        message.body.previous === undefined ? 'hazard reported' : 'hazard changed',
      );
    this.#o.changed?.(hazard);
    return { hazard, added: true, ...(entry.refused === undefined ? {} : { refused: entry.refused }) };
  }

  /** Records a photo kept for a hazard this kit reported. @throws KitError HAZARD_JOURNAL_FAILED */
  async photoKept(record: HazardPhotoRecord): Promise<HazardView | undefined> {
    await this.#journal.append(record);
    this.#takePhoto(record);
    const hazard = this.#view(record.hazard);
    if (hazard !== undefined) this.#o.changed?.(hazard);
    return hazard;
  }

  /** The photos kept here for a hazard, by number. */
  photos(id: string): readonly HazardPhotoRecord[] {
    return this.#photos.get(id) ?? [];
  }

  get(id: string): HazardView | undefined {
    return this.#view(id);
  }

  /** Every hazard, the latest reported first. */
  list(): HazardView[] {
    const all: HazardView[] = [];
    for (const id of this.#entries.keys()) {
      const v = this.#view(id);
      if (v !== undefined) all.push(v);
    }
    return all.sort((a, b) => b.reportedAt - a.reportedAt || (a.id < b.id ? 1 : -1));
  }

  /** The messages of a hazard, as recorded. */
  entries(id: string): readonly HazardEntry[] {
    return this.#entries.get(id) ?? [];
  }

  /**
   * The hazards `kit` reported that are still open (reported or verified: not yet made safe), each
   * with its messages as the journal keeps them, for a lost kit's handover file (docs/kits.md
   * §Open items). Handled and closed ones are not: what is left of them is the centre's closing.
   */
  openOf(
    kit: number,
  ): Array<{ hazard: HazardView; lines: Array<{ at: number; frame: string; refused?: string }> }> {
    return this.list()
      .filter((h) => h.node === kit && statusRank(h.status) < statusRank('handled'))
      .reverse()
      .map((hazard) => ({
        hazard,
        lines: [...this.entries(hazard.id)]
          .sort((a, b) => a.receivedAt - b.receivedAt)
          .flatMap((e) => {
            const frame = this.#frames.get(e.id);
            if (frame === undefined) return [];
            const line = { at: e.receivedAt, frame };
            return [e.refused === undefined ? line : { ...line, refused: e.refused }];
          }),
      }));
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  #take(entry: HazardEntry, frame: string): void {
    if (this.#ids.has(entry.id)) return;
    this.#ids.add(entry.id);
    this.#frames.set(entry.id, frame);
    const hazardId = hazardIdOf(entry);
    const list = this.#entries.get(hazardId) ?? [];
    list.push(entry);
    this.#entries.set(hazardId, list);
    this.#views.delete(hazardId);
  }

  #takePhoto(p: HazardPhotoRecord): void {
    const list = this.#photos.get(p.hazard) ?? [];
    if (list.some((x) => x.n === p.n)) return;
    list.push(p);
    list.sort((a, b) => a.n - b.n);
    this.#photos.set(p.hazard, list);
    this.#views.delete(p.hazard);
  }

  #view(id: string): HazardView | undefined {
    const cached = this.#views.get(id);
    if (cached !== undefined) return cached;
    const entries = this.#entries.get(id);
    if (entries === undefined) return undefined;
    const reportedHere = Number(id.split('/')[0]) === this.#o.nodeId;
    const view = hazardState(id, entries, {
      kitArea: this.#o.kitArea,
      ...(reportedHere ? { localPhotos: this.photos(id).length } : {}),
    });
    if (view !== undefined) this.#views.set(id, Object.freeze(view) as HazardView);
    return view;
  }
}

function entryOf(message: MessageOf<'hazard'>, receivedAt: number, refused?: string): HazardEntry {
  return {
    id: `${message.origin}/${message.seq}`,
    origin: message.origin,
    seq: message.seq,
    createdAt: message.createdAt,
    exercise: message.flags.includes('exercise'),
    body: message.body,
    receivedAt,
    ...(refused === undefined ? {} : { refused }),
  };
}
