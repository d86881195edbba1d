/**
 * The SheltersService (shelters-service.ts) over the shelter book and the node's core
 * (docs/shelters.md; docs/shelters.md §The API): a count or a check-in at a kit becomes a roll-call
 * (kind 7) carrying the shelter's new absolute head count, and the check-in by registration id,
 * submitted to NodeCore (stored, synced, routed to the centre) and recorded in the book. A node's
 * writes to its book go one at a time, so two counts at once never start from the same figure.
 *
 * Finding a write a restart cut short works as for reports (reports-adapter.ts): a retry reads this
 * node's roll-calls numbered above the mark for one the same person made at the same shelter, with
 * the same check-in.
 */
import type { Logger } from '../base/logger.js';
import type { Draft } from '../core/core-types.js';
import type { AreaLevel } from '../domain/reports/area-levels.js';
import type { ExpectedPerson } from '../domain/shelters/shelter.js';
import { type Checked, checkedKey, publicShelterView, type ShelterView } from '../domain/shelters/shelter.js';
import type { ShelterBook } from '../domain/shelters/shelter-book.js';
import { shelterCsv } from '../domain/shelters/shelter-csv.js';
import { shelterTotals, unaccounted } from '../domain/shelters/shelter-figures.js';
import type { MessageStore } from '../store/message-store.js';
import type { RollcallBody } from '../wire/kinds/rollcall.js';
import { KINDS } from '../wire/kinds.js';
import { decodeFrame, type MessageOf } from '../wire/message.js';
import { ApiError } from './api-errors.js';
import { FilingsMade } from './filings-made.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';
import type {
  CheckinInput,
  ShelterCountInput,
  ShelterMade,
  SheltersReport,
  SheltersService,
} from './shelters-service.js';

export interface SheltersAdapterOptions {
  book: ShelterBook;
  /** The villages' evacuation lists (configuration; the centre's). */
  expected: readonly ExpectedPerson[];
  core: { submit(draft: Draft): Promise<string> };
  store: Pick<MessageStore, 'getKv' | 'getMeta' | 'getFrame'>;
  nodeId: number;
  /** The county's centre takes counts from the shelters' kits and makes none. */
  centre: boolean;
  /** A drill node: its roll-calls go as exercises. */
  drill?: boolean;
  areaName: (code: number) => string | undefined;
  timeZone: string;
  /** How long a roll-call is worth delivering, minutes. Default a day: the next one repeats it. */
  lifetimeMin?: number;
  log: Logger;
}

export class SheltersAdapter implements SheltersService {
  readonly #o: SheltersAdapterOptions;
  readonly #made: FilingsMade;
  /** The writes, one after the other. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(o: SheltersAdapterOptions) {
    this.#o = o;
    this.#made = new FilingsMade(o.store, o.nodeId);
  }

  site(number: number) {
    return this.#o.book.site(number);
  }

  mark(): Promise<FilingMark> {
    return this.#made.mark();
  }

  count(number: number, input: ShelterCountInput, by: ApiPerson, earlier?: FilingMark): Promise<ShelterMade> {
    return this.#write(
      number,
      by,
      earlier,
      (m) => m.body.checkins === undefined,
      (held) => {
        const come = input.in ?? 0;
        const gone = input.out ?? 0;
        if (come === 0 && gone === 0) throw rejected('nobody counted in or out: give `in` or `out` above 0');
        if (gone > held.present + come)
          throw rejected(
            `${gone} counted out of shelter ${number}, which holds ${held.present}${come > 0 ? ` and ${come} coming in` : ''}: count again`,
          );
        return { present: held.present + come - gone, arrived: held.arrived + come };
      },
    );
  }

  checkin(number: number, input: CheckinInput, by: ApiPerson, earlier?: FilingMark): Promise<ShelterMade> {
    if ((input.registration === undefined) === (input.person === undefined))
      throw new ApiError(
        'SHELTER_REJECTED',
        'name the person by `registration` (登记号) or by `person` (roster id): one of the two',
        { status: 400 },
      );
    const who: Checked =
      input.registration === undefined
        ? { person: input.person as number }
        : { registration: input.registration };
    const key = checkedKey(who);
    const named = 'registration' in who ? `registration ${who.registration}` : `roster id ${who.person}`;
    const sameCheckin = (m: MessageOf<'rollcall'>) =>
      m.body.checkins?.some((c) => checkedKey(c) === key && c.movement === input.movement) === true;
    return this.#write(number, by, earlier, sameCheckin, (held) => {
      const last = this.#o.book.lastMovement(who, number)?.movement;
      if (input.movement === 'in' && last === 'in')
        throw rejected(`${named} is checked in at shelter ${number} already`);
      if (input.movement === 'out' && last !== 'in')
        throw rejected(`${named} is not checked in at shelter ${number}: nothing to check out`);
      const checkins: NonNullable<RollcallBody['checkins']> = [
        {
          ...who,
          movement: input.movement,
          ...(input.flags === undefined || input.flags.length === 0 ? {} : { flags: input.flags }),
        },
      ];
      return input.movement === 'in'
        ? { present: held.present + 1, arrived: held.arrived + 1, checkins }
        : { present: Math.max(0, held.present - 1), arrived: held.arrived, checkins };
    });
  }

  list(query: { scope: PermissionScope; level: AreaLevel }): SheltersReport {
    const items = this.#visible(query.scope);
    const { rows, total } = shelterTotals(items, query.level);
    const seen = new Set(items.map((s) => s.number));
    return {
      level: query.level,
      items,
      totals: rows,
      total,
      duplicates: this.#o.book.duplicates().filter((d) => d.shelters.some((s) => seen.has(s.number))),
    };
  }

  unaccounted(scope: PermissionScope) {
    const visible = (area: number) => withinScope(scope, area);
    return {
      items: unaccounted(this.#o.expected, (who) => this.#o.book.everCheckedIn(who), visible),
      listed: this.#o.expected.filter((p) => visible(p.area)).length,
    };
  }

  exportCsv(scope: PermissionScope): string {
    return shelterCsv(this.#visible(scope), { timeZone: this.#o.timeZone, areaName: this.#o.areaName });
  }

  publicList() {
    return this.#o.book
      .shelters()
      .filter((s) => s.registered)
      .map(publicShelterView);
  }

  #visible(scope: PermissionScope): ShelterView[] {
    return this.#o.book.shelters().filter((s) => withinScope(scope, s.area));
  }

  /** One write: find what an earlier attempt made, or take the next counts from `next` and send them. */
  #write(
    number: number,
    by: ApiPerson,
    earlier: FilingMark | undefined,
    same: (m: MessageOf<'rollcall'>) => boolean,
    next: (held: {
      present: number;
      arrived: number;
    }) => Pick<RollcallBody, 'present' | 'arrived' | 'checkins'>,
  ): Promise<ShelterMade> {
    const run = async (): Promise<ShelterMade> => {
      if (this.#o.book.site(number) === undefined)
        throw new ApiError(
          'SHELTER_UNKNOWN',
          `no shelter ${number} in this node's registry (shelters.sites)`,
          {
            status: 404,
          },
        );
      if (this.#o.centre)
        throw rejected(`the centre takes shelter ${number}'s counts from the shelter's kit, and makes none`);
      if (earlier !== undefined) {
        const found = await this.#findMade(
          earlier,
          (m) => m.body.shelter === number && m.body.person === by.id && same(m),
        );
        if (found !== undefined) {
          this.#o.log.info(
            { msgId: found },
            'a shelter count cut short by a restart was found; not sent again',
          );
          return { shelter: this.#o.book.shelter(number) as ShelterView, message: found };
        }
      }
      const view = this.#o.book.shelter(number) as ShelterView;
      const body: RollcallBody = { shelter: number, ...next(view), person: by.id };
      const id = await this.#o.core.submit({
        kind: 'rollcall',
        body,
        dest: { to: 'centre' },
        priority: 2,
        lifetimeMin: this.#o.lifetimeMin ?? 24 * 60,
        ...(this.#o.drill === true ? { flags: ['exercise'] } : {}),
      });
      const message = await this.#message(id);
      if (message === undefined) throw new TypeError(`roll-call ${id} was submitted but is not in the store`);
      await this.#o.book.record(message);
      return { shelter: this.#o.book.shelter(number) as ShelterView, message: id };
    };
    const done = this.#queue.then(run, run);
    this.#queue = done.catch(() => {});
    return done;
  }

  async #message(id: string): Promise<MessageOf<'rollcall'> | undefined> {
    const frame = await this.#o.store.getFrame(id);
    const message = frame === undefined ? undefined : decodeFrame(frame).message;
    return message?.kind === 'rollcall' ? message : undefined;
  }

  async #findMade(
    mark: FilingMark,
    same: (m: MessageOf<'rollcall'>) => boolean,
  ): Promise<string | undefined> {
    for await (const id of this.#made.since(mark, KINDS.rollcall.code)) {
      const message = await this.#message(id);
      if (message !== undefined && same(message)) {
        await this.#o.book.record(message);
        return id;
      }
    }
    return undefined;
  }
}

function rejected(why: string): ApiError {
  return new ApiError('SHELTER_REJECTED', why, { status: 409 });
}
