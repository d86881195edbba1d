/**
 * Answers travel together (answer-bundler.ts; docs/warnings.md §Answers travel together;
 * docs/wire-format.md §4.3): the first answer at once, the window's answers in one ack, a person
 * once per ack, notes leading their own, and the bytes an answer costs on air.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../../test/kit-errors.js';
import { macAuthenticator } from '../../crypto/authenticate.js';
import { fixtureMacKey } from '../../wire/fixtures/fixture-keys.js';
import type { AckBody } from '../../wire/kinds/ack.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../../wire/message.js';
import { AnswerBundler, DEFAULT_ANSWER_HOLD_MS, type PersonAnswer } from './answer-bundler.js';

const WARNING = { origin: 1, seq: 500 };
const answer = (person: number, extra: Partial<PersonAnswer> = {}): PersonAnswer => ({
  warning: WARNING,
  person,
  state: 'acknowledged',
  ...extra,
});

let sent: AckBody[];
let timers: Array<{ fn: () => void; ms: number; cleared: boolean }>;
let bundler: AnswerBundler;
/** Ends the oldest window still running. */
const windowEnds = () => {
  const t = timers.find((x) => !x.cleared);
  if (t === undefined) throw new Error('no window is open');
  t.cleared = true;
  t.fn();
};

beforeEach(() => {
  sent = [];
  timers = [];
  bundler = new AnswerBundler({
    send: async (body) => {
      sent.push(body);
    },
    setTimer: (fn, ms) => {
      timers.push({ fn, ms, cleared: false });
      return timers.length as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimer: (t) => {
      const timer = timers[(t as unknown as number) - 1];
      if (timer) timer.cleared = true;
    },
  });
});

describe('AnswerBundler', () => {
  it('sends the first answer at once and the next 29 of the window in one ack', async () => {
    await bundler.add(answer(1));
    expect(sent).toEqual([{ warning: WARNING, state: 'acknowledged', person: 1 }]);
    expect(timers[0]?.ms).toBe(10_000);
    for (let p = 2; p <= 30; p++)
      await bundler.add(answer(p, p % 3 === 0 ? { state: 'acted', evacuated: p } : {}));
    expect(sent).toHaveLength(1);
    windowEnds();
    expect(sent).toHaveLength(2);
    const bundle = sent[1] as AckBody;
    expect(bundle.person).toBe(2);
    expect(bundle.others).toHaveLength(28);
    expect(bundle.others?.[1]).toEqual({ person: 4, state: 'acknowledged' });
    expect(bundle.others?.[0]).toEqual({ person: 3, state: 'acted', evacuated: 3 });
  });

  it('keeps a window open while it brings answers, and sends at once again after an empty one', async () => {
    await bundler.add(answer(1));
    await bundler.add(answer(2));
    windowEnds();
    await bundler.add(answer(3)); // within the window the bundle opened
    expect(sent.map((b) => b.person)).toEqual([1, 2]);
    windowEnds();
    expect(sent.map((b) => b.person)).toEqual([1, 2, 3]);
    windowEnds(); // empty: closes
    await bundler.add(answer(4));
    expect(sent.map((b) => b.person)).toEqual([1, 2, 3, 4]);
  });

  it('sends a person once per window, with the further state and the larger counts', async () => {
    await bundler.add(answer(1));
    await bundler.add(answer(2, { state: 'acted', evacuated: 12 }));
    await bundler.add(answer(2, { state: 'acknowledged', evacuated: 5, notified: 40 }));
    windowEnds();
    expect(sent[1]).toEqual({ warning: WARNING, state: 'acted', person: 2, evacuated: 12, notified: 40 });
  });

  it('lets an answer with a note lead an ack of its own, and splits more than one ack can carry', async () => {
    await bundler.add(answer(1));
    await bundler.add(answer(2, { note: '桥断，绕行' }));
    for (let p = 3; p <= 72; p++) await bundler.add(answer(p));
    windowEnds();
    const rest = sent.slice(1);
    expect(rest.map((b) => [b.person, b.others?.length ?? 0, b.note])).toEqual([
      [2, 0, '桥断，绕行'],
      [3, 64, undefined],
      [68, 4, undefined],
    ]);
  });

  it('keeps windows apart per warning, and flush() sends what is held', async () => {
    await bundler.add(answer(1));
    await bundler.add({ ...answer(1), warning: { origin: 1, seq: 501 } });
    await bundler.add(answer(2));
    expect(sent).toHaveLength(2);
    await bundler.flush();
    expect(sent.map((b) => [b.warning.seq, b.person])).toEqual([
      [500, 1],
      [501, 1],
      [500, 2],
    ]);
    expect(timers.every((t) => t.cleared)).toBe(true);
  });
});

describe('AnswerBundler under load: answers wait for the ack in flight', () => {
  let clock: number;
  let due: Array<{ at: number; fn: () => void; live: boolean }>;
  let acks: Array<{ at: number; body: AckBody }>;
  let b: AnswerBundler;
  /** Runs the simulated time on to `t`, firing the timers due on the way in order. */
  const runTo = async (t: number) => {
    for (;;) {
      const next = due.filter((d) => d.live && d.at <= t).sort((x, y) => x.at - y.at)[0];
      if (next === undefined) break;
      clock = next.at;
      next.live = false;
      next.fn();
      await new Promise((r) => setImmediate(r));
    }
    clock = t;
  };
  beforeEach(() => {
    clock = 0;
    due = [];
    acks = [];
    b = new AnswerBundler({
      send: async (body) => {
        acks.push({ at: clock, body });
        return `2101/${acks.length}`;
      },
      setTimer: (fn, ms) => {
        due.push({ at: clock + ms, fn, live: true });
        return due.length as unknown as ReturnType<typeof setTimeout>;
      },
      clearTimer: (t) => {
        const d = due[(t as unknown as number) - 1];
        if (d) d.live = false;
      },
    });
  });
  const persons = () => acks.map((a) => [a.body.person, ...(a.body.others ?? []).map((o) => o.person)]);

  it('sends four answers 30 s apart in two acks while the first is unconfirmed: the first at once', async () => {
    for (let p = 1; p <= 4; p++) {
      await runTo((p - 1) * 30_000);
      await b.add(answer(p));
    }
    expect(acks.map((a) => a.at)).toEqual([0]);
    await runTo(200_000);
    expect(persons()).toEqual([[1], [2, 3, 4]]);
    // Held at most the hold (90 s) after the window that would have sent the second alone.
    expect(acks[1]?.at).toBe(30_000 + DEFAULT_ANSWER_HOLD_MS);
  });

  it('sends what waited as soon as the ack in flight is confirmed onward', async () => {
    await b.add(answer(1));
    await runTo(30_000);
    await b.add(answer(2));
    await runTo(45_000);
    await b.add(answer(3));
    await runTo(50_000);
    b.onward('2101/1');
    await runTo(50_001);
    expect(persons()).toEqual([[1], [2, 3]]);
    expect(acks[1]?.at).toBe(50_000);
    // Once every ack is confirmed and the window after it ends empty, the next answer goes at once.
    b.onward('2101/2');
    await runTo(70_000);
    await b.add(answer(4));
    expect(acks.map((a) => [a.at, a.body.person])).toEqual([
      [0, 1],
      [50_000, 2],
      [70_000, 4],
    ]);
  });

  it('holds the answers behind an unconfirmed ack until the time to answer ends, when that is later than the hold', async () => {
    // The kit's time to answer ends 300 s after it took the warning (kit-warnings.ts).
    const until = 300_000;
    b = new AnswerBundler({
      send: async (body) => {
        acks.push({ at: clock, body });
        return `2101/${acks.length}`;
      },
      holdFor: () => until - clock,
      setTimer: (fn, ms) => {
        due.push({ at: clock + ms, fn, live: true });
        return due.length as unknown as ReturnType<typeof setTimeout>;
      },
    });
    for (let p = 1; p <= 10; p++) {
      await runTo((p - 1) * 30_000);
      await b.add(answer(p));
    }
    await runTo(until - 1);
    expect(persons()).toEqual([[1]]);
    await runTo(until);
    expect(persons()).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    // An answer held near the end waits the hold (90 s), not less.
    b.onward('2101/1');
    await runTo(until + 20_000);
    await b.add(answer(11));
    await runTo(until + 20_000 + DEFAULT_ANSWER_HOLD_MS - 1);
    expect(persons()).toHaveLength(2);
    await runTo(until + 20_000 + DEFAULT_ANSWER_HOLD_MS);
    expect(persons()).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10], [11]]);
  });

  it('does not count an ack in flight whose onward came before its send resolved (a fast link)', async () => {
    b = new AnswerBundler({
      send: async (body) => {
        acks.push({ at: clock, body });
        const id = `2101/${acks.length}`;
        // The core's state event (custody back) comes before submit resolves with the id.
        b.onward(id);
        return id;
      },
      setTimer: (fn, ms) => {
        due.push({ at: clock + ms, fn, live: true });
        return due.length as unknown as ReturnType<typeof setTimeout>;
      },
    });
    await b.add(answer(1));
    await runTo(30_000);
    await b.add(answer(2));
    // Nothing is in flight: the next answer goes at once, not after the 90 s hold.
    expect(acks.map((a) => [a.at, a.body.person])).toEqual([
      [0, 1],
      [30_000, 2],
    ]);
  });

  it('stops counting an ack the core never says onward after twice the hold: later answers go at once', async () => {
    await b.add(answer(1));
    await runTo(2 * DEFAULT_ANSWER_HOLD_MS - 1);
    await b.add(answer(2));
    await runTo(2 * DEFAULT_ANSWER_HOLD_MS);
    // The answer that waited behind it goes when it stops counting.
    expect(acks.map((a) => [a.at, a.body.person])).toEqual([
      [0, 1],
      [2 * DEFAULT_ANSWER_HOLD_MS, 2],
    ]);
    // Ack 2 is never said onward either; once it stops counting and the window ends empty, an
    // answer goes at once.
    await runTo(10 * DEFAULT_ANSWER_HOLD_MS);
    await b.add(answer(3));
    expect(acks.map((a) => a.body.person)).toEqual([1, 2, 3]);
    expect(acks[2]?.at).toBe(10 * DEFAULT_ANSWER_HOLD_MS);
  });

  it('sends what waits behind an ack in flight when the kit stops, confirmed or not', async () => {
    await b.add(answer(1));
    await runTo(30_000);
    await b.add(answer(2));
    await runTo(40_001);
    expect(persons()).toEqual([[1]]);
    await b.flush();
    expect(persons()).toEqual([[1], [2]]);
    await runTo(200_000);
    expect(persons()).toEqual([[1], [2]]);
  });
});

describe('the ack on the wire', () => {
  const none = { scheme: 'none' } as const;
  const ack = (body: AckBody): MessageOf<'ack'> => ({
    kind: 'ack',
    origin: 2101,
    seq: 40,
    createdAt: 1_783_990_800,
    clockUntrusted: false,
    priority: 1,
    lifetimeMin: 120,
    dest: { to: 'centre' },
    flags: [],
    body,
  });

  it('carries the others and reads them back', () => {
    const body: AckBody = { ...answerBody(1), others: [{ person: 2, state: 'acted', evacuated: 7 }] };
    expect((decodeFrame(encodeMessage(ack(body), none)).message as MessageOf<'ack'>).body).toEqual(body);
  });

  it('refuses an ack that answers for one person twice', () => {
    const body: AckBody = { ...answerBody(1), others: [{ person: 1, state: 'acted' }] };
    expect(kitErrorCode(() => encodeMessage(ack(body), none))).toBe('WIRE_ENCODE_INVALID');
  });

  it('costs a bundled answer a few bytes where an ack of its own costs tens', () => {
    const mac = macAuthenticator(fixtureMacKey(2101));
    const single = encodeMessage(ack(answerBody(1)), mac).length;
    const others = Array.from({ length: 29 }, (_, i) => ({
      person: 100 + i,
      state: 'acknowledged' as const,
    }));
    const bundle = encodeMessage(ack({ ...answerBody(1), others }), mac).length;
    // Each further answer is a 2-item array: person (3 B as a uint16) and state.
    expect((bundle - single) / 29).toBeLessThanOrEqual(5);
    // Thirty answers in two messages cost less than a third of thirty acks of their own.
    expect(single + bundle).toBeLessThan((30 * single) / 3);
  });
});

function answerBody(person: number): AckBody {
  return { warning: WARNING, state: 'acknowledged', person };
}
