/**
 * The requests and SOS workflow of a node, built and wired to its core (docs/requests.md): the
 * request book in its journal, the RequestsService the API serves, the requests and replies the
 * core delivers here recorded in the book, and at the centre the SOS desk, which sounds the
 * centre's alarm (the warnings workflow's CentreAlarm, reused) for every SOS until someone
 * acknowledges or answers it. Every change is told to the event streams.
 */
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import type { NodeCore } from '../core/node-core.js';
import type { RequestView } from '../domain/requests/request.js';
import { requestAcceptance } from '../domain/requests/request-acceptance.js';
import { RequestBook } from '../domain/requests/request-book.js';
import { isClosed } from '../domain/requests/request-status.js';
import { SosDesk } from '../domain/requests/sos-desk.js';
import type { AreaDirectory } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';
import type { CentreAlarm } from '../domain/warnings/alarm/centre-alarm.js';
import type { FeedEvent } from '../http/event-hub.js';
import { RequestAdapter } from '../http/request-adapter.js';
import type { Message } from '../wire/message.js';
import type { KitSuccession } from './kit-succession.js';

export const REQUESTS_FILE = 'requests.jsonl';

export interface NodeRequestsOptions {
  config: Config;
  core: NodeCore;
  store: ConstructorParameters<typeof RequestAdapter>[0]['store'];
  people: () => readonly Person[];
  areas: AreaDirectory;
  /** At the centre: its alarm, once the warnings workflow made it. */
  alarm?: () => Pick<CentreAlarm, 'unanswered'> | undefined;
  /** How often an SOS not acknowledged sounds again, ms. Default: `requests.sos_repeat_s`, else 60 s. */
  sosRepeatMs?: number;
  now: () => number;
  emit: (event: FeedEvent) => void;
  succession?: Pick<KitSuccession, 'successorOf'>;
  tracked: (path: string) => string;
  log: Logger;
}

export interface NodeRequests {
  readonly service: RequestAdapter;
  readonly book: RequestBook;
  readonly desk?: SosDesk;
  close(): Promise<void>;
}

export async function openNodeRequests(o: NodeRequestsOptions): Promise<NodeRequests> {
  const { config, core } = o;
  const me = config.node.id;
  const log = o.log.child({ mod: 'requests' });
  const centre = config.node.role === 'centre';
  const drill = config.node.drill === true;
  const kitArea = (node: number) =>
    node === me ? config.node.area : config.keys.nodes.find((k) => k.id === node)?.area;
  let service: RequestAdapter | undefined;
  const tell = (id: string) => {
    const request = service?.get(id);
    if (request !== undefined) o.emit({ type: 'request', request });
  };
  // The test's own, else the `requests:` section's (config/requests-section.ts), else the desk's default.
  const repeatMs = o.sosRepeatMs ?? config.requests?.sosRepeatMs;
  const desk = centre
    ? new SosDesk({
        alarm: () => o.alarm?.(),
        ...(repeatMs === undefined ? {} : { repeatMs }),
        changed: tell,
        log,
      })
    : undefined;
  const sound = (r: RequestView) => {
    if (desk === undefined || !r.sos || r.exercise !== drill) return;
    if (r.status !== 'requested' || r.answeredAt !== undefined) desk.acknowledge(r.id);
    else if (r.node !== me)
      desk.raise(
        r.id,
        { who: 'SOS求救', where: r.area === undefined ? `应急设备${r.node}` : o.areas.label(r.area), drill },
        o.now(),
      );
  };
  const book = await RequestBook.open({
    file: o.tracked(join(config.dataDir, REQUESTS_FILE)),
    kitArea,
    // The kit that replaced a lost kit says arrived and released for the lost kit's requests.
    accepts: requestAcceptance({
      centreNodes: config.centreNodes,
      successorOf: (kit) => o.succession?.successorOf(kit) ?? kit,
    }),
    now: o.now,
    changed: (request) => {
      sound(request);
      tell(request.id);
    },
    log,
  });
  const names = new Map(o.people().map((p) => [p.id, p.name]));
  service = new RequestAdapter({
    book,
    ...(desk === undefined ? {} : { desk }),
    core,
    store: o.store,
    nodeId: me,
    centre,
    centreNodes: config.centreNodes,
    ...(o.succession === undefined
      ? {}
      : { successorOf: (kit: number) => o.succession?.successorOf(kit) ?? kit }),
    ...(config.node.area === undefined ? {} : { area: config.node.area }),
    drill,
    personName: (id) => o.people().find((p) => p.id === id)?.name ?? names.get(id),
    areaName: (code) => o.areas.name(code),
    timeZone: config.county.timeZone,
    now: o.now,
    log,
  });
  // An SOS still waiting for an answer when the centre stopped sounds again at its start.
  for (const r of book.list()) if (!isClosed(r.status)) sound(r);
  const onDelivered = (m: Message) => {
    if (m.kind !== 'request' && m.kind !== 'request-reply') return;
    book
      .record(m, { local: false })
      .catch((err: unknown) => log.error({ err }, 'recording a request failed'));
  };
  core.on('delivered', onDelivered);
  return {
    service,
    book,
    ...(desk === undefined ? {} : { desk }),
    async close() {
      core.off('delivered', onDelivered);
      desk?.close();
      await book.close();
    },
  };
}
