/**
 * What the team routes need (docs/api.md §Teams; docs/teams.md): the teams with their members and
 * where each was last, the tasks held here, assigning a task at the centre, taking a step at the
 * team's kit, and a phone's position at the kit. team-adapter.ts implements it over the task book
 * and the position board (node/src/domain/teams/) and NodeCore.
 */
import type { PositionView } from '../domain/teams/position-board.js';
import type { TaskStep, TaskView } from '../domain/teams/task-state.js';
import type { ApiPerson } from './people-directory.js';

export interface MemberView {
  id: number;
  name?: string;
  leader: boolean;
  position?: PositionView;
}

export interface TeamView {
  kit: number;
  name: string;
  members: MemberView[];
  /** Tasks not yet done or declined. */
  open: number;
}

export interface TaskApiView extends TaskView {
  teamName?: string;
  assignedByName?: string;
  /** The steps it may take next, at this node. */
  next: TaskStep[];
}

export interface PositionApiView extends PositionView {
  name?: string;
  teamName?: string;
}

/** The body of POST /api/teams/tasks. */
export interface TaskInput {
  team: number;
  what: string;
  point?: { lat: number; lon: number };
  area?: number;
  /** By when, unix ms. */
  due?: number;
}

/** The body of POST /api/teams/tasks/{origin}/{seq}/steps. */
export interface StepInput {
  step: Exclude<TaskStep, 'assigned'>;
  note?: string;
}

/** The body of POST /api/teams/positions. */
export interface PositionInput {
  lat: number;
  lon: number;
  accuracyM?: number;
}

export interface TeamsService {
  /** Whether this node is the centre (assigns) or a team's kit (takes steps). */
  readonly centre: boolean;
  /** The team whose kit this is, at a kit. */
  readonly ownTeam: number | undefined;
  teams(): TeamView[];
  tasks(): TaskApiView[];
  task(id: string): TaskApiView | undefined;
  positions(): PositionApiView[];
  assign(input: TaskInput, by: ApiPerson): Promise<{ task: TaskApiView; message: string }>;
  step(id: string, input: StepInput, by: ApiPerson): Promise<{ task: TaskApiView; message: string }>;
  reportPosition(
    input: PositionInput,
    by: ApiPerson,
  ): Promise<{ sent: true; message: string } | { sent: false; nextAt: number }>;
}

/**
 * What the teams and texts workflows tell the event streams (docs/api.md §Events): a task that
 * changed, a member's new position, a text sent or received here with its conversation's unread
 * count. Signed-in streams only: they carry names.
 */
export type TeamEvent =
  | { task: TaskApiView }
  | { position: PositionApiView }
  | { text: import('./text-service.js').TextView; unread: number };
