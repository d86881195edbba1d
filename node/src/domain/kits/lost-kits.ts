/**
 * A lost or stolen kit at the centre (docs/kits.md §A lost or stolen kit; docs/security.md
 * §Revocation; docs/control-messages.md): the duty officer revokes it, and later names the kit that
 * replaces it.
 *
 * - **Revoke**: a control message signed with the centre's issuer key (as the warning desk signs
 *   warnings) lists the kit in `revokeNodes`, with every kit revoked before (a late control message
 *   is dropped whole at a node that applied a newer one, so the standing revocations ride along
 *   every time), to everyone. The core applies it here before it stores it, so the centre refuses
 *   the kit's frames at once (`AUTH_REVOKED`); every node that hears it does the same.
 * - **Replace**: a kit enrolled for the same area (keys.nodes) takes over. The lost kit's open
 *   incidents name it from then on (IncidentBook.handOver); every warning in force whose calls on the
 *   lost kit are unanswered is sent to it, so its people hear and answer it there; the area's roster
 *   goes to it in a signed control message (with the standing revocations again), and an area of
 *   more people than one message carries is refused before anything changes; the kit board and
 *   the warning desk follow the lost kit to it (kit-board.ts successorOf). The lost kit's open
 *   requests, the open tasks of a lost team kit, the shelters whose latest count it made and its
 *   open hazards are named in the result and the audit: their replies, steps and changes follow the
 *   kit board to the new kit (request-adapter.ts, request-acceptance.ts, hazards-adapter.ts), the
 *   shelters' figures stay as they were counted.
 *   What the new kit itself needs to carry on, the open incidents and those items' messages, is the
 *   handover file (kit-handover.ts).
 *
 * Both are audited (`kit.revoked`, `kit.replaced`), by the person signed in or, from the command
 * line, `system`.
 */
import { KitError } from '../../base/errors.js';
import type { Logger } from '../../base/logger.js';
import type { Draft } from '../../core/core-types.js';
import type { Authenticator } from '../../wire/message.js';
import type { AuditActor, AuditSink } from '../audit/audit-entry.js';
import type { AirRoster } from '../roster/air-roster.js';
import type { KitBoard, KitState } from './kit-board.js';
import './kits-audit-actions.js';
import './kits-errors.js';

/** The most node ids one control message may revoke (docs/wire-format.md §4.5). */
export const MAX_REVOKE_NODES = 64;
/**
 * The most persons one control message's roster may carry (docs/wire-format.md §4.5). A roster
 * replaces the kit's whole, so it cannot be sent in parts: a larger area's is refused, not cut.
 */
export const MAX_ROSTER_PERSONS = 64;
/** A revocation must reach kits that are away for days: it lives a week. */
export const REVOCATION_LIFETIME_MIN = 7 * 24 * 60;
/** The roster sent to a replacement kit lives a day. */
export const ROSTER_LIFETIME_MIN = 24 * 60;

/** The issuer this centre signs control messages as: its key must hold the `control` power. */
export type ControlIssuer = { id: number; sign: Authenticator } | { missing: string };

export interface LostKitsOptions {
  board: KitBoard;
  /** Makes, signs and stores a message (NodeCore.submit); resolves to its id. */
  submit: (draft: Draft, auth: Authenticator) => Promise<string>;
  issuer: ControlIssuer;
  /** Hands the open incidents of `from` to `to`; resolves to their ids. */
  handOver: (from: number, to: number) => Promise<string[]>;
  /** The roster of an area as a control message carries it. */
  roster: (area: number) => AirRoster;
  /**
   * The warnings in force with calls still unanswered that were placed on `kit` (the warning
   * desk's 未叫应 list). Default: none.
   */
  openWarnings?: (kit: number) => Promise<string[]>;
  /** The open requests `kit` made (neither released nor declined), by id. Default: none. */
  openRequests?: (kit: number) => Promise<string[]>;
  /** The open tasks of team kit `kit`, by id. Default: none. */
  openTasks?: (kit: number) => Promise<string[]>;
  /** The shelters whose latest count `kit` made, by number. Default: none. */
  countedShelters?: (kit: number) => Promise<number[]>;
  /** The hazards `kit` reported that are not yet handled or closed, by id. Default: none. */
  openHazards?: (kit: number) => Promise<string[]>;
  /** Sends a stored message toward a node now (NodeCore.sendToward); resolves to the links it went on. */
  sendToward?: (id: string, node: number) => Promise<string[]>;
  audit?: AuditSink;
  now: () => number;
  log: Logger;
}

export interface Revoked {
  kit: KitState;
  /** The control message that revokes it. */
  control: string;
}

export interface Replaced {
  kit: KitState;
  replacement: KitState;
  /** The incidents handed over. */
  incidents: string[];
  /** The warnings in force whose unanswered calls were on the lost kit, sent to the new one. */
  warnings: string[];
  /** The lost kit's open requests: their replies go to the new kit, whose own steps stand for them. */
  requests: string[];
  /** The lost team kit's open tasks: the new kit takes their next steps. */
  tasks: string[];
  /** The shelters whose latest count the lost kit made: counted still, the new kit counts on. */
  shelters: number[];
  /** The lost kit's open hazards: the centre's changes go to the new kit, whose people may handle them. */
  hazards: string[];
  /** The control message that took the area's roster to the new kit, when the area has one. */
  control?: string;
}

export class LostKits {
  readonly #o: LostKitsOptions;
  /** One action at a time: two revocations at once would each leave the other out of its list. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(o: LostKitsOptions) {
    this.#o = o;
  }

  /**
   * Revokes `kit`: signs and stores the control message, then records it.
   * @throws KitError KIT_UNKNOWN, KIT_REVOKED, KIT_NO_ISSUER; the core's STORE_FULL.
   */
  revoke(kit: number, who: AuditActor): Promise<Revoked> {
    return this.#serial(async () => {
      const state = this.#known(kit);
      if (state.revoked !== undefined)
        throw new KitError(
          'KIT_REVOKED',
          `kit ${kit} was revoked already, at ${new Date(state.revoked.at).toISOString()}`,
        );
      const issuer = this.#issuer();
      const revokeNodes = this.#standing(kit);
      const control = await this.#o.submit(
        {
          kind: 'control',
          body: { issuer: issuer.id, time: this.#seconds(), revokeNodes },
          dest: { to: 'all' },
          priority: 1,
          lifetimeMin: REVOCATION_LIFETIME_MIN,
        },
        issuer.sign,
      );
      const after = await this.#o.board.recordRevoked(kit, who, control);
      this.#o.log.warn(
        { kit, control, revokeNodes },
        `kit ${kit} revoked: its frames are refused from now on`,
      );
      await this.#audit({
        actor: who,
        action: 'kit.revoked',
        subject: `node:${kit}`,
        details: { control, revokeNodes, ...(who === 'system' ? { via: 'command line' } : {}) },
      });
      return { kit: after, control };
    });
  }

  /**
   * Names `by` as the kit that carries on for the revoked `kit`: its open incidents go to `by`, the
   * area's roster is sent to `by`, and the board follows `kit` to `by`.
   * @throws KitError KIT_UNKNOWN, KIT_NOT_REVOKED, KIT_REPLACEMENT_INVALID, KIT_NO_ISSUER; STORE_FULL.
   */
  replace(kit: number, by: number, who: AuditActor): Promise<Replaced> {
    return this.#serial(async () => {
      const lost = this.#known(kit);
      if (lost.revoked === undefined)
        throw new KitError(
          'KIT_NOT_REVOKED',
          `kit ${kit} is not revoked: revoke it first, then name its replacement`,
        );
      const next = this.#o.board.kit(by);
      const problem = replacementProblem(lost, by, next);
      if (problem !== undefined) throw new KitError('KIT_REPLACEMENT_INVALID', problem);
      const issuer = this.#issuer();
      // Checked before anything changes: a refusal leaves the incidents and calls where they were.
      const roster = lost.area === undefined ? undefined : this.#rosterFor(lost.area, by);
      const incidents = await this.#o.handOver(kit, by);
      // The warnings the lost kit's people have not answered: the new kit sounds them for its area.
      const warnings = (await this.#o.openWarnings?.(kit)) ?? [];
      for (const id of warnings) await this.#o.sendToward?.(id, by);
      // Named so the duty officer and the audit see what the new kit answers for now; the replies
      // and steps follow the board's successorOf, and the new kit's book gets them from the
      // handover file.
      const requests = (await this.#o.openRequests?.(kit)) ?? [];
      const tasks = (await this.#o.openTasks?.(kit)) ?? [];
      const shelters = (await this.#o.countedShelters?.(kit)) ?? [];
      const hazards = (await this.#o.openHazards?.(kit)) ?? [];
      let control: string | undefined;
      if (roster !== undefined) {
        control = await this.#o.submit(
          {
            kind: 'control',
            body: { issuer: issuer.id, time: this.#seconds(), roster, revokeNodes: this.#standing() },
            dest: { to: 'node', node: by },
            priority: 1,
            lifetimeMin: ROSTER_LIFETIME_MIN,
          },
          issuer.sign,
        );
      }
      const after = await this.#o.board.recordReplaced(kit, by, who, incidents, control);
      this.#o.log.warn(
        { kit, by, incidents, warnings, requests, tasks, shelters, hazards, control },
        `kit ${by} carries on for the lost kit ${kit}: ${incidents.length} open incidents handed over, ${warnings.length} unanswered warnings sent to it, ${requests.length} open requests, ${tasks.length} open tasks, ${shelters.length} shelters, ${hazards.length} open hazards`,
      );
      await this.#audit({
        actor: who,
        action: 'kit.replaced',
        subject: `node:${kit}`,
        details: {
          by,
          incidents: incidents.slice(0, 20),
          handedOver: incidents.length,
          warnings: warnings.slice(0, 20),
          requests: requests.slice(0, 20),
          tasks: tasks.slice(0, 20),
          shelters: shelters.slice(0, 20),
          hazards: hazards.slice(0, 20),
          ...(control === undefined ? {} : { control }),
          ...(who === 'system' ? { via: 'command line' } : {}),
        },
      });
      return {
        kit: after,
        replacement: this.#o.board.kit(by) as KitState,
        incidents,
        warnings,
        requests,
        tasks,
        shelters,
        hazards,
        ...(control === undefined ? {} : { control }),
      };
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  #known(kit: number): KitState {
    const state = this.#o.board.kit(kit);
    if (state === undefined || (!state.enrolled && state.revoked === undefined))
      throw new KitError(
        'KIT_UNKNOWN',
        `no kit ${kit} is enrolled here: the kits are keys.nodes of this centre's configuration`,
      );
    return state;
  }

  /**
   * The area's roster as one control message carries it.
   * @throws KitError KIT_REPLACEMENT_INVALID when it has more persons than one message carries.
   */
  #rosterFor(area: number, by: number): AirRoster {
    const roster = this.#o.roster(area);
    if (roster.persons.length > MAX_ROSTER_PERSONS)
      throw new KitError(
        'KIT_REPLACEMENT_INVALID',
        `area ${area} has ${roster.persons.length} persons on the roster, more than the ${MAX_ROSTER_PERSONS} one control message carries (docs/wire-format.md §4.5), and a roster sent again replaces the kit's whole, so it cannot go in parts: nothing was changed. Bring the people of area ${area} (roster.people whose areas lie within it) to ${MAX_ROSTER_PERSONS} or fewer, then name kit ${by} again`,
      );
    return roster;
  }

  #issuer(): { id: number; sign: Authenticator } {
    const issuer = this.#o.issuer;
    if ('missing' in issuer) throw new KitError('KIT_NO_ISSUER', issuer.missing);
    return issuer;
  }

  /** The revoked kits with `adding`, newest last, the newest 64 when there are more. */
  #standing(adding?: number): number[] {
    const revoked = this.#o.board
      .kits()
      .filter((k) => k.revoked !== undefined)
      .sort((a, b) => (a.revoked?.at ?? 0) - (b.revoked?.at ?? 0))
      .map((k) => k.id);
    if (adding !== undefined) revoked.push(adding);
    return revoked.slice(-MAX_REVOKE_NODES);
  }

  #seconds(): number {
    return Math.floor(this.#o.now() / 1000);
  }

  async #audit(draft: Parameters<AuditSink['append']>[0]): Promise<void> {
    try {
      await this.#o.audit?.append(draft);
    } catch (err) {
      this.#o.log.error(
        { err, action: draft.action },
        'the audit entry could not be written; the action stands',
      );
    }
  }
}

/** Why `by` cannot carry on for `lost`, in words; undefined when it can. */
function replacementProblem(lost: KitState, by: number, next: KitState | undefined): string | undefined {
  if (by === lost.id)
    return `kit ${by} cannot replace itself: a recovered kit is enrolled again under a new id`;
  if (next === undefined || !next.enrolled)
    return `kit ${by} is not enrolled here: add it to keys.nodes with area ${lost.area ?? '(the lost kit’s)'} and restart the centre (docs/keys.md §Enrolment step by step)`;
  if (next.revoked !== undefined) return `kit ${by} is revoked itself`;
  if (next.replacedBy !== undefined) return `kit ${by} was replaced itself, by kit ${next.replacedBy.kit}`;
  if (lost.replacedBy !== undefined)
    return `kit ${lost.id} was replaced already, by kit ${lost.replacedBy.kit}`;
  if (lost.area !== undefined && next.area !== lost.area)
    return `kit ${by} is enrolled for area ${next.area ?? '(none)'}, not the lost kit's area ${lost.area}: a replacement serves the same area`;
  return undefined;
}
