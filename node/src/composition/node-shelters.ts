/**
 * The shelters workflow of a node, built and wired to its core (docs/shelters.md): the shelter
 * book in its journal, the SheltersAdapter the API serves, and the roll-calls the core delivers
 * here (a kit's, at the centre) recorded in the book. Every change is told to the event streams as
 * the shelter's public view: counts and place, never a person.
 */
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import { EMPTY_SHELTERS } from '../config/shelters-section.js';
import type { NodeCore } from '../core/node-core.js';
import type { AreaDirectory } from '../domain/roster/area-directory.js';
import { publicShelterView } from '../domain/shelters/shelter.js';
import { ShelterBook } from '../domain/shelters/shelter-book.js';
import type { FeedEvent } from '../http/event-hub.js';
import { SheltersAdapter } from '../http/shelters-adapter.js';
import type { MessageStore } from '../store/message-store.js';
import type { Message } from '../wire/message.js';

export const SHELTERS_FILE = 'shelters.jsonl';

export interface NodeSheltersOptions {
  config: Config;
  core: NodeCore;
  store: MessageStore;
  areas: AreaDirectory;
  emit: (event: FeedEvent) => void;
  /** Told of each file this start makes. */
  tracked: (path: string) => string;
  log: Logger;
}

export interface NodeShelters {
  readonly service: SheltersAdapter;
  readonly book: ShelterBook;
  close(): Promise<void>;
}

export async function openNodeShelters(o: NodeSheltersOptions): Promise<NodeShelters> {
  const { config, core } = o;
  const log = o.log.child({ mod: 'shelters' });
  const registry = config.shelters ?? EMPTY_SHELTERS;
  let book: ShelterBook | undefined;
  book = await ShelterBook.open({
    file: o.tracked(join(config.dataDir, SHELTERS_FILE)),
    sites: registry.sites,
    changed: (number) => {
      const view = book?.shelter(number);
      if (view?.registered === true) o.emit({ type: 'shelter', shelter: publicShelterView(view) });
    },
    log,
  });
  const opened = book;
  const service = new SheltersAdapter({
    book: opened,
    expected: registry.expected,
    core,
    store: o.store,
    nodeId: config.node.id,
    centre: config.node.role === 'centre',
    drill: config.node.drill,
    areaName: (code) => o.areas.name(code),
    timeZone: config.county.timeZone,
    log,
  });
  const onDelivered = (m: Message) => {
    if (m.kind !== 'rollcall') return;
    opened.record(m).catch((err: unknown) => log.error({ err }, 'recording a roll-call failed'));
  };
  core.on('delivered', onDelivered);
  return {
    service,
    book: opened,
    async close() {
      core.off('delivered', onDelivered);
      await opened.close();
    },
  };
}
