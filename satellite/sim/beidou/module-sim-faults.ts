/**
 * The faults a simulated BeiDou module can be told to make (docs/beidou.md §The simulator): a
 * scripted answer for a given send, random refusals by code, a result that never comes, resets
 * (silent for a while, then its beam report off until `$CCRMO` asks again), and what a real serial
 * line does (a corrupted checksum, junk between sentences, RNSS sentences in between, sentences
 * split across reads). Seeded, so a run repeats. `fieldnode sim beidou` sets each from a flag
 * (beidou-sim-args.ts).
 */

/** What the module answers a send with, instead of checking its card and beams. */
export type ForcedAnswer =
  | 'sent'
  | 'frequency'
  | 'inhibited'
  | 'silence'
  | 'no-beam'
  | 'no-card'
  | 'no-permission'
  /** Refused with a reason code the protocol does not explain (0). */
  | 'failed'
  /** No `$BDFKI` at all: the send may or may not have gone (it does not). */
  | 'no-result';

export interface ModuleFaults {
  /** Answers for given sends, by their number counted from 1 (the first send the module takes). */
  script?: ReadonlyArray<{ send: number; answer: ForcedAnswer; secondsLeft?: number }>;
  /** Chance, per send, of each answer instead of the real check. */
  random?: Partial<Record<Exclude<ForcedAnswer, 'sent'>, number>>;
  /** Chance that an outgoing sentence has its checksum corrupted (the host drops it). */
  corruptChecksum?: number;
  /** Chance that junk bytes go out between two sentences. */
  junk?: number;
  /** Write an RNSS `$GNRMC` sentence every second, between the others. */
  rnss?: boolean;
  /** Write each sentence in pieces of 1 to this many bytes. Default: whole. */
  splitWrites?: number;
  /** Reset the module at these times of the clock, ms. */
  resetAtMs?: readonly number[];
  /** Reset the module every this many ms of the clock. */
  resetEveryMs?: number;
}

/** The answer forced on send number `n`, if any. */
export function forcedAnswer(
  faults: ModuleFaults,
  n: number,
  random: () => number,
): { answer: ForcedAnswer; secondsLeft?: number } | undefined {
  const scripted = faults.script?.find((s) => s.send === n);
  if (scripted) return scripted;
  for (const [answer, chance] of Object.entries(faults.random ?? {})) {
    if (chance !== undefined && random() < chance) return { answer: answer as ForcedAnswer };
  }
  return undefined;
}
