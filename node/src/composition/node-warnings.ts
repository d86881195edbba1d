/**
 * The warnings workflow of a node, built and wired to its core (docs/warnings.md): at the centre the
 * warning desk, fed by the kits' receipts (the core's 'state') and answers ('delivered' acks), with
 * the centre's alarm for a new 未叫应; at a kit the kit's warning book, fed by the warnings and
 * re-alarms delivered here, with the kit's alarm and its sounders. Either way, the WarningsService
 * the API serves.
 */
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import type { NodeCore } from '../core/node-core.js';
import type { AreaDirectory } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';
import { AlarmController } from '../domain/warnings/alarm/alarm-controller.js';
import { CentreAlarm } from '../domain/warnings/alarm/centre-alarm.js';
import { WarningDesk } from '../domain/warnings/desk/warning-desk.js';
import { KitWarnings } from '../domain/warnings/kit/kit-warnings.js';
import { CentreWarnings } from '../http/centre-warnings-adapter.js';
import type { FeedEvent } from '../http/event-hub.js';
import { KitWarningsService } from '../http/kit-warnings-adapter.js';
import type { WarningsService } from '../http/warnings-service.js';
import type { MessageStore } from '../store/message-store.js';
import type { Authenticator, Message } from '../wire/message.js';
import { soundersFromConfig } from './alarm-sounders.js';
import { deskCore, type KitSuccession, servingKits, withFormerKits } from './kit-succession.js';

export const WARNING_DESK_FILE = 'warning-desk.jsonl';
export const KIT_WARNINGS_FILE = 'kit-warnings.jsonl';

export interface NodeWarningsOptions {
  config: Config;
  core: NodeCore;
  store: MessageStore;
  people: () => readonly Person[];
  areas: AreaDirectory;
  /** The issuer this node signs as (keys.issuer_key_file). */
  issuer?: { id: number; name?: string; sign: Authenticator };
  now: () => number;
  /** Whether the node's clock is trusted now: a kit's held answers go sooner without (kit-warnings.ts). */
  clockTrusted?: () => boolean;
  /** In [0, 1), for the spread of a kit's word that it holds a warning; default Math.random. */
  random?: () => number;
  emit: (event: FeedEvent) => void;
  /** Told of each file this start makes. */
  tracked: (path: string) => string;
  /** At the centre: who answers for a lost kit now (the kit board); the desk follows it (kit-succession.ts). */
  succession?: KitSuccession;
  log: Logger;
}

export interface NodeWarnings {
  readonly service: WarningsService;
  /** The centre's alarm, which the kit board sounds too (docs/kits.md §When the centre is alerted). */
  readonly alarm?: CentreAlarm;
  /** A kit was revoked or replaced: the desk places no more calls on a revoked kit. */
  kitsChanged?(): void;
  close(): Promise<void>;
}

export async function openNodeWarnings(o: NodeWarningsOptions): Promise<NodeWarnings> {
  return o.config.node.role === 'centre' ? openCentreWarnings(o) : openKitWarnings(o);
}

async function openCentreWarnings(o: NodeWarningsOptions): Promise<NodeWarnings> {
  const { config, core, store } = o;
  const log = o.log.child({ mod: 'warnings' });
  const sounders = await soundersFromConfig(config.alarm, { log });
  const alarm = new CentreAlarm({ sounders, log });
  await alarm.start();
  const enrolled = config.keys.nodes.flatMap((n) =>
    n.area === undefined || config.centreNodes.includes(n.id) ? [] : [{ id: n.id, area: n.area }],
  );
  const succession = o.succession;
  const serving = succession ? servingKits(enrolled, succession) : { kits: enrolled, refresh: () => {} };
  let service: CentreWarnings | undefined;
  const desk = await WarningDesk.open({
    nodeId: config.node.id,
    file: o.tracked(join(config.dataDir, WARNING_DESK_FILE)),
    core: succession ? deskCore(core, succession) : core,
    frame: (id) => store.getFrame(id),
    ...(o.issuer === undefined ? {} : { issuer: o.issuer }),
    people: o.people,
    kits: serving.kits,
    policy: {
      answerWithinMs: config.warnings.answerWithinMs,
      resendsBeforeSuperior: config.warnings.resendsBeforeSuperior,
      resendAfterMs: config.warnings.resendAfterMs,
    },
    // Never send again before a confirmation could have come back by the slowest route to the kit.
    latencyMs: (kit) =>
      core.confirmationWaitToward(succession?.successorOf(kit) ?? kit) ?? config.routing.latencyBoundMs.p0,
    now: o.now,
    drill: config.node.drill,
    changed: (id) => service?.changed(id),
    escalated: (action, call) => {
      if (action.kind !== 'superior' || call === undefined) return;
      const who = o.people().find((p) => p.id === call.person)?.name ?? `#${call.person}`;
      const drill = desk.warning(call.warning)?.message.flags.includes('exercise') ?? false;
      alarm.unanswered({ who, where: o.areas.label(call.area), drill });
    },
    log,
  });
  service = new CentreWarnings({
    desk,
    // A warning is signed by the issuer: its preview is measured signed as it would be sent.
    core: { preview: (draft) => core.preview(draft, o.issuer?.sign) },
    lastSeq: async () => (await store.getKv<number>('seq')) ?? 0,
    nodeId: config.node.id,
    people: o.people,
    areas: o.areas,
    cap: {
      sender: config.warnings.capSender ?? `fieldnode-centre-${config.node.id}`,
      issuerName: o.issuer?.name ?? config.node.name ?? `fieldnode ${config.node.id}`,
    },
    timeZone: config.county.timeZone,
    now: o.now,
    emit: o.emit,
  });
  const onState = (meta: { id: string; receivedBy?: number[] }) => {
    desk
      .receipts(meta.id, succession ? withFormerKits(meta.receivedBy, succession) : meta.receivedBy)
      .catch((err: unknown) => log.error({ err }, 'recording a receipt failed'));
  };
  const onDelivered = (m: Message) => {
    if (m.kind !== 'ack') return;
    desk.ack(m).catch((err: unknown) => log.error({ err }, 'recording an answer failed'));
  };
  core.on('state', onState);
  core.on('delivered', onDelivered);
  return {
    service,
    alarm,
    kitsChanged: serving.refresh,
    async close() {
      core.off('state', onState);
      core.off('delivered', onDelivered);
      await desk.close();
      await alarm.close();
    },
  };
}

async function openKitWarnings(o: NodeWarningsOptions): Promise<NodeWarnings> {
  const { config, core } = o;
  const log = o.log.child({ mod: 'warnings' });
  const alarm = new AlarmController({
    sounders: await soundersFromConfig(config.alarm, { log }),
    sirenMs: config.alarm.sirenMs,
    pauseMs: config.alarm.pauseMs,
    speechMaxMs: config.alarm.speechMaxMs,
    log,
  });
  await alarm.start();
  let service: KitWarningsService | undefined;
  const book = await KitWarnings.open({
    file: o.tracked(join(config.dataDir, KIT_WARNINGS_FILE)),
    nodeId: config.node.id,
    ...(config.node.area === undefined ? {} : { area: config.node.area }),
    people: o.people,
    // Resolves to the ack's id: the answers after it wait while it is in flight (onState below).
    sendAck: (body, sending) =>
      core.submit({
        kind: 'ack',
        body,
        dest: { to: 'centre' },
        priority: sending.priority,
        lifetimeMin: sending.lifetimeMin,
        flags: sending.exercise ? ['exercise'] : [],
      }),
    alarm,
    now: o.now,
    ...(o.random === undefined ? {} : { random: o.random }),
    answerWindowMs: config.warnings.answerWindowMs,
    answerWithinMs: config.warnings.answerWithinMs,
    ...(o.clockTrusted === undefined ? {} : { clockTrusted: o.clockTrusted }),
    changed: (id) => service?.changed(id),
    log,
  });
  service = new KitWarningsService({ book, areas: o.areas, now: o.now, emit: o.emit });
  const onDelivered = (m: Message, _meta: unknown, standing: { current: boolean; reason?: string }) => {
    if (m.kind === 'warning')
      book
        .delivered(m, standing, o.now())
        .catch((err: unknown) => log.error({ err }, 'keeping a warning failed'));
    else if (m.kind === 'control') book.control(m, standing);
  };
  // One of this kit's messages confirmed onward (custody elsewhere, or ended): if it is an ack,
  // the answers held behind it go (docs/warnings.md §Answers travel together). It may come before
  // submit resolves with the id, on a fast link: the bundler remembers it for then.
  const onState = (meta: { id: string; local: boolean; custodyBy?: number; done: boolean }) => {
    if (meta.local && (meta.custodyBy !== undefined || meta.done)) book.ackOnward(meta.id);
  };
  core.on('delivered', onDelivered);
  core.on('state', onState);
  return {
    service,
    async close() {
      core.off('delivered', onDelivered);
      core.off('state', onState);
      await book.close();
      await alarm.close();
    },
  };
}
