/**
 * A person's answers to a warning (叫应), kept on the phone until the kit has them
 * (docs/ui.md §Warnings, Answer in two taps; §Nothing typed is lost): the reports' outbox
 * (outbox.ts) under a storage key of its own, so an answer made while the Wi-Fi comes and goes, or
 * by a person whose session the restarted kit forgot, goes once, with one idempotency key, when it
 * can.
 *
 * An answer is kept once: a second tap of 收到 (a reload, a shaky hand) while the first still waits
 * or after it went adds nothing; a report of action (已转移 N 人) after a 收到 is a new answer, and
 * so is one with more people moved, since a call's counts only grow (docs/warnings.md §States).
 */
import type { WriteResult } from './api-client.js';
import type { AnswerInput, AnswerResult } from './api-types.js';
import type { Outbox, OutboxEntry, SentBase } from './outbox.js';

export const ANSWER_OUTBOX_KEY = 'fieldnode.outbox.answers.v1';

export type AnswerLabel = AnswerInput['state'];

export interface AnswerSent extends SentBase {
  label: AnswerLabel;
  warning: string;
  evacuated?: number;
  /** The kit sent it at once as its own ack, or holds it to ride with the next answers. */
  sending: AnswerResult['sending'];
  /** The kit had it already (an earlier attempt got through). */
  replayed: boolean;
}

export type AnswerEntry = OutboxEntry<AnswerInput, AnswerLabel>;
export type AnswerOutbox = Outbox<AnswerInput, AnswerLabel, AnswerResult, AnswerSent>;

/** POST /api/warnings/{origin}/{seq}/answers. */
export function answerPath(warning: string): string {
  return `/api/warnings/${warning}/answers`;
}

/** The warning an answer's route names. */
export function warningOfPath(path: string): string | undefined {
  return /^\/api\/warnings\/(\d{1,10}\/\d{1,10})\/answers$/.exec(path)?.[1];
}

/** What the phone remembers of an answer the kit took. */
export function answerSent(
  entry: AnswerEntry,
  result: WriteResult<AnswerResult>,
  sentAt: number,
): AnswerSent {
  return {
    key: entry.key,
    label: entry.label,
    personId: entry.personId,
    warning: result.body.warning,
    ...(entry.body.evacuated === undefined ? {} : { evacuated: entry.body.evacuated }),
    sending: result.body.sending,
    sentAt,
    replayed: result.replayed,
  };
}

/** How far a person's answer to a warning has got on this phone. */
export interface PhoneAnswer {
  state: AnswerLabel;
  evacuated?: number;
  /** `kept`: on the phone, waiting to be sent; `sent`: the kit has it; `refused` by the kit. */
  where: 'kept' | 'sent' | 'refused';
}

/** The furthest answer of `person` to `warning` this phone holds or sent, if any. */
export function phoneAnswer(
  entries: readonly AnswerEntry[],
  sent: readonly AnswerSent[],
  warning: string,
  person: number,
): PhoneAnswer | undefined {
  const all: PhoneAnswer[] = [
    ...sent
      .filter((s) => s.warning === warning && s.personId === person)
      .map((s): PhoneAnswer => ({ state: s.label, ...evacuated(s.evacuated), where: 'sent' })),
    ...entries
      .filter((e) => warningOfPath(e.path) === warning && e.personId === person)
      .map(
        (e): PhoneAnswer => ({
          state: e.label,
          ...evacuated(e.body.evacuated),
          where: e.state === 'refused' ? 'refused' : 'kept',
        }),
      ),
  ];
  const live = all.filter((a) => a.where !== 'refused');
  const pick = live.length > 0 ? live : all;
  return pick.sort((a, b) => further(b) - further(a))[0];
}

function evacuated(n: number | undefined): { evacuated?: number } {
  return n === undefined ? {} : { evacuated: n };
}

function further(a: PhoneAnswer): number {
  return (a.state === 'acted' ? 1e9 : 0) + (a.evacuated ?? 0);
}

/** Whether `input` says more than what the person already answered (and so must be sent). */
export function addsToAnswer(before: PhoneAnswer | undefined, input: AnswerInput): boolean {
  if (before === undefined || before.where === 'refused') return true;
  if (input.state === 'acknowledged') return false;
  if (before.state === 'acknowledged') return true;
  return (input.evacuated ?? 0) > (before.evacuated ?? 0) || (input.notified ?? 0) > 0;
}

/**
 * Keeps the answer of `person` to `warning` under `key` and starts sending it; undefined when it
 * adds nothing to what the phone already holds or sent for them.
 */
export function keepAnswer(
  outbox: AnswerOutbox,
  a: { warning: string; person: number; input: AnswerInput; key: string },
): AnswerEntry | undefined {
  const before = phoneAnswer(outbox.entries(), outbox.sent(), a.warning, a.person);
  if (!addsToAnswer(before, a.input)) return undefined;
  return outbox.add({
    key: a.key,
    label: a.input.state,
    path: answerPath(a.warning),
    body: a.input,
    personId: a.person,
  });
}

/**
 * The warnings whose full-screen alarm this phone still shows: those the kit says nobody here has
 * answered, less those the person signed in has answered from this phone (kept or sent: the alarm
 * closes for them at once, and the kit's own status says whether it sounds on for others).
 */
export function stillToAnswer(
  unanswered: readonly string[],
  entries: readonly AnswerEntry[],
  sent: readonly AnswerSent[],
  person: number | undefined,
): string[] {
  if (person === undefined) return [...unanswered];
  return unanswered.filter((id) => {
    const a = phoneAnswer(entries, sent, id, person);
    return a === undefined || a.where === 'refused';
  });
}
