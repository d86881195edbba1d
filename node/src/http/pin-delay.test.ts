import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { PIN, startTestApi } from './api-fixtures.js';
import { PinDelay } from './pin-delay.js';

/** A clock that only moves when a sleep is taken: every wait is recorded, none is real. */
function virtualTime() {
  const t = { now: 0, slept: [] as number[] };
  return {
    t,
    now: () => t.now,
    sleep: async (ms: number) => {
      t.slept.push(ms);
      t.now += ms;
    },
  };
}

const wrong = async () => false;
const right = async () => true;

describe('the delay after wrong PINs', () => {
  it('grows 0, 1, 2, 4 … s per client and stops at 30 s', async () => {
    const v = virtualTime();
    const delay = new PinDelay({ now: v.now, sleep: v.sleep });
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push((await delay.attempt('a', wrong)).retryAfterMs);
    expect(v.t.slept).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(answers).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('never locks out: the right PIN after the wait signs in, however many wrong ones came before', async () => {
    const v = virtualTime();
    const delay = new PinDelay({ now: v.now, sleep: v.sleep });
    for (let i = 0; i < 50; i++) await delay.attempt('a', wrong);
    v.t.slept = [];
    expect(await delay.attempt('a', right)).toEqual({ ok: true, retryAfterMs: 0 });
    expect(v.t.slept).toEqual([30_000]);
    // and then the count is clear
    expect(await delay.attempt('a', wrong)).toEqual({ ok: false, retryAfterMs: 1000 });
  });

  it('keeps clients apart: one device’s failures do not slow another', async () => {
    const v = virtualTime();
    const delay = new PinDelay({ now: v.now, sleep: v.sleep });
    for (let i = 0; i < 6; i++) await delay.attempt('prankster', wrong);
    v.t.slept = [];
    expect((await delay.attempt('officer', right)).ok).toBe(true);
    expect(v.t.slept).toEqual([]);
  });

  it('forgets one failure per quiet minute', async () => {
    const v = virtualTime();
    const delay = new PinDelay({ now: v.now, sleep: v.sleep });
    for (let i = 0; i < 4; i++) await delay.attempt('a', wrong); // 4 failures: the next waits 8 s
    v.t.now += 3 * 60_000;
    expect(delay.waitFor('a')).toBe(0);
    expect((await delay.attempt('a', wrong)).retryAfterMs).toBe(2000); // 4 − 3 + 1 = 2 failures
  });

  it('takes one client’s attempts one at a time, and refuses more than three waiting at once', async () => {
    const v = virtualTime();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const delay = new PinDelay({ now: v.now, sleep: () => gate });
    await delay.attempt('a', wrong);
    const queued = [delay.attempt('a', wrong), delay.attempt('a', wrong), delay.attempt('a', wrong)];
    await expect(delay.attempt('a', wrong)).rejects.toSatisfy((e) => isKitError(e, 'API_SIGN_IN_BUSY'));
    release();
    await Promise.all(queued);
  });

  it('forgets the quietest clients beyond its bound', async () => {
    const v = virtualTime();
    const delay = new PinDelay({ now: v.now, sleep: v.sleep, maxClients: 10 });
    for (let i = 0; i < 100; i++) await delay.attempt(`c${i}`, wrong);
    expect(delay.tracked).toBeLessThanOrEqual(10);
  });
});

describe('the delay over HTTP', () => {
  it('answers each wrong PIN with the wait it earned, and holds no other client meanwhile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-pin-'));
    let now = 0;
    const slept: number[] = [];
    let release: () => void = () => {};
    let hold = false;
    const api = await startTestApi(dir, {
      monotonic: () => now,
      pinDelay: {
        now: () => now,
        sleep: (ms) => {
          slept.push(ms);
          if (!hold) {
            now += ms;
            return Promise.resolve();
          }
          return new Promise<void>((r) => {
            release = () => {
              now += ms;
              r();
            };
          });
        },
      },
    });
    api.server.markReady();
    try {
      const prankster = api.client();
      const answers = [];
      for (let i = 0; i < 4; i++) {
        const res = await prankster.signIn(1, '111111');
        expect(res.status).toBe(401);
        answers.push(res.json.retryAfterMs);
        expect(res.headers['retry-after']).toBe(String(Math.ceil(res.json.retryAfterMs / 1000)));
      }
      expect(answers).toEqual([1000, 2000, 4000, 8000]);
      expect(slept).toEqual([1000, 2000, 4000]);

      // The prankster's next attempt waits 8 s on a timer that does not fire by itself.
      hold = true;
      const waiting = prankster.signIn(1, '111111');
      await new Promise((r) => setTimeout(r, 50));
      expect(slept.at(-1)).toBe(8000);
      // Meanwhile another device signs in at once, and the node answers everyone else.
      const officer = api.client();
      officer.localAddress = '127.0.0.2';
      expect((await officer.signIn(1, PIN)).status).toBe(200);
      expect((await api.client().request('GET', '/api/health')).status).toBe(200);
      release();
      expect((await waiting).status).toBe(401);
    } finally {
      await api.server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
