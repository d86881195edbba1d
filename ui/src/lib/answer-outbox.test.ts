/**
 * Answers to a warning on the phone (docs/ui.md §Warnings, Answer in two taps): kept in the
 * reports' outbox under a key of their own before the first attempt, one idempotency key for every
 * attempt, a second tap of the same answer adding nothing, a report of action after a 收到 (or with
 * more people moved) going as a new answer, and the alarm closing for the person who answered.
 * The outbox is the real one, on a Storage-shaped map shared as a reload would share it.
 */
import { describe, expect, it } from 'vitest';
import {
  ANSWER_OUTBOX_KEY,
  type AnswerLabel,
  type AnswerOutbox,
  type AnswerSent,
  answerPath,
  answerSent,
  keepAnswer,
  phoneAnswer,
  stillToAnswer,
  warningOfPath,
} from './answer-outbox.js';
import { ApiFailure, type WriteResult } from './api-client.js';
import type { AnswerInput, AnswerResult } from './api-types.js';
import { OUTBOX_STORAGE_KEY, Outbox, type OutboxEntry } from './outbox.js';

class MapStorage {
  readonly map = new Map<string, string>();
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.map.set(k, v);
  }
}

const W = '1/42';

function taken(entry: OutboxEntry<AnswerInput, AnswerLabel>): WriteResult<AnswerResult> {
  return {
    status: 201,
    replayed: false,
    body: { warning: W, person: entry.personId, state: entry.label, sending: 'at-once' },
  };
}

function answerBox(
  storage: MapStorage,
  send: (e: OutboxEntry<AnswerInput, AnswerLabel>) => Promise<WriteResult<AnswerResult>>,
): AnswerOutbox {
  return new Outbox({
    storage,
    storageKey: ANSWER_OUTBOX_KEY,
    send,
    record: answerSent,
    person: () => 7,
    now: () => 5_000,
    backoff: { random: () => 0 },
    setTimer: () => 0,
    clearTimer: () => {},
  });
}

describe('answers in the outbox', () => {
  it('are on the phone, under their own key, before the first attempt leaves, and go to the warning’s route', async () => {
    const storage = new MapStorage();
    let seen: { stored: unknown; path: string } | undefined;
    const box = answerBox(storage, async (e) => {
      seen = { stored: JSON.parse(storage.getItem(ANSWER_OUTBOX_KEY) ?? '{}').entries, path: e.path };
      return taken(e);
    });
    keepAnswer(box, { warning: W, person: 7, input: { state: 'acknowledged' }, key: 'a-00000001' });
    await box.flush();
    expect(seen?.path).toBe('/api/warnings/1/42/answers');
    expect((seen?.stored as Array<{ key: string }> | undefined)?.map((e) => e.key)).toEqual(['a-00000001']);
    // The reports' outbox does not hold it: a report's list never shows an answer.
    expect(storage.getItem(OUTBOX_STORAGE_KEY)).toBeNull();
    expect(box.sent()[0]).toMatchObject({
      key: 'a-00000001',
      warning: W,
      label: 'acknowledged',
      sending: 'at-once',
    });
  });

  it('sends the same key on every attempt while the kit is away, and leaves the outbox once taken', async () => {
    const storage = new MapStorage();
    const keys: string[] = [];
    let tries = 0;
    const box = answerBox(storage, async (e) => {
      keys.push(e.key);
      if (++tries < 3) throw new ApiFailure(0, { message: 'Failed to fetch' }, true);
      return taken(e);
    });
    keepAnswer(box, { warning: W, person: 7, input: { state: 'acted', evacuated: 12 }, key: 'a-00000002' });
    await box.flush();
    await box.flush(true);
    await box.flush(true);
    expect(keys).toEqual(['a-00000002', 'a-00000002', 'a-00000002']);
    expect(box.entries()).toEqual([]);
    expect(box.sent()[0]).toMatchObject({ label: 'acted', evacuated: 12 });
  });

  it('keeps a second 收到 of the same person once, while the first waits and after it went', async () => {
    const storage = new MapStorage();
    let online = false;
    const box = answerBox(storage, async (e) => {
      if (!online) throw new ApiFailure(0, { message: 'offline' }, true);
      return taken(e);
    });
    expect(
      keepAnswer(box, { warning: W, person: 7, input: { state: 'acknowledged' }, key: 'k1-0000000' }),
    ).toBeDefined();
    await box.flush();
    expect(
      keepAnswer(box, { warning: W, person: 7, input: { state: 'acknowledged' }, key: 'k2-0000000' }),
    ).toBeUndefined();
    online = true;
    await box.flush(true);
    expect(
      keepAnswer(box, { warning: W, person: 7, input: { state: 'acknowledged' }, key: 'k3-0000000' }),
    ).toBeUndefined();
    expect(box.sent().map((s) => s.key)).toEqual(['k1-0000000']);
    // Another warning, or another person on the shared phone, is another answer.
    expect(
      keepAnswer(box, { warning: '1/43', person: 7, input: { state: 'acknowledged' }, key: 'k4-0000000' }),
    ).toBeDefined();
    expect(
      keepAnswer(box, { warning: W, person: 8, input: { state: 'acknowledged' }, key: 'k5-0000000' }),
    ).toBeDefined();
  });

  it('sends a report of action after a 收到, and again only with more people moved', () => {
    const storage = new MapStorage();
    const box = answerBox(storage, async () => {
      throw new ApiFailure(0, { message: 'offline' }, true);
    });
    keepAnswer(box, { warning: W, person: 7, input: { state: 'acknowledged' }, key: 'k1-0000000' });
    expect(
      keepAnswer(box, { warning: W, person: 7, input: { state: 'acted', evacuated: 5 }, key: 'k2-0000000' }),
    ).toBeDefined();
    expect(
      keepAnswer(box, { warning: W, person: 7, input: { state: 'acted', evacuated: 3 }, key: 'k3-0000000' }),
    ).toBeUndefined();
    expect(
      keepAnswer(box, { warning: W, person: 7, input: { state: 'acted', evacuated: 9 }, key: 'k4-0000000' }),
    ).toBeDefined();
    // A 收到 after acting says nothing new.
    expect(
      keepAnswer(box, { warning: W, person: 7, input: { state: 'acknowledged' }, key: 'k5-0000000' }),
    ).toBeUndefined();
    expect(phoneAnswer(box.entries(), box.sent(), W, 7)).toEqual({
      state: 'acted',
      evacuated: 9,
      where: 'kept',
    });
  });

  it('lets a refused answer be made again', async () => {
    const storage = new MapStorage();
    const box = answerBox(storage, async () => {
      throw new ApiFailure(409, { code: 'WARNING_CLOSED', message: 'cancelled' });
    });
    keepAnswer(box, { warning: W, person: 7, input: { state: 'acknowledged' }, key: 'k1-0000000' });
    await box.flush();
    expect(box.entries()[0]?.state).toBe('refused');
    expect(phoneAnswer(box.entries(), box.sent(), W, 7)?.where).toBe('refused');
    expect(
      keepAnswer(box, { warning: W, person: 7, input: { state: 'acknowledged' }, key: 'k2-0000000' }),
    ).toBeDefined();
  });
});

describe('stillToAnswer', () => {
  const sent = (warning: string, personId: number): AnswerSent => ({
    key: `k-${warning}-${personId}`,
    label: 'acknowledged',
    personId,
    warning,
    sending: 'at-once',
    sentAt: 1,
    replayed: false,
  });

  it('closes the alarm for the person who answered from this phone, kept or sent, and for nobody else', () => {
    const kept = {
      key: 'k',
      label: 'acknowledged' as const,
      path: answerPath('1/2'),
      body: { state: 'acknowledged' as const },
      personId: 7,
      createdAt: 0,
      attempts: 0,
      state: 'waiting' as const,
    };
    const unanswered = ['1/1', '1/2', '1/3'];
    expect(stillToAnswer(unanswered, [kept], [sent('1/1', 7)], 7)).toEqual(['1/3']);
    expect(stillToAnswer(unanswered, [kept], [sent('1/1', 7)], 8)).toEqual(unanswered);
    // Signed out: the kit's alarm is everyone's.
    expect(stillToAnswer(unanswered, [kept], [sent('1/1', 7)], undefined)).toEqual(unanswered);
    expect(stillToAnswer(unanswered, [{ ...kept, state: 'refused' }], [], 7)).toEqual(unanswered);
  });

  it('reads the warning back from the route', () => {
    expect(warningOfPath(answerPath('2107/9'))).toBe('2107/9');
    expect(warningOfPath('/api/reports')).toBeUndefined();
  });
});
