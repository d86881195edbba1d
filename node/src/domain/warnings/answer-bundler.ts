/**
 * Answers travel together (docs/warnings.md §Answers travel together): at a kit, the first answer
 * to a warning goes at once; those made in the following window (10 s by default) ride together in
 * one ack, so a red warning answered by thirty people in a village costs the mesh a few messages,
 * not thirty, and the first answer is not held back.
 *
 * A window stays open while it keeps bringing answers: each one that ends with answers waiting
 * sends them and opens the next. One that ends empty closes, and the next answer goes at once again.
 * A person who answers twice within a window is sent once, with the further state and the larger
 * counts. A note rides only as an ack's own (the others carry none), so an answer with a note leads
 * a message of its own.
 */

import type { MessageRef } from '../../wire/field-codecs.js';
import type { AckBody } from '../../wire/kinds/ack.js';
import { MAX_OTHER_ANSWERS } from '../../wire/kinds/ack.js';
import { isLater } from './call.js';

/** One person's answer at this kit. */
export interface PersonAnswer {
  warning: MessageRef;
  person: number;
  state: 'acknowledged' | 'acted';
  evacuated?: number;
  notified?: number;
  note?: string;
}

export interface AnswerBundlerOptions {
  /** Sends one ack (the core's submit); a failure is the caller's to log, the answers are not retried here. */
  send(body: AckBody): Promise<void>;
  /** Default 10 s. */
  windowMs?: number;
  setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (t: ReturnType<typeof setTimeout>) => void;
}

export const DEFAULT_ANSWER_WINDOW_MS = 10_000;

interface Window {
  waiting: Map<number, PersonAnswer>;
  timer: ReturnType<typeof setTimeout>;
}

export class AnswerBundler {
  readonly #o: Required<AnswerBundlerOptions>;
  /** Open windows, by warning "origin/seq". */
  readonly #windows = new Map<string, Window>();

  constructor(options: AnswerBundlerOptions) {
    this.#o = {
      windowMs: DEFAULT_ANSWER_WINDOW_MS,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t),
      ...options,
    };
  }

  /** Takes an answer: sent at once when no window of its warning is open, else held for the window's end. */
  add(answer: PersonAnswer): Promise<void> {
    const key = `${answer.warning.origin}/${answer.warning.seq}`;
    const open = this.#windows.get(key);
    if (open !== undefined) {
      open.waiting.set(answer.person, merged(open.waiting.get(answer.person), answer));
      return Promise.resolve();
    }
    this.#open(key);
    return this.#o.send(ackOf([answer]));
  }

  /** Sends everything held at once and closes every window: the kit is stopping. */
  async flush(): Promise<void> {
    const held = [...this.#windows.values()];
    this.#windows.clear();
    for (const w of held) this.#o.clearTimer(w.timer);
    await Promise.all(held.flatMap((w) => this.#sendAll([...w.waiting.values()])));
  }

  #open(key: string): void {
    const timer = this.#o.setTimer(() => this.#windowEnded(key), this.#o.windowMs);
    this.#windows.set(key, { waiting: new Map(), timer });
  }

  #windowEnded(key: string): void {
    const w = this.#windows.get(key);
    this.#windows.delete(key);
    if (w === undefined || w.waiting.size === 0) return;
    this.#open(key);
    void Promise.all(this.#sendAll([...w.waiting.values()]));
  }

  /** As few acks as carry `answers`: those with a note lead their own. */
  #sendAll(answers: PersonAnswer[]): Promise<void>[] {
    const noted = answers.filter((a) => a.note !== undefined);
    const plain = answers.filter((a) => a.note === undefined);
    const groups: PersonAnswer[][] = noted.map((a) => [a]);
    for (let i = 0; i < plain.length; i += MAX_OTHER_ANSWERS + 1)
      groups.push(plain.slice(i, i + MAX_OTHER_ANSWERS + 1));
    return groups.map((g) => this.#o.send(ackOf(g)));
  }
}

/** One ack: the first answer as its own, the rest as its others. */
export function ackOf(answers: readonly PersonAnswer[]): AckBody {
  const [first, ...rest] = answers;
  if (first === undefined) throw new RangeError('an ack needs an answer');
  return {
    warning: first.warning,
    state: first.state,
    person: first.person,
    ...(first.evacuated === undefined ? {} : { evacuated: first.evacuated }),
    ...(first.notified === undefined ? {} : { notified: first.notified }),
    ...(first.note === undefined ? {} : { note: first.note }),
    ...(rest.length === 0
      ? {}
      : {
          others: rest.map((a) => ({
            person: a.person,
            state: a.state,
            ...(a.evacuated === undefined ? {} : { evacuated: a.evacuated }),
            ...(a.notified === undefined ? {} : { notified: a.notified }),
          })),
        }),
  };
}

/** A second answer of the same person within a window: the further state, the larger counts, the newer note. */
function merged(before: PersonAnswer | undefined, next: PersonAnswer): PersonAnswer {
  if (before === undefined) return next;
  const max = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const evacuated = max(before.evacuated, next.evacuated);
  const notified = max(before.notified, next.notified);
  const note = next.note ?? before.note;
  return {
    warning: next.warning,
    person: next.person,
    state: isLater(before.state, next.state) ? next.state : before.state,
    ...(evacuated === undefined ? {} : { evacuated }),
    ...(notified === undefined ? {} : { notified }),
    ...(note === undefined ? {} : { note }),
  };
}
