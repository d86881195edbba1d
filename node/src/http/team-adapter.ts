/**
 * The teams workflow behind the API (docs/teams.md): TeamsService over the task book, the
 * position board and NodeCore. The centre assigns tasks (a task message to the team's kit alone);
 * the team's kit takes each step (a task message to the centre) and sends its members' positions
 * from their phones, rate-limited (position-board.ts positionDue). Names come from the roster here
 * and never go on air.
 */
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { type PositionBoard, positionDue, positionView } from '../domain/teams/position-board.js';
import type { Team } from '../domain/teams/team.js';
import '../domain/teams/team-errors.js';
import type { TaskBook } from '../domain/teams/task-book.js';
import { messageId, nextSteps, type TaskStep, type TaskView } from '../domain/teams/task-state.js';
import { isAreaCode } from '../wire/field-codecs.js';
import { MAX_TASK_TEXT_BYTES } from '../wire/kinds/task.js';
import type { ApiPerson } from './people-directory.js';
import { type OwnMessageDeps, submitOwn, utf8Bytes } from './team-own-message.js';
import type {
  PositionApiView,
  PositionInput,
  StepInput,
  TaskApiView,
  TaskInput,
  TeamsService,
  TeamView,
} from './team-service.js';

/** A task and its steps live a day: a team that has not heard of it by then is told again. */
const TASK_LIFETIME_MIN = 24 * 60;
/** A position is worth an hour at most. */
const POSITION_LIFETIME_MIN = 60;

export interface TeamAdapterOptions extends OwnMessageDeps {
  tasks: TaskBook;
  positions: PositionBoard;
  nodeId: number;
  centre: boolean;
  teams: () => readonly Team[];
  /** How often a phone's position may go on air (position-board.ts positionDue). */
  rule: { intervalMs: number; moveM: number };
  drill?: boolean;
  personName: (id: number) => string | undefined;
  /** Told of a position this node sent. */
  positionSent?: (p: PositionApiView) => void;
  now: () => number;
  log: Logger;
}

export class TeamAdapter implements TeamsService {
  readonly #o: TeamAdapterOptions;
  /** The last position sent per person here, for the rate limit. */
  readonly #lastSent = new Map<number, { at: number; point: { lat: number; lon: number } }>();

  constructor(o: TeamAdapterOptions) {
    this.#o = o;
  }

  get centre(): boolean {
    return this.#o.centre;
  }

  get ownTeam(): number | undefined {
    return this.#o.centre ? undefined : this.#team(this.#o.nodeId)?.kit;
  }

  teams(): TeamView[] {
    const tasks = this.#o.tasks.list();
    // The centre sees every team; a kit its own, if it is a team's.
    return this.#o
      .teams()
      .filter((t) => this.#o.centre || t.kit === this.#o.nodeId)
      .map((t) => ({
        kit: t.kit,
        name: t.name,
        members: t.members.map((id) => {
          const name = this.#o.personName(id);
          const position = this.#o.positions.latest(t.kit, id);
          return {
            id,
            leader: id === t.leader,
            ...(name === undefined ? {} : { name }),
            ...(position === undefined ? {} : { position }),
          };
        }),
        open: tasks.filter((k) => k.team === t.kit && k.open).length,
      }));
  }

  tasks(): TaskApiView[] {
    return this.#o.tasks.list().map((t) => this.#view(t));
  }

  task(id: string): TaskApiView | undefined {
    const t = this.#o.tasks.get(id);
    return t === undefined ? undefined : this.#view(t);
  }

  positions(): PositionApiView[] {
    return this.#o.positions.list().map((p) => this.#positionView(p));
  }

  async assign(input: TaskInput, by: ApiPerson): Promise<{ task: TaskApiView; message: string }> {
    if (!this.#o.centre)
      throw new KitError('TEAM_NOT_HERE', 'tasks are assigned at the centre: this node is a kit');
    const team = this.#team(input.team);
    if (team === undefined)
      throw new KitError(
        'TEAM_UNKNOWN',
        `no team has kit ${input.team}: the teams section names ${
          this.#o
            .teams()
            .map((t) => t.kit)
            .join(', ') || 'none'
        }`,
      );
    checkText(input.what, 'what');
    if (input.what.trim() === '') throw new KitError('TEAM_TASK_INVALID', 'what: say what the team is to do');
    if (input.area !== undefined && !isAreaCode(input.area))
      throw new KitError('TEAM_TASK_INVALID', `area: ${input.area} is no 6, 9 or 12 digit area code`);
    const now = this.#o.now();
    if (input.due !== undefined && input.due <= now)
      throw new KitError('TEAM_TASK_INVALID', 'due: the time is already past; give a time to come');
    const message = await submitOwn(this.#o, {
      kind: 'task',
      body: {
        step: 'assigned',
        what: input.what,
        ...(input.point === undefined ? {} : { point: input.point }),
        ...(input.area === undefined ? {} : { area: input.area }),
        ...(input.due === undefined ? {} : { due: Math.ceil(input.due / 1000) }),
        person: by.id,
      },
      dest: { to: 'node', node: team.kit },
      priority: 1,
      lifetimeMin: TASK_LIFETIME_MIN,
      flags: this.#o.drill === true ? ['exercise'] : [],
    });
    await this.#o.tasks.record(message, true, now);
    const id = messageId(message);
    this.#o.log.info({ task: id, team: team.kit, by: by.id }, 'task assigned');
    return { task: this.#view(this.#must(id)), message: id };
  }

  async step(id: string, input: StepInput, by: ApiPerson): Promise<{ task: TaskApiView; message: string }> {
    if (this.#o.centre)
      throw new KitError('TEAM_NOT_HERE', 'steps are taken at the team’s kit: the centre assigns');
    const task = this.#o.tasks.checkStep(id, input.step);
    if (input.note !== undefined) checkText(input.note, 'note');
    if (input.step === 'declined' && (input.note ?? '').trim() === '')
      throw new KitError('TEAM_TASK_INVALID', 'note: say why the task is declined');
    const [origin, seq] = id.split('/').map(Number) as [number, number];
    const message = await submitOwn(this.#o, {
      kind: 'task',
      body: {
        step: input.step,
        task: { origin, seq },
        ...(input.note === undefined || input.note === '' ? {} : { what: input.note }),
        person: by.id,
      },
      dest: { to: 'centre' },
      priority: 1,
      lifetimeMin: TASK_LIFETIME_MIN,
      flags: task.exercise ? ['exercise'] : [],
    });
    await this.#o.tasks.record(message, true, this.#o.now());
    this.#o.log.info({ task: id, step: input.step, by: by.id }, 'task step taken');
    return { task: this.#view(this.#must(id)), message: messageId(message) };
  }

  async reportPosition(
    input: PositionInput,
    by: ApiPerson,
  ): Promise<{ sent: true; message: string } | { sent: false; nextAt: number }> {
    if (this.#o.centre || this.ownTeam === undefined)
      throw new KitError('TEAM_NOT_HERE', 'positions are sent from a team’s kit: this node has no team');
    const now = this.#o.now();
    const point = { lat: input.lat, lon: input.lon };
    const due = positionDue(this.#lastSent.get(by.id), { at: now, point }, this.#o.rule);
    if (!due.due) return { sent: false, nextAt: due.nextAt };
    this.#lastSent.set(by.id, { at: now, point });
    const message = await submitOwn(this.#o, {
      kind: 'position',
      body: {
        point,
        person: by.id,
        ...(input.accuracyM === undefined
          ? {}
          : { accuracyM: Math.min(100_000, Math.round(input.accuracyM)) }),
      },
      dest: { to: 'centre' },
      priority: 2,
      lifetimeMin: POSITION_LIFETIME_MIN,
      flags: this.#o.drill === true ? ['exercise'] : [],
    });
    const kept = this.#o.positions.record(positionView(message));
    if (kept !== undefined) this.#o.positionSent?.(this.#positionView(kept));
    return { sent: true, message: messageId(message) };
  }

  /** The API view of a position: with the member's and team's names, from the roster here. */
  positionView(p: Parameters<PositionBoard['record']>[0]): PositionApiView {
    return this.#positionView(p);
  }

  /** The API view of a task. */
  view(t: TaskView): TaskApiView {
    return this.#view(t);
  }

  #positionView(p: Parameters<PositionBoard['record']>[0]): PositionApiView {
    const name = p.person === undefined ? undefined : this.#o.personName(p.person);
    const teamName = this.#team(p.node)?.name;
    return { ...p, ...(name === undefined ? {} : { name }), ...(teamName === undefined ? {} : { teamName }) };
  }

  #view(t: TaskView): TaskApiView {
    const teamName = this.#team(t.team)?.name;
    const assignedByName = t.assignedBy === undefined ? undefined : this.#o.personName(t.assignedBy);
    const next: TaskStep[] = this.#o.centre || !t.complete ? [] : [...nextSteps(t.status)];
    return {
      ...t,
      ...(teamName === undefined ? {} : { teamName }),
      ...(assignedByName === undefined ? {} : { assignedByName }),
      next,
    };
  }

  #team(kit: number): Team | undefined {
    return this.#o.teams().find((t) => t.kit === kit);
  }

  #must(id: string): TaskView {
    const t = this.#o.tasks.get(id);
    if (t === undefined) throw new TypeError(`task ${id} was recorded but is not in the book`);
    return t;
  }
}

function checkText(text: string, field: string): void {
  const n = utf8Bytes(text);
  if (n > MAX_TASK_TEXT_BYTES)
    throw new KitError(
      'TEAM_TASK_INVALID',
      `${field}: ${n} bytes, over the ${MAX_TASK_TEXT_BYTES} a task carries (40 Chinese characters): shorten it`,
    );
}
