/**
 * The task book over a real journal file (task-book.ts; docs/teams.md §On disk, §The state of a
 * task): tasks survive a restart as the fold of their messages, a message recorded twice counts
 * once, a damaged line is skipped and never fatal, and a step is checked against where the task
 * stands.
 */
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../base/errors.js';
import { silentLogger } from '../../base/logger.js';
import { T1, T2 } from '../../wire/fixtures/team-messages.js';
import { TaskBook } from './task-book.js';
import type { TaskView } from './task-state.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-tasks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (changed: (t: TaskView) => void = () => {}) =>
  TaskBook.open({ file: join(dir, 'teams.jsonl'), changed, log: silentLogger });

describe('the task book', () => {
  it('keeps tasks across a restart, once each, and skips a damaged line', async () => {
    const told: string[] = [];
    const book = await open((t) => told.push(t.status));
    expect(await book.record(T1, true)).toBe(true);
    expect(await book.record(T2, false)).toBe(true);
    expect(await book.record(T2, false)).toBe(false);
    expect(told).toEqual(['assigned', 'accepted']);
    await book.close();
    expect((await stat(join(dir, 'teams.jsonl'))).mode & 0o777).toBe(0o600);
    await appendFile(join(dir, 'teams.jsonl'), '{"t":"message","frame":"5409"}\n{torn');
    const again = await open();
    expect(again.list()).toHaveLength(1);
    expect(again.get('1/62')).toMatchObject({ status: 'accepted', what: '搜救三组', team: 5003 });
    await again.close();
  });

  it('refuses a step the task cannot take, saying where it stands', async () => {
    const book = await open();
    await book.record(T1, false);
    expect(book.checkStep('1/62', 'accepted').status).toBe('assigned');
    try {
      book.checkStep('1/62', 'done');
      expect.unreachable();
    } catch (err) {
      expect(isKitError(err, 'TEAM_STEP_INVALID')).toBe(true);
      expect((err as Error).message).toContain('accepted, declined');
    }
    expect(() => book.checkStep('1/63', 'accepted')).toThrow(/no task 1\/63/);
    await book.close();
  });
});
