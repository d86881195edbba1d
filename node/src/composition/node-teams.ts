/**
 * The teams and texts workflows of a node, built and wired to its core (docs/teams.md,
 * docs/texts.md): the task book and the text book in their journals, the position board, the
 * TeamAdapter and TextAdapter the API serves, and the task, position and text messages the core
 * delivers here recorded (at the centre: the teams' steps and positions, and the texts from the
 * kits; at a team's kit: the centre's tasks; at any kit: the texts to it or its area). Every change
 * is told to the event streams; a team's step heard at the centre is written to the audit log, as
 * the step taken at the kit is there.
 */
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import type { NodeCore } from '../core/node-core.js';
import type { AuditSink } from '../domain/audit/audit-entry.js';
import type { AreaDirectory } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';
import { PositionBoard, positionView } from '../domain/teams/position-board.js';
import { TaskBook } from '../domain/teams/task-book.js';
import { messageId, taskIdOf } from '../domain/teams/task-state.js';
import { DEFAULT_TEAMS } from '../domain/teams/team.js';
import type { Peer } from '../domain/texts/conversation.js';
import { TextBook } from '../domain/texts/text-book.js';
import type { FeedEvent } from '../http/event-hub.js';
import '../http/team-audit-actions.js';
import { TeamAdapter } from '../http/team-adapter.js';
import { TextAdapter } from '../http/text-adapter.js';
import type { MessageStore } from '../store/message-store.js';
import type { Message } from '../wire/message.js';

export const TEAMS_FILE = 'teams.jsonl';
export const TEXTS_FILE = 'texts.jsonl';

export interface NodeTeamsOptions {
  config: Config;
  core: NodeCore;
  store: MessageStore;
  people: () => readonly Person[];
  areas: AreaDirectory;
  audit?: AuditSink;
  now: () => number;
  emit: (event: FeedEvent) => void;
  /** Told of each file this start makes. */
  tracked: (path: string) => string;
  log: Logger;
}

export interface NodeTeams {
  readonly teams: TeamAdapter;
  readonly texts: TextAdapter;
  readonly tasks: TaskBook;
  readonly textBook: TextBook;
  close(): Promise<void>;
}

export async function openNodeTeams(o: NodeTeamsOptions): Promise<NodeTeams> {
  const { config, core, store } = o;
  const me = config.node.id;
  const log = o.log.child({ mod: 'teams' });
  const settings = config.teams ?? DEFAULT_TEAMS;
  const isCentre = (node: number) => config.centreNodes.includes(node);
  const centre = isCentre(me);
  const personName = (id: number) => o.people().find((p) => p.id === id)?.name;
  const team = (kit: number) => settings.list.find((t) => t.kit === kit);
  let teams: TeamAdapter | undefined;
  let texts: TextAdapter | undefined;
  const emit = (e: FeedEvent) => o.emit(e);
  const tasks = await TaskBook.open({
    file: o.tracked(join(config.dataDir, TEAMS_FILE)),
    changed: (task) => {
      if (teams !== undefined) emit({ type: 'team', team: { task: teams.view(task) } });
    },
    log,
  });
  let textBook: TextBook;
  try {
    textBook = await TextBook.open({
      file: o.tracked(join(config.dataDir, TEXTS_FILE)),
      nodeId: me,
      isCentre,
      now: o.now,
      changed: (held, unread) => {
        texts
          ?.view(held)
          .then((text) => emit({ type: 'team', team: { text, unread } }))
          .catch((err: unknown) => log.warn({ err }, 'telling the streams of a text failed'));
      },
      log: o.log.child({ mod: 'texts' }),
    });
  } catch (err) {
    await tasks.close().catch(() => {});
    throw err;
  }
  const positions = new PositionBoard();
  const drill = config.node.drill === true;
  teams = new TeamAdapter({
    core,
    store,
    tasks,
    positions,
    nodeId: me,
    centre,
    teams: () => settings.list,
    rule: { intervalMs: settings.positionIntervalMs, moveM: settings.positionMoveM },
    drill,
    personName,
    positionSent: (position) => emit({ type: 'team', team: { position } }),
    now: o.now,
    log,
  });
  texts = new TextAdapter({
    core,
    store,
    book: textBook,
    meta: (id) => store.getMeta(id),
    knownNode: (node) => node !== me && (isCentre(node) || config.keys.nodes.some((k) => k.id === node)),
    centre,
    drill,
    // Roster ids are the county's (docs/domain-model.md §The roster): the same id names the same person at every node.
    personName: (_node, person) => personName(person),
    peerLabel: (peer) => labelOf(peer, { team, area: (code) => o.areas.name(code) }),
    log: o.log.child({ mod: 'texts' }),
  });
  const adapter = teams;
  const onDelivered = (m: Message) => {
    if (m.kind === 'task') {
      tasks
        .record(m, false, o.now())
        .then(async (fresh) => {
          if (!fresh || !centre || m.body.task === undefined || o.audit === undefined) return;
          await o.audit.append({
            actor: 'system',
            action: 'team.task-step-received',
            subject: taskIdOf(m),
            details: {
              step: m.body.step,
              message: messageId(m),
              team: m.origin,
              ...(m.body.person === undefined ? {} : { person: m.body.person }),
            },
          });
        })
        .catch((err: unknown) => log.error({ err }, 'recording a task message failed'));
    } else if (m.kind === 'position') {
      const kept = positions.record(positionView(m));
      if (kept !== undefined) emit({ type: 'team', team: { position: adapter.positionView(kept) } });
    } else if (m.kind === 'text') {
      textBook.record(m, false).catch((err: unknown) => log.error({ err }, 'recording a text failed'));
    }
  };
  core.on('delivered', onDelivered);
  return {
    teams,
    texts,
    tasks,
    textBook,
    async close() {
      core.off('delivered', onDelivered);
      await tasks.close();
      await textBook.close();
    },
  };
}

function labelOf(
  peer: Peer,
  o: { team: (kit: number) => { name: string } | undefined; area: (code: number) => string | undefined },
): string {
  if (peer.to === 'centre') return '指挥中心';
  if (peer.to === 'node') return o.team(peer.node)?.name ?? `${peer.node}`;
  return o.area(peer.area) ?? `${peer.area}`;
}
