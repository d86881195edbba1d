/**
 * The phone's outbox (docs/ui.md §Nothing typed is lost): a report is on the phone before the
 * first attempt, every attempt carries the same key, a page reloaded mid-send resumes it, and each
 * answer of the API moves it where it belongs. The sends are a function handed in, scripted per
 * test; the storage is a real Storage-shaped map, shared as two tabs or a reload would share it.
 */
import { describe, expect, it } from 'vitest';
import { ApiFailure, type WriteResult } from './api-client.js';
import type { FiledReply } from './api-types.js';
import { OUTBOX_STORAGE_KEY, Outbox, type OutboxEntry, type OutboxOptions, reportSent } from './outbox.js';

class MapStorage {
  readonly map = new Map<string, string>();
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.map.set(k, v);
  }
}

function filed(id: string): WriteResult<FiledReply> {
  return {
    status: 201,
    replayed: false,
    body: {
      report: {
        id,
        incidentId: id,
        stage: 'initial',
        version: 1,
        origin: 2107,
        hazard: 18,
        createdAt: 0,
        clockUntrusted: false,
        recordedAt: 0,
        exercise: false,
        indicators: {},
      },
      unexplained: [],
      message: { id, href: `/api/messages/${id}` },
    },
  };
}

function box(storage: MapStorage, send: OutboxOptions['send'], person: () => number | undefined = () => 1) {
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const outbox = new Outbox({
    storage,
    send,
    record: reportSent,
    person,
    now: () => 1_000,
    backoff: { random: () => 0 },
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => {},
  });
  return { outbox, timers };
}

const draft = { stage: 'initial' as const, hazard: 18, indicators: { affected: 120 } };
const entry = (key: string) => ({
  key,
  label: 'initial' as const,
  path: '/api/reports',
  body: draft,
  personId: 1,
});

describe('Outbox', () => {
  it('keeps the report on the phone before the first attempt leaves', async () => {
    const storage = new MapStorage();
    let storedWhenSent: OutboxEntry[] | undefined;
    const { outbox } = box(storage, async () => {
      storedWhenSent = JSON.parse(storage.getItem(OUTBOX_STORAGE_KEY) ?? '{}').entries;
      return filed('2107/301');
    });
    outbox.add(entry('k-00000001'));
    await outbox.flush();
    expect(storedWhenSent?.map((e) => e.key)).toEqual(['k-00000001']);
    expect(outbox.entries()).toEqual([]);
    expect(outbox.sent()[0]).toMatchObject({ key: 'k-00000001', messageId: '2107/301', label: 'initial' });
  });

  it('sends the same key on every attempt until the kit answers, waiting longer each time', async () => {
    const storage = new MapStorage();
    const keys: string[] = [];
    let answer = 0;
    const { outbox, timers } = box(storage, async (e) => {
      keys.push(e.key);
      if (++answer < 3) throw new ApiFailure(0, { message: 'Failed to fetch' }, true);
      return filed('2107/302');
    });
    outbox.add(entry('k-00000002'));
    await outbox.flush();
    expect(outbox.entries()[0]).toMatchObject({ state: 'waiting', attempts: 1, nextTryAt: 1_500 });
    await outbox.flush(true);
    expect(outbox.entries()[0]).toMatchObject({ attempts: 2, nextTryAt: 2_000 });
    await outbox.flush(true);
    expect(keys).toEqual(['k-00000002', 'k-00000002', 'k-00000002']);
    expect(outbox.entries()).toEqual([]);
    expect(timers.length).toBeGreaterThan(0);
  });

  it('resumes after a reload: a new outbox on the same storage sends what the old one kept', async () => {
    const storage = new MapStorage();
    const first = box(storage, async () => {
      throw new ApiFailure(0, { message: 'offline' }, true);
    });
    first.outbox.add(entry('k-00000003'));
    await first.outbox.flush();
    const sent: string[] = [];
    const second = box(storage, async (e) => {
      sent.push(e.key);
      return filed('2107/303');
    });
    await second.outbox.flush(true);
    expect(sent).toEqual(['k-00000003']);
    expect(second.outbox.sent()[0]?.messageId).toBe('2107/303');
  });

  it('holds a report whose session ended until its own writer signs in again', async () => {
    const storage = new MapStorage();
    let who: number | undefined = 1;
    let signedIn = false;
    const sent: string[] = [];
    const { outbox } = box(
      storage,
      async (e) => {
        if (!signedIn) throw new ApiFailure(401, { code: 'API_NOT_SIGNED_IN', message: 'sign in' });
        sent.push(e.key);
        return filed('2107/304');
      },
      () => who,
    );
    outbox.add(entry('k-00000004'));
    await outbox.flush();
    expect(outbox.entries()[0]?.state).toBe('sign-in');
    who = 2; // someone else signs in on the shared phone: not theirs to send
    signedIn = true;
    await outbox.flush(true);
    expect(sent).toEqual([]);
    who = 1;
    await outbox.flush();
    expect(sent).toEqual(['k-00000004']);
  });

  it('keeps a refused report as refused, with the problems to correct, and never sends it again', async () => {
    const storage = new MapStorage();
    let calls = 0;
    const { outbox } = box(storage, async () => {
      calls++;
      throw new ApiFailure(400, {
        code: 'REPORT_REJECTED',
        message: 'not filed',
        problems: [{ field: 'explanations.dead', code: 'REPORT_EXPLANATION_MISSING', message: 'why' }],
      });
    });
    outbox.add(entry('k-00000005'));
    await outbox.flush();
    await outbox.flush(true);
    expect(calls).toBe(1);
    expect(outbox.entries()[0]).toMatchObject({ state: 'refused', error: { code: 'REPORT_REJECTED' } });
    expect(outbox.entries()[0]?.error?.problems[0]?.field).toBe('explanations.dead');
  });

  it('tries again, at the wait the kit asks, while its first attempt is still running or it is starting', async () => {
    const storage = new MapStorage();
    const { outbox } = box(storage, async () => {
      throw new ApiFailure(409, {
        code: 'API_IDEMPOTENCY_IN_PROGRESS',
        message: 'running',
        retryAfterMs: 1000,
      });
    });
    outbox.add(entry('k-00000006'));
    await outbox.flush();
    expect(outbox.entries()[0]).toMatchObject({ state: 'waiting', nextTryAt: 2_000 });
  });

  it('never has two attempts of one report in flight, however often it is asked to flush', async () => {
    const storage = new MapStorage();
    let inFlight = 0;
    let most = 0;
    let release: () => void = () => {};
    const { outbox } = box(storage, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => {
        release = r;
      });
      inFlight--;
      return filed('2107/307');
    });
    outbox.add(entry('k-00000007'));
    const flushes = [outbox.flush(true), outbox.flush(true), outbox.flush(true)];
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all(flushes);
    await outbox.flush(true);
    expect(most).toBe(1);
    expect(outbox.sent()).toHaveLength(1);
  });
});
