/**
 * The hazards workflow of a node, built and wired to its core (docs/hazards.md): the hazard ledger
 * in its journal, the photos kept here, the HazardsService the API serves, and the hazard messages
 * the core delivers here recorded in the ledger (a kit's reports and changes at the centre, the
 * centre's changes at the kit that reported, or at the kit that replaced a lost one: docs/kits.md
 * §Open items). Every change is told to the event streams, with the public view of the hazard for
 * pages not signed in, and only for a hazard of this node's own kind (a drill's on a drill node, the
 * real ones elsewhere), as the public list shows them.
 */
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import type { NodeCore } from '../core/node-core.js';
import type { HazardView } from '../domain/hazards/hazard.js';
import { hazardAcceptance } from '../domain/hazards/hazard-acceptance.js';
import { HazardBook } from '../domain/hazards/hazard-book.js';
import { HazardPhotoStore, PHOTOS_DIR_NAME } from '../domain/hazards/hazard-photos.js';
import type { AreaDirectory } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';
import type { FeedEvent } from '../http/event-hub.js';
import { HazardsAdapter, publicHazardView } from '../http/hazards-adapter.js';
import type { PublicHazardView } from '../http/hazards-service.js';
import type { MessageStore } from '../store/message-store.js';
import type { Message } from '../wire/message.js';
import type { KitSuccession } from './kit-succession.js';

export const HAZARDS_FILE = 'hazards.jsonl';

export interface NodeHazardsOptions {
  config: Config;
  core: NodeCore;
  store: MessageStore;
  people: () => readonly Person[];
  areas: AreaDirectory;
  now: () => number;
  emit: (event: FeedEvent) => void;
  /** At the centre: who answers for a lost kit now (the kit board); changes follow it (kit-succession.ts). */
  succession?: Pick<KitSuccession, 'successorOf'>;
  /** Told of each file this start makes. */
  tracked: (path: string) => string;
  log: Logger;
}

export interface NodeHazards {
  readonly service: HazardsAdapter;
  readonly book: HazardBook;
  close(): Promise<void>;
}

export async function openNodeHazards(o: NodeHazardsOptions): Promise<NodeHazards> {
  const { config, core, store } = o;
  const me = config.node.id;
  const log = o.log.child({ mod: 'hazards' });
  const succession = o.succession;
  const kitArea = (node: number) =>
    node === me ? config.node.area : config.keys.nodes.find((k) => k.id === node)?.area;
  let service: HazardsAdapter | undefined;
  const book = await HazardBook.open({
    file: o.tracked(join(config.dataDir, HAZARDS_FILE)),
    nodeId: me,
    kitArea,
    accepts: hazardAcceptance({ centreNodes: config.centreNodes, people: o.people, kitArea }),
    now: o.now,
    changed: (hazard) => {
      const view = service?.get(hazard.id);
      if (view !== undefined)
        o.emit({ type: 'hazard', hazard: view, ...publicOf(hazard, config.node.drill === true) });
    },
    log,
  });
  try {
    const photos = await HazardPhotoStore.open({
      dir: join(config.dataDir, PHOTOS_DIR_NAME),
      now: o.now,
      log,
    });
    const names = new Map(o.people().map((p) => [p.id, p.name]));
    service = new HazardsAdapter({
      book,
      photos,
      core,
      store,
      nodeId: me,
      centre: config.node.role === 'centre',
      centreNodes: config.centreNodes,
      ...(succession === undefined ? {} : { successorOf: (kit: number) => succession.successorOf(kit) }),
      ...(config.node.area === undefined ? {} : { area: config.node.area }),
      drill: config.node.drill,
      // Read at each call: the roster may change while the node runs.
      personName: (id) => o.people().find((p) => p.id === id)?.name ?? names.get(id),
      areaName: (code) => o.areas.name(code),
      timeZone: config.county.timeZone,
      log,
    });
  } catch (err) {
    await book.close().catch(() => {});
    throw err;
  }
  const onDelivered = (m: Message) => {
    if (m.kind !== 'hazard') return;
    book.record(m, { local: false }).catch((err: unknown) => log.error({ err }, 'recording a hazard failed'));
  };
  core.on('delivered', onDelivered);
  return {
    service,
    book,
    async close() {
      core.off('delivered', onDelivered);
      await book.close();
    },
  };
}

/** The public view of a hazard the public list would show (hazards-adapter.ts publicList). */
function publicOf(hazard: HazardView, drill: boolean): { public?: PublicHazardView } {
  if (hazard.exercise !== drill) return {};
  const pub = publicHazardView(hazard);
  return pub === undefined ? {} : { public: pub };
}
