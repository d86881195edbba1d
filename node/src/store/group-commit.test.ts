/**
 * Tests for group-commit.ts: groups written one at a time, a lone write at once, what comes
 * meanwhile in one group, a failure failing the group behind it, and what reads see. The write is
 * the injected dependency, held open or failed by the test (message-store.test.ts runs the same
 * pipeline on LevelDB).
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit, type StagedOp } from './group-commit.js';

interface Call {
  ops: readonly StagedOp[];
  sync: boolean;
  finish(): void;
  fail(err: Error): void;
}

function rig(recent: Array<'meta' | 'msg'> = []) {
  const calls: Call[] = [];
  const failures: unknown[] = [];
  const commit = new GroupCommit({
    write: (ops, sync) =>
      new Promise<void>((resolve, reject) => calls.push({ ops, sync, finish: resolve, fail: reject })),
    onFailed: (err) => failures.push(err),
    recent,
    recentSize: 4,
  });
  return { commit, calls, failures };
}

const put = (key: string, byte = 1): StagedOp => ({ sub: 'meta', key, value: Uint8Array.of(byte) });
const turn = () => new Promise<void>((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('writes a lone change at once, without waiting for a timer', async () => {
    const { commit, calls } = rig();
    void commit.stage([put('a')], true);
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toHaveLength(1);
    expect(commit.syncs).toEqual({ started: 1, completed: 0 });
  });

  it('puts what is staged while a group is written into one next group, with one sync', async () => {
    const { commit, calls } = rig();
    const first = commit.stage([put('a')], true);
    await turn();
    const rest = ['b', 'c', 'd'].map((k) => commit.stage([put(k)], k !== 'c'));
    await turn();
    expect(calls).toHaveLength(1); // one group at a time
    calls[0]?.finish();
    await first;
    await turn();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.ops.map((o) => o.key)).toEqual(['b', 'c', 'd']);
    expect(calls[1]?.sync).toBe(true);
    let settled = 0;
    for (const p of rest) void p.then(() => settled++);
    await turn();
    expect(settled).toBe(0); // nobody is told before the write that holds them is done
    calls[1]?.finish();
    await Promise.all(rest);
    expect(commit.syncs).toEqual({ started: 2, completed: 2 });
  });

  it('shows what is staged to reads, and keeps the newest written value of the recent sublevels', async () => {
    const { commit, calls } = rig(['meta']);
    void commit.stage([put('a', 1)], false);
    expect(commit.lookup('meta', 'a')?.value).toEqual(Uint8Array.of(1));
    void commit.stage([{ sub: 'meta', key: 'a' }], false);
    expect(commit.lookup('meta', 'a')).toEqual({ value: undefined }); // deleted, not unknown
    await turn();
    calls[0]?.finish();
    await commit.idle();
    expect(commit.lookup('meta', 'a')).toMatchObject({ value: undefined });
    void commit.stage([{ sub: 'out', key: 'x', value: Uint8Array.of(9) }], false);
    await turn();
    calls[1]?.finish();
    await commit.idle();
    expect(commit.lookup('out', 'x')).toBeUndefined(); // not a recent sublevel: read the disk
  });

  it('writes only the last change of a key in one group', async () => {
    const { commit, calls } = rig();
    void commit.stage([put('a')], true);
    await turn();
    void commit.stage([put('k', 1)], false);
    void commit.stage([put('k', 2), put('z')], false);
    calls[0]?.finish();
    await turn();
    expect(calls[1]?.ops).toEqual([put('k', 2), put('z')]);
  });

  it('fails the group behind a failed one, forgets both, and writes the next as usual', async () => {
    const { commit, calls, failures } = rig(['meta']);
    const first = commit.stage([put('a')], true);
    await turn();
    const behind = commit.stage([put('b')], true);
    calls[0]?.fail(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await expect(behind).rejects.toThrow('disk full');
    expect(failures).toHaveLength(1);
    expect(commit.lookup('meta', 'a')).toBeUndefined();
    expect(commit.lookup('meta', 'b')).toBeUndefined();
    const next = commit.stage([put('c')], true);
    await turn();
    expect(calls.at(-1)?.ops).toEqual([put('c')]);
    calls.at(-1)?.finish();
    await next;
  });

  it('does not keep a value read from the disk when a write of that key landed during the read', async () => {
    const { commit, calls } = rig(['meta']);
    const epoch = commit.epoch;
    void commit.stage([put('a', 2)], false);
    await turn();
    calls[0]?.finish();
    await commit.idle();
    commit.remember('meta', 'a', Uint8Array.of(1), epoch); // the read began before the write landed
    expect(commit.lookup('meta', 'a')?.value).toEqual(Uint8Array.of(2));
    commit.remember('meta', 'b', Uint8Array.of(5), commit.epoch);
    expect(commit.lookup('meta', 'b')?.value).toEqual(Uint8Array.of(5));
  });
});
