/**
 * The centre's KitsService (kits-service.ts; docs/api.md §Kits) over its kit board and lost-kit
 * workflow (node/src/domain/kits/): the board's kits shown with their area's name and the wire's
 * codes named, revocation and replacement passed through, and the handover file written from the
 * incident book. Every change the board reports goes to the event streams as a `kit` event.
 */
import type { AuditActor } from '../domain/audit/audit-entry.js';
import type { KitBoard, KitState } from '../domain/kits/kit-board.js';
import { type Handover, handoverText } from '../domain/kits/kit-handover.js';
import type { LostKits } from '../domain/kits/lost-kits.js';
import type { Incident } from '../domain/reports/incident.js';
import { CLOCK_SOURCE_CODES, codeName, LINK_KIND_CODES, LINK_STATE_CODES } from '../wire/kinds/health.js';
import type { FeedEvent } from './event-hub.js';
import type { KitHealthView, KitsService, KitView } from './kits-service.js';

export interface KitsAdapterOptions {
  board: KitBoard;
  lost: LostKits;
  /** An area's name as the roster gives it. */
  areaName: (area: number) => string | undefined;
  /** The incidents the centre holds, for a handover file. */
  incidents: () => Promise<readonly Incident[]>;
  /** The other workflows' open items of a lost kit, for a handover file (kit-handover-items.ts). Default: none. */
  handedItems?: (kit: number) => Pick<Handover, 'requests' | 'tasks' | 'rollcalls'>;
  now: () => number;
  emit?: (event: FeedEvent) => void;
}

export class KitsAdapter implements KitsService {
  readonly #o: KitsAdapterOptions;

  constructor(o: KitsAdapterOptions) {
    this.#o = o;
  }

  /** The board changed a kit: the streams hear it (the composition root wires the board's `changed` here). */
  changed(id: number): void {
    const kit = this.#o.board.kit(id);
    if (kit !== undefined) this.#o.emit?.({ type: 'kit', kit: this.#view(kit, false) });
  }

  list(): KitView[] {
    return this.#o.board.kits().map((k) => this.#view(k, false));
  }

  get(id: number): KitView | undefined {
    const kit = this.#o.board.kit(id);
    return kit === undefined ? undefined : this.#view(kit, true);
  }

  async revoke(id: number, who: AuditActor) {
    const { kit, control } = await this.#o.lost.revoke(id, who);
    return { kit: this.#view(kit, false), control };
  }

  async replace(id: number, by: number, who: AuditActor) {
    const r = await this.#o.lost.replace(id, by, who);
    return {
      kit: this.#view(r.kit, false),
      replacement: this.#view(r.replacement, false),
      incidents: r.incidents,
      warnings: r.warnings,
      ...(r.control === undefined ? {} : { control: r.control }),
    };
  }

  async handover(id: number): Promise<{ name: string; text: string } | undefined> {
    const kit = this.#o.board.kit(id);
    const to = kit?.replacedBy?.kit;
    if (kit === undefined || to === undefined) return undefined;
    // What the new kit answers for now: the lost kit's open incidents, as the centre holds them.
    const moved = new Set(kit.replacedBy?.incidents);
    const incidents = (await this.#o.incidents()).filter((i) => moved.has(i.id) && i.node === to);
    const text = handoverText({
      from: id,
      to,
      ...(kit.area === undefined ? {} : { area: kit.area }),
      madeAt: this.#o.now(),
      incidents: [...incidents],
      ...this.#o.handedItems?.(id),
    });
    return { name: `handover-${id}-to-${to}.jsonl`, text };
  }

  #view(k: KitState, withHistory: boolean): KitView {
    const areaName = k.area === undefined ? undefined : this.#o.areaName(k.area);
    const state: KitView['state'] =
      k.revoked !== undefined
        ? 'revoked'
        : k.alerts.length > 0
          ? 'alert'
          : k.lastHeard === undefined
            ? 'never-heard'
            : 'ok';
    return {
      id: k.id,
      ...(k.area === undefined ? {} : { area: k.area }),
      ...(areaName === undefined ? {} : { areaName }),
      ...(k.role === undefined ? {} : { role: k.role }),
      enrolled: k.enrolled,
      state,
      ...(k.lastHeard === undefined ? {} : { lastHeard: { ...k.lastHeard } }),
      ...(k.silentFrom === undefined ? {} : { silentFrom: k.silentFrom }),
      allowedSilenceMs: k.allowedSilenceMs,
      ...(k.health === undefined ? {} : { health: healthView(k.health) }),
      alerts: k.alerts.map((a) => ({ ...a })),
      ...(k.revoked === undefined ? {} : { revoked: { ...k.revoked } }),
      ...(k.replacedBy === undefined
        ? {}
        : { replacedBy: { ...k.replacedBy, incidents: [...k.replacedBy.incidents] } }),
      ...(k.replaces === undefined ? {} : { replaces: k.replaces }),
      ...(withHistory
        ? {
            history: k.samples.flatMap((s) =>
              s.body.batteryPct === undefined
                ? []
                : [
                    {
                      at: s.clockUntrusted ? s.at : s.createdAt,
                      percent: s.body.batteryPct,
                      charging: s.body.charging === true,
                      power: s.body.power,
                    },
                  ],
            ),
          }
        : {}),
    };
  }
}

function healthView(s: NonNullable<KitState['health']>): KitHealthView {
  const b = s.body;
  return {
    msg: s.msg,
    at: s.at,
    createdAt: s.createdAt,
    clockUntrusted: s.clockUntrusted,
    intervalS: b.intervalS,
    power: {
      source: b.power,
      ...(b.batteryPct === undefined ? {} : { batteryPercent: b.batteryPct }),
      ...(b.batteryVolts === undefined ? {} : { batteryVolts: b.batteryVolts }),
      ...(b.charging === undefined ? {} : { charging: b.charging }),
      ...(b.minutesLeft === undefined ? {} : { minutesLeft: b.minutesLeft }),
    },
    clock: { source: codeName(CLOCK_SOURCE_CODES, b.clock), trusted: b.clockTrusted },
    links: (b.links ?? []).map((l) => ({
      kind: codeName(LINK_KIND_CODES, l.kind),
      state: codeName(LINK_STATE_CODES, l.state),
      up: l.state === 0,
    })),
    ...(b.queued === undefined ? {} : { queued: b.queued }),
    ...(b.upMin === undefined ? {} : { upMin: b.upMin }),
  };
}
