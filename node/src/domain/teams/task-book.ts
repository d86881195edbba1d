/**
 * The tasks held at a node (docs/teams.md §The state of a task): at the centre every task it
 * assigned and the steps its teams took, at a team's kit the tasks sent to it and the steps taken
 * there. Kept in `<data_dir>/teams.jsonl` (message-journal.ts); the state of each task is a fold
 * of its messages (task-state.ts), rebuilt at open.
 */
import { KitError } from '../../base/errors.js';
import type { Logger } from '../../base/logger.js';
import type { MessageOf } from '../../wire/message.js';
import { journalForm, MessageJournal } from './message-journal.js';
import './team-errors.js';
import { messageId, nextSteps, type TaskStep, type TaskView, taskIdOf, taskState } from './task-state.js';

export interface TaskBookOptions {
  file: string;
  /** Told of every task that changed. */
  changed: (task: TaskView) => void;
  log: Logger;
}

export class TaskBook {
  readonly #journal: MessageJournal<never>;
  readonly #o: TaskBookOptions;
  /** Task id → its messages. */
  readonly #tasks = new Map<string, MessageOf<'task'>[]>();
  readonly #seen = new Set<string>();

  private constructor(journal: MessageJournal<never>, o: TaskBookOptions) {
    this.#journal = journal;
    this.#o = o;
  }

  static async open(o: TaskBookOptions): Promise<TaskBook> {
    const { journal, reading } = await MessageJournal.open<'task', never>({
      path: o.file,
      kinds: ['task'],
      isOther: (_line): _line is never => false,
      log: o.log,
    }).catch((cause: unknown) => {
      throw new KitError(
        'TEAM_JOURNAL_FAILED',
        `cannot read the teams journal ${o.file}: ${String(cause)}; check its permissions`,
        { cause },
      );
    });
    const book = new TaskBook(journal, o);
    for (const { message } of reading.messages) book.#hold(message);
    return book;
  }

  /** Records a task message (made here or delivered); false when it was already held. */
  async record(message: MessageOf<'task'>, local: boolean, at = Date.now()): Promise<boolean> {
    if (this.#seen.has(messageId(message))) return false;
    const form = journalForm(message);
    await this.#journal.appendMessage(form.frame, at, local);
    if (!this.#hold(form.message)) return false;
    const task = this.get(taskIdOf(message));
    if (task !== undefined) this.#o.changed(task);
    return true;
  }

  get(id: string): TaskView | undefined {
    const messages = this.#tasks.get(id);
    return messages === undefined ? undefined : taskState(messages);
  }

  /** Every task, the latest assigned first. */
  list(): TaskView[] {
    return [...this.#tasks.values()].map(taskState).sort((a, b) => b.assignedAt - a.assignedAt);
  }

  /**
   * The open tasks of team kit `kit`, each with its messages, the assignment first
   * (docs/kits.md §Open items): what a kit that replaces a lost team kit takes into its own book.
   */
  openFor(kit: number): Array<{ task: TaskView; messages: MessageOf<'task'>[] }> {
    const out: Array<{ task: TaskView; messages: MessageOf<'task'>[] }> = [];
    for (const messages of this.#tasks.values()) {
      const task = taskState(messages);
      if (task.team === kit && task.open)
        out.push({
          task,
          messages: [...messages].sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq),
        });
    }
    return out.sort((a, b) => a.task.assignedAt - b.task.assignedAt);
  }

  /** The task, if it may take `step` now; else the reason as a KitError. */
  checkStep(id: string, step: TaskStep): TaskView {
    const task = this.get(id);
    if (task === undefined) throw new KitError('TEAM_TASK_UNKNOWN', `no task ${id} here`);
    if (!nextSteps(task.status).includes(step))
      throw new KitError(
        'TEAM_STEP_INVALID',
        `task ${id} is ${task.status}: it may move to ${nextSteps(task.status).join(', ') || 'nothing more'}, not ${step}`,
      );
    return task;
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  #hold(message: MessageOf<'task'>): boolean {
    const id = messageId(message);
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    const task = taskIdOf(message);
    const list = this.#tasks.get(task);
    if (list === undefined) this.#tasks.set(task, [message]);
    else list.push(message);
    return true;
  }
}
