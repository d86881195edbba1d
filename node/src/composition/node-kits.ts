/**
 * The centre's kits, built and wired to its core (docs/kits.md): the kit board, fed by every message
 * delivered here; its alerts sounded through the centre's alarm as a 未叫应 is (the warnings
 * workflow's CentreAlarm, reused); the lost-kit workflow, which signs with the centre's issuer key
 * when that key holds the `control` power; and the KitsService the API serves.
 */
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import type { NodeCore } from '../core/node-core.js';
import type { AuditSink } from '../domain/audit/audit-entry.js';
import { type KitAlert, KitBoard, type KitState } from '../domain/kits/kit-board.js';
import { lostKitHooks, type OpenItemBooks, openItemsOf } from '../domain/kits/kit-handover-items.js';
import { type ControlIssuer, LostKits } from '../domain/kits/lost-kits.js';
import type { IncidentBook } from '../domain/reports/incident-book.js';
import { airRoster } from '../domain/roster/air-roster.js';
import type { AreaDirectory } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';
import type { CentreAlarm } from '../domain/warnings/alarm/centre-alarm.js';
import type { FeedEvent } from '../http/event-hub.js';
import { KitsAdapter } from '../http/kits-adapter.js';
import type { Authenticator, Message } from '../wire/message.js';

export const KIT_BOARD_FILE = 'kit-board.jsonl';

export interface NodeKitsOptions {
  config: Config;
  core: NodeCore;
  book: IncidentBook;
  people: () => readonly Person[];
  areas: AreaDirectory;
  audit: AuditSink;
  /** The issuer this node signs as (keys.issuer_key_file). */
  issuer?: { id: number; name?: string; sign: Authenticator };
  /** The centre's alarm, once the warnings workflow made it. */
  alarm: () => CentreAlarm | undefined;
  /** The 未叫应 list, once the warnings workflow is open. */
  unanswered: () => Promise<ReadonlyArray<{ warning: string; kit?: number }>>;
  now: () => number;
  emit: (event: FeedEvent) => void;
  /** A kit was revoked or replaced (the warning desk stops placing calls on a revoked kit). */
  kitsChanged?: () => void;
  /**
   * The books that hold a lost kit's other open items (requests, team tasks, shelter counts), once
   * their workflows are open: a replacement is told them and its handover file carries them
   * (docs/kits.md §Open items). Default: none.
   */
  openItems?: OpenItemBooks;
  /** Told of each file this start makes. */
  tracked: (path: string) => string;
  log: Logger;
}

export interface NodeKits {
  readonly board: KitBoard;
  readonly service: KitsAdapter;
  close(): Promise<void>;
}

export async function openNodeKits(o: NodeKitsOptions): Promise<NodeKits> {
  const { config, core } = o;
  const log = o.log.child({ mod: 'kits' });
  let service: KitsAdapter | undefined;
  const board = await KitBoard.open({
    file: o.tracked(join(config.dataDir, KIT_BOARD_FILE)),
    kits: config.keys.nodes
      .filter((n) => !config.centreNodes.includes(n.id))
      .map((n) => ({
        id: n.id,
        ...(n.area === undefined ? {} : { area: n.area }),
        ...(n.role === undefined ? {} : { role: n.role }),
      })),
    policy: {
      // Before a kit names its own interval: the county's (a kit with none configured sends none).
      defaultIntervalMs: config.kits.healthIntervalMs > 0 ? config.kits.healthIntervalMs : 15 * 60_000,
      silenceIntervals: config.kits.silenceIntervals,
      batteryLowPercent: config.kits.batteryLowPercent,
      batteryCutoffPercent: config.kits.batteryCutoffPercent,
      batteryWarnAheadMs: config.kits.batteryWarnAheadMs,
    },
    now: o.now,
    onAlert: (kit, alert) => o.alarm()?.unanswered(silenceOf(kit, alert, o.areas, config.node.drill)),
    changed: (id) => {
      service?.changed(id);
      o.kitsChanged?.();
    },
    log,
  });
  const lost = new LostKits({
    board,
    submit: (draft, auth) => core.submit(draft, auth),
    issuer: controlIssuer(config, o.issuer),
    handOver: async (from, to) => (await o.book.handOver(from, to)).map((i) => i.id),
    roster: (area) => airRoster(area, o.people()),
    openWarnings: async (kit) => [
      ...new Set((await o.unanswered()).filter((c) => c.kit === kit).map((c) => c.warning)),
    ],
    sendToward: (id, node) => core.sendToward(id, node),
    ...(o.openItems === undefined ? {} : lostKitHooks(o.openItems)),
    audit: o.audit,
    now: o.now,
    log,
  });
  service = new KitsAdapter({
    board,
    lost,
    areaName: (area) => o.areas.name(area),
    incidents: () => o.book.list(),
    ...(o.openItems === undefined
      ? {}
      : { handedItems: (kit: number) => openItemsOf(o.openItems ?? {}, kit).handed }),
    now: o.now,
    emit: o.emit,
  });
  const onDelivered = (m: Message) => {
    board.heard(m).catch((err: unknown) => log.error({ err }, 'the kit board could not take a message'));
  };
  core.on('delivered', onDelivered);
  return {
    board,
    service,
    async close() {
      core.off('delivered', onDelivered);
      await board.close();
    },
  };
}

/**
 * The issuer a revocation is signed as: this node's issuer key, when keys.issuers grants it the
 * `control` power (every node would refuse a control message its issuer may not sign).
 */
function controlIssuer(config: Config, issuer: NodeKitsOptions['issuer']): ControlIssuer {
  if (issuer === undefined)
    return {
      missing:
        'this centre holds no issuer key: set keys.issuer_key_file (fieldnode keys new-issuer) to revoke a kit (docs/keys.md §Issuer keys)',
    };
  const listed = config.keys.issuers.find((i) => i.id === issuer.id);
  if (!listed?.powers.includes('control'))
    return {
      missing: `issuer ${issuer.id} may not sign control messages: give it the control power in keys.issuers on every node (docs/keys.md §Issuer keys)`,
    };
  return { id: issuer.id, sign: issuer.sign };
}

/**
 * What the centre's alarm says of a kit's alert: it speaks as it does for a 未叫应 (the place, then
 * who), so the kit is named with what is wrong with it.
 */
function silenceOf(kit: KitState, alert: KitAlert, areas: AreaDirectory, drill: boolean) {
  const what = alert.kind === 'silent' ? '失联' : `电量${alert.percent}%`;
  return {
    who: `应急设备${kit.id}${what}`,
    where: kit.area === undefined ? '' : areas.label(kit.area),
    drill,
  };
}
