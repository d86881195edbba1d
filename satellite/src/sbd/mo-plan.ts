/**
 * What goes into the next MO message (issue 5 item 3; protocols/iridium.md §2.4, §7.3): pure
 * packing of held frames into one SBD message of at most `mtu` bytes.
 *
 * The rule, in order:
 * 1. Mandatory: every held frame whose hold has run out (or, when the held frames no longer fit one
 *    MO, all of them: waiting would not make the first MO any fuller), most urgent first, oldest
 *    first within a priority, each if it still fits (first fit, like node/src/wire/batch.ts).
 * 2. Riders: once a session goes anyway, every other held frame joins, in the same order, while
 *    the MO stays within its 340 bytes. A frame held back costs its bytes later all the same (on
 *    average its share of a credit), plus, if it then goes alone, the one-credit minimum of its own
 *    session, the receipt MT that session brings back and the mailbox check that fetches it.
 *    Measured on the benchmark's day (bench/satellite-bench.ts): riding only within the credits
 *    already paid (one more if that cleared the queue) spent 732 credits, P0 p90 596 s; filling
 *    the MO spent 628, P0 p90 206 s.
 * Opaque frames (not wire messages) share an MO with nothing; frames of one send() stay together.
 * The credit budget may then trim the plan (session-scheduler.ts).
 */
import { type Priority, packedSize } from './mo-frames.js';

/** A send() the scheduler holds. */
export interface HeldUnit {
  readonly id: number;
  /** The wire entries to pack, or the one opaque frame. */
  readonly entries: readonly Uint8Array[];
  readonly opaque: boolean;
  readonly priority: Priority;
  /** Clock ms when send() was called. */
  readonly arrivedAt: number;
  /** Clock ms when its hold runs out and a session must carry it. */
  readonly dueAt: number;
}

export interface MoPlanInput {
  units: readonly HeldUnit[];
  now: number;
  mtu: number;
  /** Bytes one credit buys (50, §2.4). */
  creditBytes: number;
  /** Treat every held unit as due (the held frames fill an MO). */
  takeAll?: boolean;
}

export interface MoPlan {
  units: HeldUnit[];
  /** Bytes of the MO (0 for a mailbox check). */
  bytes: number;
  /** Credits the MO direction costs if the session succeeds. */
  credits: number;
}

/** Most urgent first, then the oldest hold, then arrival order. */
export function byUrgency(a: HeldUnit, b: HeldUnit): number {
  return a.priority - b.priority || a.dueAt - b.dueAt || a.id - b.id;
}

export function creditsFor(bytes: number, creditBytes: number): number {
  return Math.max(1, Math.ceil(bytes / creditBytes));
}

const entriesOf = (units: readonly HeldUnit[]): Uint8Array[] => units.flatMap((u) => u.entries);

/** Bytes of the MO that would carry `units` (an opaque unit is its frame). */
export function sizeOf(units: readonly HeldUnit[]): number {
  const only = units[0];
  if (units.length === 1 && only?.opaque) return (only.entries[0] as Uint8Array).length;
  return packedSize(entriesOf(units));
}

/** Whether the packable held units no longer fit one MO. */
export function fillsMo(units: readonly HeldUnit[], mtu: number): boolean {
  return sizeOf(units.filter((u) => !u.opaque)) >= mtu;
}

export function planMo(input: MoPlanInput): MoPlan {
  const { now, mtu, creditBytes } = input;
  const ordered = [...input.units].sort(byUrgency);
  const mandatory = ordered.filter((u) => input.takeAll || u.dueAt <= now);
  const chosen: HeldUnit[] = [];
  const fits = (u: HeldUnit, limit: number) => sizeOf([...chosen, u]) <= limit;

  for (const u of mandatory) {
    if (u.opaque) {
      if (chosen.length > 0) continue;
      chosen.push(u);
      break;
    }
    if (fits(u, mtu)) chosen.push(u);
  }
  if (chosen[0]?.opaque)
    return { units: chosen, bytes: sizeOf(chosen), credits: creditsFor(sizeOf(chosen), creditBytes) };

  for (const u of ordered) {
    if (chosen.includes(u) || u.opaque) continue;
    if (fits(u, mtu)) chosen.push(u);
  }
  chosen.sort(byUrgency);
  const bytes = chosen.length === 0 ? 0 : sizeOf(chosen);
  return { units: chosen, bytes, credits: creditsFor(bytes, creditBytes) };
}
