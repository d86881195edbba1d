/**
 * The centre's warning desk (docs/warnings.md §Issuing, §The board, §Escalation): issues, updates
 * and cancels warnings signed with this centre's issuer key, opens a call for each person who must
 * answer, takes in the kits' receipts and answers, and carries out the escalation when its time
 * comes: send again toward a kit that has not confirmed, ask a kit to sound again, call the
 * superiors. Everything it acts on is journalled first (desk-journal.ts) and replayed at start into
 * the same state (desk-state.ts), so a restart keeps the board and never takes a step twice.
 *
 * It reaches the air only through the core it is given (submit, sendToward), and reads no clock
 * but the one it is given.
 */
import { KitError } from '../../../base/errors.js';
import { JsonLinesFile } from '../../../base/json-lines-file.js';
import type { Logger } from '../../../base/logger.js';
import { RearmableTimer } from '../../../base/rearmable-timer.js';
import type { Draft } from '../../../core/core-types.js';
import type { Destination } from '../../../wire/envelope.js';
import { MAX_LIFETIME_MIN } from '../../../wire/envelope.js';
import type { MessageRef } from '../../../wire/field-codecs.js';
import type { WarningBody } from '../../../wire/kinds/warning.js';
import type { Authenticator, Message, MessageOf } from '../../../wire/message.js';
import { decodeFrame } from '../../../wire/message.js';
import type { Person, RosterId } from '../../roster/person.js';
import type { Call } from '../call.js';
import type { PlacedTarget } from '../call-board.js';
import { callTargets, kitServing, type ServingKit } from '../call-targets.js';
import { type CancelResend, cancelResendsDue } from '../cancel-delivery.js';
import {
  DEFAULT_ESCALATION,
  DEFAULT_RESEND_AFTER_MS,
  type EscalationAction,
  type EscalationPolicy,
  escalationDue,
} from '../escalation.js';
import { superiorsOf } from '../superiors.js';
import '../warning-errors.js';
import { type DeskRecord, type ImportedFrom, isDeskRecord } from './desk-journal.js';
import { DeskState, type DeskWarning, type DeskWarningStatus } from './desk-state.js';
import { type Composed, composeWarning, type WarningDraft } from './warning-compose.js';

export type { DeskWarning, DeskWarningStatus };

export interface WarningDeskOptions {
  nodeId: number;
  /** The journal, <data_dir>/warning-desk.jsonl. */
  file: string;
  core: {
    submit(draft: Draft, auth?: Authenticator): Promise<string>;
    sendToward(id: string, node: number): Promise<string[]>;
  };
  /** Reads a frame the core stored (the warning just submitted, or one a restart cut short). */
  frame(id: string): Promise<Uint8Array | undefined>;
  /** The issuer this centre signs as; absent: it cannot issue. */
  issuer?: { id: number; sign: Authenticator };
  /** The county's roster now. */
  people: () => readonly Person[];
  /** The kits and the areas they serve (keys.nodes). */
  kits: readonly ServingKit[];
  policy?: EscalationPolicy;
  /** The expected time for a send to `kit` to be confirmed: the least time between two sends. */
  latencyMs: (kit: number) => number;
  /** Unix ms. */
  now: () => number;
  /** A drill centre issues every warning as a drill (docs/ui.md §Drill mode). */
  drill: boolean;
  /** A warning's calls changed (a new warning, a receipt, an answer, a step). */
  changed?: (warning: string) => void;
  /** An escalation step was taken: the centre's alarm hears of it (a new 未叫应 past its time). */
  escalated?: (action: EscalationAction, call: Call | undefined) => void;
  /** Timers; default the system's, unref'd. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  log: Logger;
}

/** The longest the desk sleeps between looks at the board: a latency or roster may change. */
const MAX_SLEEP_MS = 60_000;
/** How long a re-alarm may take to reach its kit before it is no longer worth sounding. */
const REALARM_LIFETIME_MIN = 30;

export class WarningDesk {
  readonly #o: WarningDeskOptions;
  readonly #journal: JsonLinesFile<DeskRecord>;
  readonly #state: DeskState;
  readonly #timer: RearmableTimer;
  #ticking: Promise<void> | undefined;
  #closed = false;

  private constructor(o: WarningDeskOptions, journal: JsonLinesFile<DeskRecord>) {
    this.#o = o;
    this.#timer = new RearmableTimer(o);
    this.#journal = journal;
    this.#state = new DeskState((p) => o.people().find((x) => x.id === p)?.areas[0]);
  }

  static async open(o: WarningDeskOptions): Promise<WarningDesk> {
    const { file, reading } = await JsonLinesFile.open<unknown>(o.file);
    const desk = new WarningDesk(o, file as JsonLinesFile<DeskRecord>);
    let skipped = reading.unreadable.length;
    for (const record of reading.records) {
      if (isDeskRecord(record) && desk.#state.apply(record)) continue;
      skipped++;
    }
    if (skipped > 0)
      o.log.warn({ file: o.file, skipped }, 'warning desk: lines of its journal could not be read; skipped');
    o.log.info(
      { warnings: desk.#state.size, unanswered: desk.#state.board.unanswered(o.now()).length },
      'warning desk open',
    );
    desk.#arm(0);
    return desk;
  }

  get canIssue(): boolean {
    return this.#o.issuer !== undefined;
  }

  /**
   * The draft as the wire's body, or every problem with it; makes nothing.
   * @throws KitError WARNING_UNKNOWN for an update or cancel of a warning not issued here,
   *   WARNING_CLOSED for one of a thread already cancelled.
   */
  compose(draft: WarningDraft): Composed & { dest?: Destination } {
    const issuer = this.#o.issuer?.id ?? 0;
    const thread = draft.references === undefined ? undefined : this.#state.threadOf(draft.references);
    if (draft.references !== undefined && draft.action !== 'issue') {
      if (thread === undefined)
        throw new KitError(
          'WARNING_UNKNOWN',
          `no warning ${draft.references} was issued here to ${draft.action}`,
        );
      if (this.#state.threadCancelled(draft.references))
        throw new KitError(
          'WARNING_CLOSED',
          `the warning thread of ${draft.references} is cancelled already`,
        );
    }
    const composed = composeWarning(draft, {
      issuer,
      now: Math.floor(this.#o.now() / 1000),
      ...(thread === undefined ? {} : { thread }),
      personNode: (p) => this.#personNode(p),
      drill: this.#o.drill,
    });
    if (!composed.ok) return composed;
    return { ...composed, dest: destinationOf(composed.body) };
  }

  /** The draft the core would submit for a composed warning. */
  draftOf(composed: Extract<Composed, { ok: true }>): Draft<'warning'> {
    const nowS = Math.floor(this.#o.now() / 1000);
    const lifetimeMin = Math.min(
      MAX_LIFETIME_MIN,
      Math.max(1, Math.ceil((composed.body.expires - nowS) / 60)),
    );
    return {
      kind: 'warning',
      body: composed.body,
      dest: destinationOf(composed.body),
      // Life safety: every warning, its update and its cancel go first (docs/design.md §Priorities).
      priority: 0,
      lifetimeMin,
      flags: composed.flags,
    };
  }

  /** Who a composed warning would call, placed on the kits that serve them. */
  targetsOf(body: WarningBody): PlacedTarget[] {
    if (body.action === 'cancel') return [];
    return callTargets(body, this.#o.people()).map((t) => ({ ...t, kit: kitServing(t.area, this.#o.kits) }));
  }

  /**
   * Signs and sends a composed warning, records it and opens its calls.
   * @throws KitError WARNING_NO_ISSUER; WARNING_CLOSED for a thread already cancelled; the core's
   *   STORE_FULL.
   */
  async send(
    composed: Extract<Composed, { ok: true }>,
    o: { by?: RosterId; imported?: ImportedFrom } = {},
  ): Promise<DeskWarning> {
    const issuer = this.#o.issuer;
    if (issuer === undefined)
      throw new KitError(
        'WARNING_NO_ISSUER',
        'this node holds no issuer key: set keys.issuer_key_file (fieldnode keys new-issuer) to issue warnings',
      );
    const ref = composed.body.references;
    if (ref !== undefined && this.#state.threadCancelled(refId(ref)))
      throw new KitError('WARNING_CLOSED', `the warning thread ${refId(ref)} is cancelled already`);
    const id = await this.#o.core.submit(this.draftOf(composed), issuer.sign);
    return this.#recordSent(id, o);
  }

  /**
   * Records a warning this node made (sent, or found after a restart cut its recording short).
   * A warning recorded already is returned as it is.
   */
  async #recordSent(id: string, o: { by?: RosterId; imported?: ImportedFrom }): Promise<DeskWarning> {
    const known = this.#state.warning(id);
    if (known !== undefined) return known;
    const frame = await this.#o.frame(id);
    const message = frame === undefined ? undefined : decodeFrame(frame).message;
    if (message?.kind !== 'warning')
      throw new KitError('WARNING_UNKNOWN', `the warning ${id} the core stored cannot be read back`);
    const record: DeskRecord = {
      t: 'warning',
      id,
      frame: Buffer.from(frame as Uint8Array).toString('hex'),
      at: this.#o.now(),
      ...(o.by === undefined ? {} : { by: o.by }),
      ...(o.imported === undefined ? {} : { imported: o.imported }),
      targets: this.targetsOf(message.body),
    };
    await this.#keep(record);
    const w = this.#state.warning(id) as DeskWarning;
    this.#o.log.info(
      { warning: id, action: message.body.action, calls: record.targets.length, exercise: isDrill(message) },
      `warning ${id} (${message.body.action}) sent: ${record.targets.length} persons to answer`,
    );
    this.#o.changed?.(id);
    this.#arm(0);
    return w;
  }

  /**
   * After a restart cut an issue short: a warning this node made with sequence above `afterSeq`
   * and the same thread, action and areas as `composed`, if there is one; it is recorded if it was not.
   */
  async findSent(
    composed: Extract<Composed, { ok: true }>,
    afterSeq: number,
    lastSeq: number,
    o: { by?: RosterId; imported?: ImportedFrom } = {},
  ): Promise<DeskWarning | undefined> {
    for (let seq = afterSeq + 1; seq <= lastSeq; seq++) {
      const id = `${this.#o.nodeId}/${seq}`;
      const frame = await this.#o.frame(id);
      const m = frame === undefined ? undefined : decodeFrame(frame).message;
      if (m?.kind !== 'warning' || !sameWarning(m.body, composed.body)) continue;
      return this.#recordSent(id, o);
    }
    return undefined;
  }

  /** A delivery record changed (the core's 'state'): kits whose receipts name the warning have it. */
  async receipts(id: string, receivedBy: readonly number[] | undefined): Promise<void> {
    if (receivedBy === undefined || this.#state.warning(id) === undefined) return;
    const known = this.#state.confirmedBy(id);
    const fresh = receivedBy.filter((k) => !known.has(k));
    if (fresh.length === 0) return;
    const at = this.#o.now();
    for (const kit of fresh) await this.#keep({ t: 'delivered', warning: id, kit, at });
    this.#o.changed?.(id);
    this.#arm(0);
  }

  /** An ack delivered here: a kit's answers to a warning of this desk. */
  async ack(message: MessageOf<'ack'>): Promise<void> {
    const warning = refId(message.body.warning);
    if (this.#state.warning(warning) === undefined) {
      this.#o.log.info(
        { warning, kit: message.origin },
        'warning desk: an answer to a warning not issued here',
      );
      return;
    }
    await this.#keep({
      t: 'ack',
      kit: message.origin,
      at: this.#o.now(),
      ack: message.body,
      // When the kit made it, if its clock is trusted: how late its answers arrive (escalation.ts).
      ...(message.clockUntrusted || !Number.isFinite(message.createdAt)
        ? {}
        : { made: message.createdAt * 1000 }),
    });
    this.#o.changed?.(warning);
    this.#arm(0);
  }

  warnings(): DeskWarning[] {
    return this.#state.warnings();
  }

  warning(id: string): DeskWarning | undefined {
    return this.#state.warning(id);
  }

  status(id: string): DeskWarningStatus | undefined {
    return this.#state.status(id, this.#o.now());
  }

  calls(id: string): Call[] {
    return this.#state.board.calls(id);
  }

  unanswered(): Call[] {
    return this.#state.board.unanswered(this.#o.now());
  }

  /** When the next escalation step of `warning` falls due, unix ms; undefined when none waits. */
  nextStepAt(warning: string): number | undefined {
    if (this.status(warning) !== 'active') return undefined;
    return escalationDue(
      this.#state.board.calls(warning),
      this.#o.now(),
      this.#policy,
      this.#o.latencyMs,
      this.#answerLag,
    ).wakeAt;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#timer.cancel();
    await this.#ticking;
    await this.#journal.close();
  }

  readonly #answerLag = (kit: number, warning: string): number | undefined =>
    this.#state.answerLag(kit, warning);

  get #policy(): EscalationPolicy {
    return this.#o.policy ?? DEFAULT_ESCALATION;
  }

  /** Journals a record, then applies it. */
  async #keep(record: DeskRecord): Promise<void> {
    await this.#journal.append(record);
    this.#state.apply(record);
  }

  /** Wakes the escalation in `ms` (or sooner, when already due sooner). */
  #arm(ms: number): void {
    if (this.#closed) return;
    this.#timer.arm(Math.max(0, Math.min(ms, MAX_SLEEP_MS)), () => {
      this.#ticking ??= this.#tick().finally(() => {
        this.#ticking = undefined;
      });
    });
  }

  async #tick(): Promise<void> {
    const now = this.#o.now();
    const due = this.#state.board.due(now, this.#policy, this.#o.latencyMs, this.#answerLag);
    const cancels = cancelResendsDue(this.#cancels(), now, this.#resendAfterMs);
    for (const action of [...due.actions, ...cancels.actions]) {
      if (this.#closed) return;
      try {
        if ('cancel' in action) await this.#resendCancel(action);
        else await this.#carryOut(action);
      } catch (err) {
        this.#o.log.error({ err, action }, 'warning desk: an escalation step failed; it is tried again');
      }
    }
    const later = this.#o.now();
    const next = [
      this.#state.board.due(later, this.#policy, this.#o.latencyMs, this.#answerLag).wakeAt,
      cancelResendsDue(this.#cancels(), later, this.#resendAfterMs).wakeAt,
    ].filter((t) => t !== undefined);
    this.#arm(next.length === 0 ? MAX_SLEEP_MS : Math.max(1000, Math.min(...next) - later));
  }

  #cancels() {
    return this.#state.cancelsToDeliver(this.#o.nodeId);
  }

  get #resendAfterMs(): number {
    return this.#policy.resendAfterMs ?? DEFAULT_RESEND_AFTER_MS;
  }

  /** Sends a cancel again toward a kit that has not confirmed it (cancel-delivery.ts). */
  async #resendCancel(action: CancelResend): Promise<void> {
    const links = await this.#o.core.sendToward(action.cancel, action.kit);
    await this.#keep({ t: 'cancel-resent', cancel: action.cancel, kit: action.kit, at: this.#o.now() });
    this.#o.log.info(
      { warning: action.cancel, kit: action.kit, links },
      `cancel ${action.cancel} sent again toward kit ${action.kit}: it has not confirmed it`,
    );
    this.#o.changed?.(action.cancel);
  }

  async #carryOut(action: EscalationAction): Promise<void> {
    const at = this.#o.now();
    const w = this.#state.warning(action.warning);
    if (w === undefined) return;
    if (action.kind === 'superior') {
      const call = this.#state.board.calls(action.warning).find((c) => c.person === action.person);
      if (call === undefined) return;
      const targets = superiorsOf(call.area, w.message.body, this.#o.people()).map((t) => ({
        ...t,
        kit: kitServing(t.area, this.#o.kits),
      }));
      await this.#keep({ t: 'superiors', warning: action.warning, from: action.person, targets, at });
      this.#o.log.warn(
        { warning: action.warning, person: action.person, superiors: targets.map((t) => t.person) },
        `未叫应: person ${action.person} has not answered warning ${action.warning}; their superiors are called`,
      );
      // The superiors' kits may not hold the warning: a township gateway is outside a village's area.
      const reached = new Set([...this.#state.confirmedBy(action.warning), call.kit]);
      for (const kit of new Set(targets.map((t) => t.kit)))
        if (kit !== undefined && !reached.has(kit)) await this.#o.core.sendToward(action.warning, kit);
      this.#o.escalated?.(action, call);
    } else if (action.kind === 'resend') {
      const links = await this.#o.core.sendToward(action.warning, action.kit);
      await this.#keep({ t: 'step', action, at });
      this.#o.log.info(
        { warning: action.warning, kit: action.kit, links },
        links.length > 0
          ? `warning ${action.warning} sent again toward kit ${action.kit}: it has not confirmed it`
          : `warning ${action.warning}: no route to kit ${action.kit} now; counted as a send all the same`,
      );
      this.#o.escalated?.(action, undefined);
    } else {
      const issuer = this.#o.issuer;
      if (issuer === undefined) return;
      const warning: MessageRef = { origin: w.message.origin, seq: w.message.seq };
      await this.#o.core.submit(
        {
          kind: 'control',
          body: { issuer: issuer.id, realarm: { warning, persons: action.persons } },
          dest: { to: 'node', node: action.kit },
          priority: 0,
          lifetimeMin: REALARM_LIFETIME_MIN,
          flags: isDrill(w.message) ? ['exercise'] : [],
        },
        issuer.sign,
      );
      await this.#keep({ t: 'step', action, at });
      this.#o.log.info(
        { warning: action.warning, kit: action.kit, persons: action.persons },
        `warning ${action.warning}: kit ${action.kit} asked to sound again for ${action.persons.length} unanswered`,
      );
      this.#o.escalated?.(action, undefined);
    }
    this.#o.changed?.(action.warning);
  }

  #personNode(person: number): number | undefined {
    const p = this.#o.people().find((x) => x.id === person);
    if (p === undefined) return undefined;
    const area = p.areas[0];
    return (area === undefined ? undefined : kitServing(area, this.#o.kits)) ?? this.#o.nodeId;
  }
}

function refId(ref: MessageRef): string {
  return `${ref.origin}/${ref.seq}`;
}

function isDrill(m: Message): boolean {
  return m.flags.includes('exercise');
}

/** Where a warning goes: one area's broadcast, or everyone (several areas, or a circle alone). */
export function destinationOf(body: WarningBody): Destination {
  const [only, ...more] = body.areas;
  return only !== undefined && more.length === 0 ? { to: 'area', area: only } : { to: 'all' };
}

function sameWarning(a: WarningBody, b: WarningBody): boolean {
  return (
    a.action === b.action &&
    a.event === b.event &&
    a.colour === b.colour &&
    a.level === b.level &&
    a.instruction === b.instruction &&
    a.expires === b.expires &&
    JSON.stringify(a.areas) === JSON.stringify(b.areas) &&
    JSON.stringify(a.references ?? null) === JSON.stringify(b.references ?? null)
  );
}
