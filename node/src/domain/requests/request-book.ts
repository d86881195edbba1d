/**
 * The request book of a node (docs/requests.md §The state of a request): every request and reply
 * recorded here, made here or delivered, kept in its journal (request-journal.ts) and replayed at
 * open. What each request is comes from its messages (request-state.ts).
 *
 * A reply that arrived from elsewhere is applied only if `accepts` agrees (docs/requests.md §Who
 * may do what); one it refuses is kept, shown refused, and changes nothing, and the decision is
 * kept with the message. A journal that cannot be written is logged and the record stands until a
 * restart (its message is in the store and goes on air all the same).
 */
import type { Logger } from '../../base/logger.js';
import { type RequestEntry, type RequestView, requestIdOf } from './request.js';
import { bookForm, RequestJournal, type RequestMessage } from './request-journal.js';
import { requestState } from './request-state.js';
import { isClosed } from './request-status.js';

export interface RequestBookOptions {
  /** The journal, e.g. <data_dir>/requests.jsonl (made mode 0600). */
  file: string;
  kitArea: (node: number) => number | undefined;
  /** Whether a message from elsewhere may be applied: undefined when it may, else why not. */
  accepts?: (entry: RequestEntry, request: RequestView | undefined) => string | undefined;
  /** Unix ms. */
  now: () => number;
  /** Told of every request that changed, with the entry that changed it. */
  changed?: (request: RequestView, entry: RequestEntry) => void;
  log: Logger;
}

export class RequestBook {
  readonly #o: RequestBookOptions;
  readonly #journal: RequestJournal;
  readonly #ids = new Set<string>();
  readonly #entries = new Map<string, RequestEntry[]>();
  readonly #views = new Map<string, RequestView>();
  /** Each entry's message as held, by message id: what a lost kit's replacement is handed. */
  readonly #held = new Map<string, RequestMessage>();

  private constructor(o: RequestBookOptions, journal: RequestJournal) {
    this.#o = o;
    this.#journal = journal;
  }

  static async open(o: RequestBookOptions): Promise<RequestBook> {
    const { journal, reading } = await RequestJournal.open(o.file, o.log);
    const book = new RequestBook(o, journal);
    for (const m of reading.messages) book.#take(entryOf(m.message, m.at, m.refused), m.message);
    o.log.info({ requests: book.#entries.size, skipped: reading.skipped }, 'request book open');
    return book;
  }

  /** Records a message made here (`local`) or delivered here. Held already: nothing changes. */
  async record(
    sent: RequestMessage,
    o: { local: boolean },
  ): Promise<{ request: RequestView; added: boolean }> {
    const { frame, message } = bookForm(sent);
    const entry = entryOf(message, this.#o.now());
    const requestId = requestIdOf(entry);
    if (this.#ids.has(entry.id)) return { request: this.#view(requestId) as RequestView, added: false };
    if (!o.local) {
      const refused = this.#o.accepts?.(entry, this.#view(requestId));
      if (refused !== undefined) entry.refused = refused;
    }
    this.#take(entry, message);
    const request = this.#view(requestId) as RequestView;
    try {
      await this.#journal.append({
        t: 'message',
        at: entry.receivedAt,
        frame,
        ...(entry.refused === undefined ? {} : { refused: entry.refused }),
      });
    } catch (err) {
      this.#o.log.error(
        { err, msgId: entry.id },
        'request message not kept in the book file; it stands until a restart',
      );
    }
    if (entry.refused !== undefined)
      this.#o.log.warn(
        { msgId: entry.id, request: requestId, refused: entry.refused },
        'a request reply was refused',
      );
    else
      this.#o.log.info(
        { msgId: entry.id, request: requestId, status: request.status, sos: request.sos, local: o.local },
        entry.kind === 'request' ? 'request recorded' : 'request changed',
      );
    this.#o.changed?.(request, entry);
    return { request, added: true };
  }

  get(id: string): RequestView | undefined {
    return this.#view(id);
  }

  /** Every request, the latest asked first. */
  list(): RequestView[] {
    const all: RequestView[] = [];
    for (const id of this.#entries.keys()) {
      const v = this.#view(id);
      if (v !== undefined) all.push(v);
    }
    return all.sort((a, b) => b.requestedAt - a.requestedAt || (a.id < b.id ? 1 : -1));
  }

  /**
   * The open requests `kit` made (neither released nor declined), each with every message held of
   * it as its journal line keeps it, the request first (docs/kits.md §Open items): what a kit that
   * replaces a lost `kit` takes into its own book.
   */
  openOf(
    kit: number,
  ): Array<{ request: RequestView; lines: Array<{ at: number; frame: string; refused?: string }> }> {
    return this.list()
      .filter((r) => r.node === kit && !isClosed(r.status))
      .reverse()
      .map((request) => ({
        request,
        lines: this.entries(request.id).flatMap((e) => {
          const m = this.#held.get(e.id);
          if (m === undefined) return [];
          const line = { at: e.receivedAt, frame: bookForm(m).frame };
          return [e.refused === undefined ? line : { ...line, refused: e.refused }];
        }),
      }));
  }

  entries(id: string): readonly RequestEntry[] {
    return this.#entries.get(id) ?? [];
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  #take(entry: RequestEntry, message: RequestMessage): void {
    if (this.#ids.has(entry.id)) return;
    this.#ids.add(entry.id);
    this.#held.set(entry.id, message);
    const id = requestIdOf(entry);
    const list = this.#entries.get(id) ?? [];
    list.push(entry);
    this.#entries.set(id, list);
    this.#views.delete(id);
  }

  #view(id: string): RequestView | undefined {
    const cached = this.#views.get(id);
    if (cached !== undefined) return cached;
    const entries = this.#entries.get(id);
    if (entries === undefined) return undefined;
    const view = requestState(id, entries, { kitArea: this.#o.kitArea });
    if (view !== undefined) this.#views.set(id, Object.freeze(view) as RequestView);
    return view;
  }
}

function entryOf(m: RequestMessage, receivedAt: number, refused?: string): RequestEntry {
  const base = {
    id: `${m.origin}/${m.seq}`,
    origin: m.origin,
    seq: m.seq,
    createdAt: m.createdAt,
    priority: m.priority,
    exercise: m.flags.includes('exercise'),
    receivedAt,
    ...(refused === undefined ? {} : { refused }),
  };
  return m.kind === 'request'
    ? { ...base, kind: 'request', body: m.body }
    : { ...base, kind: 'request-reply', body: m.body };
}
