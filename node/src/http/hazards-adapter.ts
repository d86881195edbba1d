/**
 * The HazardsService (hazards-service.ts) over the hazard ledger, the photo store and the node's
 * core (docs/hazards.md; docs/api.md §Hazards): a draft or a change is checked by the hazards
 * domain (node/src/domain/hazards/hazard-draft.ts), submitted to NodeCore as a hazard message
 * (stored, synced, routed), and recorded in the ledger. A kit's messages go to the centre; a change
 * made at the centre goes to the kit that reported the hazard, or, when that kit was lost, to the
 * kit that replaced it (docs/kits.md §Open items; `successorOf`), naming the hazard's area, since
 * the replacement holds neither the opening report nor the lost kit's area. On a drill node every
 * hazard and change goes as an exercise; a change carries the exercise flag of its hazard.
 *
 * Finding a write a restart cut short works as for reports (reports-adapter.ts): the mark is the
 * store's sequence counter, and a retry reads this node's hazard messages numbered above it for
 * one the same person made with the same content. Photos the first attempt had not yet moved under
 * the hazard are moved then.
 */

import { isKitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { Draft } from '../core/core-types.js';
import type { HazardView } from '../domain/hazards/hazard.js';
import type { HazardBook } from '../domain/hazards/hazard-book.js';
import { hazardCsv } from '../domain/hazards/hazard-csv.js';
import {
  checkHazardChange,
  checkHazardDraft,
  type HazardProblem,
  refOf,
} from '../domain/hazards/hazard-draft.js';
import { hazardLedger } from '../domain/hazards/hazard-ledger.js';
import type { HazardPhotoStore } from '../domain/hazards/hazard-photos.js';
import { nextStatuses, wireStatus } from '../domain/hazards/hazard-status.js';
import type { MessageStore } from '../store/message-store.js';
import type { HazardBody } from '../wire/kinds/hazard.js';
import { KINDS } from '../wire/kinds.js';
import { decodeFrame, type MessageOf } from '../wire/message.js';
import { ApiError } from './api-errors.js';
import { FilingsMade } from './filings-made.js';
import type {
  HazardApiView,
  HazardChangeInput,
  HazardDraftInput,
  HazardMade,
  HazardPhotoBytes,
  HazardsService,
  LedgerReport,
  PublicHazardView,
} from './hazards-service.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';

export interface HazardsAdapterOptions {
  book: HazardBook;
  /** Absent: this node keeps no photos (uploads are refused). */
  photos?: HazardPhotoStore;
  core: { submit(draft: Draft): Promise<string> };
  store: Pick<MessageStore, 'getKv' | 'getMeta' | 'getFrame'>;
  nodeId: number;
  /** This node is the county's centre: its changes go to the kit that reported the hazard. */
  centre: boolean;
  /**
   * At the centre: the kit that answers now for a kit that was lost (the kit board's `successorOf`,
   * node/src/composition/kit-succession.ts). Default: every kit answers for itself.
   */
  successorOf?: (kit: number) => number;
  /** The centre's nodes: a hazard reported at one of them has no kit to tell. */
  centreNodes: readonly number[];
  /** This kit's own area. */
  area?: number;
  /** A drill node: everything goes as an exercise. Default false. */
  drill?: boolean;
  /** A person's name by roster id. */
  personName: (id: number) => string | undefined;
  /** An area's name. */
  areaName: (code: number) => string | undefined;
  /** The county's zone, for the CSV. */
  timeZone: string;
  /** How long a hazard message is worth delivering, minutes. Default three days. */
  lifetimeMin?: number;
  log: Logger;
}

export class HazardsAdapter implements HazardsService {
  readonly #o: HazardsAdapterOptions;
  readonly #made: FilingsMade;

  constructor(o: HazardsAdapterOptions) {
    this.#o = o;
    this.#made = new FilingsMade(o.store, o.nodeId);
  }

  get keepsPhotos(): boolean {
    return this.#o.photos !== undefined;
  }

  defaultArea(): number | undefined {
    return this.#o.area;
  }

  mark(): Promise<FilingMark> {
    return this.#made.mark();
  }

  async file(draft: HazardDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<HazardMade> {
    const tokens = [...new Set(draft.photos ?? [])];
    const exercise = this.#o.drill === true || draft.exercise === true;
    if (earlier !== undefined) {
      const found = await this.#findMade(earlier, (m) => sameFiling(m, draft, by, exercise));
      if (found !== undefined) {
        this.#o.log.info(
          { msgId: found },
          'a hazard filing cut short by a restart was found; not filed again',
        );
        await this.#keepPhotos(found, tokens, by);
        return { hazard: this.#viewOf(found), message: found };
      }
    }
    const problems: HazardProblem[] = [];
    if (tokens.length > 0 && this.#o.photos === undefined)
      problems.push(photoProblem('photos', '本机不保存照片', 'this node keeps no photos'));
    else if (tokens.length > (this.#o.photos?.maxPerHazard ?? 0) && tokens.length > 0)
      problems.push(
        photoProblem(
          'photos',
          `一个隐患最多${this.#o.photos?.maxPerHazard}张照片`,
          `at most ${this.#o.photos?.maxPerHazard} photos a hazard`,
        ),
      );
    for (const [i, t] of tokens.entries())
      if (this.#o.photos !== undefined && !this.#o.photos.has(t, by.id))
        problems.push({
          code: 'HAZARD_FIELD_INVALID',
          field: `photos.${i}`,
          zh: '这张照片已不在本机，请重新上传',
          en: `photo ${t.slice(0, 8)}… is not waiting here for you: upload it again`,
        });
    const checked = checkHazardDraft(
      { ...draft },
      {
        reporter: by.id,
        ...(this.#o.area === undefined ? {} : { ownArea: this.#o.area }),
        photos: tokens.length,
      },
    );
    if (!checked.ok || problems.length > 0)
      throw rejected([...problems, ...(checked.ok ? [] : checked.problems)]);
    const id = await this.#o.core.submit(this.#draftOf(checked.body, exercise, { to: 'centre' }));
    await this.#recordLocal(id);
    await this.#keepPhotos(id, tokens, by);
    return { hazard: this.#viewOf(id), message: id };
  }

  async change(
    id: string,
    input: HazardChangeInput,
    by: ApiPerson,
    earlier?: FilingMark,
  ): Promise<HazardMade> {
    const hazard = this.#o.book.get(id);
    if (hazard === undefined) throw new ApiError('HAZARD_UNKNOWN', `no hazard ${id} here`, { status: 404 });
    if (earlier !== undefined) {
      const found = await this.#findMade(earlier, (m) => sameChange(m, id, input, by));
      if (found !== undefined) {
        this.#o.log.info(
          { msgId: found },
          'a hazard change cut short by a restart was found; not sent again',
        );
        return { hazard: this.#viewOf(id), message: found };
      }
    }
    const fromCentre = this.#o.centre;
    const checked = checkHazardChange(hazard, input, {
      by: by.id,
      ...(this.#o.area === undefined ? {} : { ownArea: this.#o.area }),
      fromCentre,
      ...(hazard.node === this.#o.nodeId ? { photos: this.#o.book.photos(id).length } : {}),
    });
    if (!checked.ok) {
      const moved = checked.problems.find((p) => p.code === 'HAZARD_STATUS_INVALID');
      if (moved !== undefined && checked.problems.length === 1)
        throw new ApiError('HAZARD_STATUS_INVALID', moved.en, {
          status: 409,
          problems: [{ field: moved.field, code: moved.code, message: moved.en, zh: moved.zh }],
        });
      throw rejected(checked.problems);
    }
    const toKit = fromCentre && !this.#o.centreNodes.includes(hazard.node);
    // A revoked kit is never delivered to again: its replacement carries the hazard on.
    const kit = toKit ? (this.#o.successorOf?.(hazard.node) ?? hazard.node) : undefined;
    const dest: Draft['dest'] = kit === undefined ? { to: 'centre' } : { to: 'node', node: kit };
    const body =
      kit !== undefined && kit !== hazard.node && hazard.area !== undefined
        ? { ...checked.body, area: hazard.area }
        : checked.body;
    const made = await this.#o.core.submit(this.#draftOf(body, hazard.exercise, dest));
    await this.#recordLocal(made);
    return { hazard: this.#viewOf(id), message: made };
  }

  get(id: string): HazardApiView | undefined {
    const h = this.#o.book.get(id);
    return h === undefined ? undefined : this.#apiView(h);
  }

  list(query: { scope: PermissionScope; status?: HazardView['status']; open?: boolean }): HazardApiView[] {
    return this.#o.book
      .list()
      .filter(
        (h) =>
          withinScope(query.scope, h.area) &&
          (query.status === undefined || h.status === query.status) &&
          (query.open !== true || h.status !== 'closed'),
      )
      .map((h) => this.#apiView(h));
  }

  ledger(query: {
    scope: PermissionScope;
    by: LedgerReport['by'];
    level?: LedgerReport['level'];
  }): LedgerReport {
    const exercise = this.#o.drill === true;
    const hazards = this.#o.book
      .list()
      .filter((h) => h.exercise === exercise && withinScope(query.scope, h.area));
    return {
      by: query.by,
      ...(query.by === 'area' ? { level: query.level ?? 'village' } : {}),
      exercise,
      items: hazardLedger(hazards, query.by, query.level === undefined ? {} : { level: query.level }),
    };
  }

  exportCsv(scope: PermissionScope): string {
    const exercise = this.#o.drill === true;
    const hazards = this.#o.book.list().filter((h) => h.exercise === exercise && withinScope(scope, h.area));
    return hazardCsv(hazards, {
      timeZone: this.#o.timeZone,
      personName: this.#o.personName,
      areaName: this.#o.areaName,
    });
  }

  publicList(): PublicHazardView[] {
    const exercise = this.#o.drill === true;
    return this.#o.book
      .list()
      .filter((h) => h.exercise === exercise)
      .map(publicHazardView)
      .filter((h): h is PublicHazardView => h !== undefined);
  }

  async stagePhoto(
    person: number,
    bytes: Uint8Array,
  ): Promise<{ token: string; type: string; bytes: number }> {
    if (this.#o.photos === undefined)
      throw new ApiError('API_NOT_FOUND', 'this node keeps no photos: they are kept at the kit that reports');
    try {
      return await this.#o.photos.stage(person, bytes);
    } catch (err) {
      throw asApiError(err);
    }
  }

  async photo(id: string, n: number): Promise<HazardPhotoBytes | undefined> {
    const record = this.#o.book.photos(id).find((p) => p.n === n);
    if (record === undefined || this.#o.photos === undefined) return undefined;
    const bytes = await this.#o.photos.read(id, record.file);
    return bytes === undefined ? undefined : { type: record.type, bytes };
  }

  /** The hazard's API view, with names and what may come next. */
  #apiView(h: HazardView): HazardApiView {
    const reportedByName = h.reportedBy === undefined ? undefined : this.#o.personName(h.reportedBy);
    return {
      ...h,
      steps: h.steps.map((s) => {
        const name = s.by === undefined ? undefined : this.#o.personName(s.by);
        return name === undefined ? s : { ...s, byName: name };
      }),
      ...(reportedByName === undefined ? {} : { reportedByName }),
      photoNumbers: this.#o.book.photos(h.id).map((p) => p.n),
      next: nextStatuses(h.status),
    };
  }

  #viewOf(id: string): HazardApiView {
    const [origin, seq] = id.split('/').map(Number) as [number, number];
    const m = this.#o.book.entries(id).find((e) => e.origin === origin && e.seq === seq);
    const hazardId = m?.body.previous === undefined ? id : `${m.body.previous.origin}/${m.body.previous.seq}`;
    const h = this.#o.book.get(hazardId);
    if (h === undefined) throw new TypeError(`hazard ${hazardId} was recorded but is not in the ledger`);
    return this.#apiView(h);
  }

  #draftOf(body: HazardBody, exercise: boolean, dest: Draft['dest']): Draft<'hazard'> {
    return {
      kind: 'hazard',
      body,
      dest,
      priority: 1,
      lifetimeMin: this.#o.lifetimeMin ?? 3 * 24 * 60,
      flags: exercise ? ['exercise'] : [],
    };
  }

  async #recordLocal(id: string): Promise<void> {
    const message = await this.#message(id);
    if (message === undefined)
      throw new TypeError(`hazard message ${id} was submitted but is not in the store`);
    await this.#o.book.record(message, { local: true });
  }

  /** Moves the photos a filing names under its hazard, skipping those moved already. */
  async #keepPhotos(id: string, tokens: readonly string[], by: ApiPerson): Promise<void> {
    const photos = this.#o.photos;
    if (photos === undefined) return;
    let n = this.#o.book.photos(id).length;
    for (const token of tokens) {
      if (!photos.has(token, by.id)) continue;
      n++;
      const kept = await photos.keep(token, by.id, id, n);
      await this.#o.book.photoKept({ t: 'photo', hazard: id, n, ...kept, by: by.id, at: Date.now() });
    }
  }

  async #message(id: string): Promise<MessageOf<'hazard'> | undefined> {
    const frame = await this.#o.store.getFrame(id);
    if (frame === undefined) return undefined;
    const message = decodeFrame(frame).message;
    return message?.kind === 'hazard' ? message : undefined;
  }

  /** The id of a hazard message this node made after `mark` that `same` recognises, if any. */
  async #findMade(mark: FilingMark, same: (m: MessageOf<'hazard'>) => boolean): Promise<string | undefined> {
    for await (const id of this.#made.since(mark, KINDS.hazard.code)) {
      const message = await this.#message(id);
      if (message !== undefined && same(message)) {
        await this.#o.book.record(message, { local: true });
        return id;
      }
    }
    return undefined;
  }
}

/** A hazard as anyone may see it, or undefined when it is not for the public (docs/hazards.md §The public map). */
export function publicHazardView(h: HazardView): PublicHazardView | undefined {
  if (h.status !== 'verified' && h.status !== 'handled') return undefined;
  return {
    id: h.id,
    hazard: h.hazard,
    severity: h.severity,
    status: h.status,
    ...(h.area === undefined ? {} : { area: h.area }),
    ...(h.point === undefined ? {} : { point: { lat: h.point.lat, lon: h.point.lon } }),
    reportedAt: h.reportedAt,
    exercise: h.exercise,
  };
}

function sameFiling(m: MessageOf<'hazard'>, d: HazardDraftInput, by: ApiPerson, exercise: boolean): boolean {
  const b = m.body;
  return (
    b.previous === undefined &&
    b.reporter === by.id &&
    b.hazard === d.hazard &&
    b.severity === d.severity &&
    (b.description ?? '') === (d.description?.trim() ?? '') &&
    exercise === m.flags.includes('exercise')
  );
}

function sameChange(m: MessageOf<'hazard'>, id: string, c: HazardChangeInput, by: ApiPerson): boolean {
  const b = m.body;
  const ref = refOf(id);
  return (
    b.previous?.origin === ref.origin &&
    b.previous.seq === ref.seq &&
    b.reporter === by.id &&
    b.status === wireStatus(c.status)
  );
}

function photoProblem(field: string, zh: string, en: string): HazardProblem {
  return { code: 'HAZARD_FIELD_INVALID', field, zh, en };
}

function rejected(problems: readonly HazardProblem[]): ApiError {
  return new ApiError(
    'HAZARD_REJECTED',
    `the hazard was not sent: ${problems.map((p) => `${p.field}: ${p.en}`).join('; ')}`,
    {
      status: 400,
      problems: problems.map((p) => ({ field: p.field, code: p.code, message: p.en, zh: p.zh })),
    },
  );
}

/** The photo store's refusals as the API answers them. */
function asApiError(err: unknown): unknown {
  if (!isKitError(err)) return err;
  const status: Record<string, number> = {
    HAZARD_PHOTO_INVALID: 415,
    HAZARD_PHOTO_TOO_LARGE: 413,
    HAZARD_PHOTOS_FULL: 507,
  };
  const s = status[err.code];
  return s === undefined ? err : new ApiError(err.code, err.message, { status: s, cause: err });
}
