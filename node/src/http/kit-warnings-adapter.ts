/**
 * The WarningsService (warnings-service.ts) at a kit (docs/api.md §Warnings; docs/warnings.md §The
 * kit's warning book, §The alarm at the kit): over the kit's warning book
 * (node/src/domain/warnings/kit/), which keeps the warnings delivered here, sounds them, and sends
 * the answers people make here. A kit issues nothing and keeps no board: those routes say so.
 */
import { KitError } from '../base/errors.js';
import type { AreaDirectory } from '../domain/roster/area-directory.js';
import type { KitWarningRecord, KitWarnings } from '../domain/warnings/kit/kit-warnings.js';
import '../domain/warnings/warning-errors.js';
import type { MessageOf } from '../wire/message.js';
import { ApiError } from './api-errors.js';
import type { FeedEvent } from './event-hub.js';
import type { ApiPerson, PermissionScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';
import { inForce, publicWarningView } from './warning-public-view.js';
import { warningView } from './warning-views.js';
import type {
  AlarmView,
  AnswerInput,
  AnswerResult,
  CallBoardView,
  CallView,
  CapImportResultView,
  PublicWarningView,
  WarningPreview,
  WarningsService,
  WarningView,
} from './warnings-service.js';

export interface KitWarningsServiceOptions {
  book: KitWarnings;
  areas: AreaDirectory;
  now: () => number;
  emit: (event: FeedEvent) => void;
}

const MAX_NOTE_BYTES = 200;
const AT_THE_CENTRE = 'warnings are issued, and their 叫应 board kept, at the county centre';

export class KitWarningsService implements WarningsService {
  readonly role = 'kit' as const;
  readonly #o: KitWarningsServiceOptions;

  constructor(o: KitWarningsServiceOptions) {
    this.#o = o;
  }

  /** The book's warning changed: its view and the alarm go to the event streams. */
  changed(id: string): void {
    const w = this.#o.book.get(id);
    if (w !== undefined) this.#o.emit({ type: 'warning', warning: viewOf(w) });
    this.#o.emit({ type: 'alarm', alarm: this.alarm() });
  }

  canIssue(): boolean {
    return false;
  }

  async issueMark(): Promise<FilingMark> {
    return null;
  }

  async issue(): Promise<WarningView> {
    throw new KitError('WARNING_NO_ISSUER', `this kit holds no issuer key: ${AT_THE_CENTRE}`);
  }

  async preview(): Promise<WarningPreview> {
    throw new KitError('WARNING_NO_ISSUER', `this kit holds no issuer key: ${AT_THE_CENTRE}`);
  }

  async list(query: { scope: PermissionScope; active: boolean }): Promise<WarningView[]> {
    const now = this.#o.now();
    // Every warning delivered here is for this kit's area: anyone here who may read one reads all.
    return this.#o.book
      .list()
      .map(viewOf)
      .filter((v) => !query.active || inForce(v, now));
  }

  async get(id: string): Promise<WarningView | undefined> {
    const w = this.#o.book.get(id);
    return w === undefined ? undefined : viewOf(w);
  }

  async answer(id: string, by: ApiPerson, input: AnswerInput): Promise<AnswerResult> {
    // The ack carries at most 200 bytes of note (docs/wire-format.md §ack): Chinese is 3 bytes a character.
    if (input.note !== undefined && Buffer.byteLength(input.note) > MAX_NOTE_BYTES)
      throw new ApiError('WARNING_REJECTED', 'the answer was not sent: its note is over 200 bytes', {
        problems: [
          {
            field: 'note',
            message: `at most ${MAX_NOTE_BYTES} bytes (66 Chinese characters); this one is ${Buffer.byteLength(input.note)}`,
            zh: `说明最多${MAX_NOTE_BYTES}字节（约66个汉字）`,
          },
        ],
      });
    const { sending } = await this.#o.book.answer(id, by.id, input);
    return { warning: id, person: by.id, state: input.state, sending };
  }

  async calls(): Promise<CallBoardView | undefined> {
    return undefined;
  }

  async unanswered(): Promise<CallView[]> {
    return [];
  }

  async callRecordCsv(): Promise<string | undefined> {
    return undefined;
  }

  async exportCap(): Promise<string | undefined> {
    return undefined;
  }

  async importCap(): Promise<CapImportResultView> {
    throw new KitError(
      'WARNING_NO_ISSUER',
      'CAP is imported at the county centre, which forwards it as a warning',
    );
  }

  async publicActive(): Promise<PublicWarningView[]> {
    const now = this.#o.now();
    const names = new Map(this.#o.areas.list().map((a) => [a.code, a.name]));
    return this.#o.book
      .list()
      .map(viewOf)
      .filter((v) => inForce(v, now))
      .map((v) => publicWarningView(v, names));
  }

  alarm(): AlarmView {
    const awaiting = this.#o.book.awaitingAnswer();
    const sounding = this.#o.book.list().find((w) => w.alarm === 'sounding');
    return {
      ...(sounding === undefined
        ? {}
        : {
            sounding: {
              warning: sounding.id,
              colour: sounding.message.body.colour,
              exercise: sounding.exercise,
            },
          }),
      unanswered: awaiting,
    };
  }
}

/** A record of the book as the API's view. */
function viewOf(w: KitWarningRecord): WarningView {
  return {
    ...warningView({ kind: 'warning', clockUntrusted: false, ...w.message } as MessageOf<'warning'>, {
      id: w.id,
      thread: w.thread,
      status: w.status,
      recordedAt: w.receivedAt,
    }),
    here: {
      persons: w.persons.map((p) => ({
        person: p.person,
        ...(p.name === undefined ? {} : { name: p.name }),
        state: p.state,
        ...(p.evacuated === undefined ? {} : { evacuated: p.evacuated }),
        ...(p.notified === undefined ? {} : { notified: p.notified }),
      })),
      ...(w.alarm === undefined ? {} : { alarm: w.alarm }),
    },
  };
}
