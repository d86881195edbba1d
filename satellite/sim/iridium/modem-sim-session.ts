/**
 * One simulated SBD session, AT+SBDIX[A] (docs/iridium.md §1.3 "MO status", "MT status",
 * "Sequence numbers", §1.6 duration; §7.4 checklist items 5, 6, 8).
 *
 * The MT buffer is cleared when the session starts; the MO buffer is left alone. Without a
 * satellite the session fails with 32 after a few seconds; a fault may decide the status or make
 * the session hang; AT+SBDST cuts a longer session at its limit with 17; a satellite lost during
 * the session is 18. Otherwise the gateway (IridiumNetwork) takes the MO and may hand over one MT.
 * Success (MO status 0–4) uses the current MOMSN and then increments it, with or without an MO
 * message; failure leaves it unchanged. An MT longer than 270 bytes cannot be delivered: the
 * session reports MO status 1 and the MT stays queued.
 */
import type { Clock, Timer } from '../../../node/src/link/clock.js';
import type { IridiumNetwork } from './iridium-network.js';
import type { ModemFaults } from './modem-sim-faults.js';
import type { Sky } from './modem-sim-sky.js';
import type { ModemSimState } from './modem-sim-state.js';

/** Largest MT message a 9602/9603 takes (§1.4). */
export const MAX_MT_BYTES = 270;

export interface SessionTiming {
  /** Duration of a session that reaches the gateway, ms: uniform in [min, max]. */
  sessionMs: readonly [number, number];
  /** Duration of a session with no satellite in view (ending in 32), ms. */
  noServiceMs: readonly [number, number];
  /** How long a hung session lasts before the modem gives up with 17 (if no SBDST cuts it). */
  hangMs: number;
}

export interface SessionContext {
  readonly clock: Clock;
  readonly network: IridiumNetwork;
  readonly imei: string;
  readonly sky: Sky;
  readonly faults: ModemFaults;
  readonly random: () => number;
  readonly timing: SessionTiming;
  /** Unix ms at simulated time 0. */
  readonly epochMs: number;
  readonly state: ModemSimState;
  saveMomsn(): void;
}

export function formatSbdix(v: readonly number[]): string {
  // The real 9603 writes a comma and a space between fields (§0 item 1, §7.4 item 3).
  return `+SBDIX: ${v.join(', ')}`;
}

function within(random: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + random() * (hi - lo);
}

/** Starts a session; `done` gets the +SBDIX line when it ends. The timer lets a power-off cancel it. */
export function startSession(ctx: SessionContext, done: (line: string) => void): Timer {
  const { clock, state } = ctx;
  state.mt = undefined;
  const fault = ctx.faults.takeSession();
  let duration: number;
  let status: number | undefined;
  if (fault === 'hang') {
    duration = ctx.timing.hangMs;
    status = 17;
  } else if (fault !== undefined) {
    duration = within(ctx.random, fault === 32 ? ctx.timing.noServiceMs : ctx.timing.sessionMs);
    status = fault;
  } else if (ctx.sky.signalAt(clock.now()) === 0) {
    duration = within(ctx.random, ctx.timing.noServiceMs);
    status = 32;
  } else {
    duration = within(ctx.random, ctx.timing.sessionMs);
  }
  const limit = state.sessionTimeoutS * 1000;
  if (limit > 0 && duration > limit) {
    duration = limit;
    status = 17;
  }
  return clock.after(duration, () => done(finish(ctx, status)));
}

function failed(state: ModemSimState, status: number): string {
  return formatSbdix([status, state.momsn, 2, 0, 0, 0]);
}

function finish(ctx: SessionContext, forced: number | undefined): string {
  const { state } = ctx;
  if (forced !== undefined) return failed(state, forced);
  if (ctx.sky.signalAt(ctx.clock.now()) === 0) return failed(state, 18);
  const gw = ctx.network.session({
    imei: ctx.imei,
    momsn: state.momsn,
    mo: state.mo === undefined ? undefined : Uint8Array.from(state.mo),
    at: ctx.epochMs + ctx.clock.now(),
  });
  if (gw.moStatus > 4) return failed(state, gw.moStatus);
  const momsn = state.momsn;
  state.momsn = (state.momsn + 1) & 0xffff;
  ctx.saveMomsn();
  state.registered = true;
  let moStatus = gw.moStatus;
  let mt = gw.mt;
  if (mt !== undefined && (state.heldMt.length > 0 || mt.payload.length > MAX_MT_BYTES)) {
    state.heldMt.push({ mtmsn: mt.mtmsn, payload: mt.payload });
    mt = undefined;
  }
  if (state.heldMt.length > 0) moStatus = 1;
  const mtQueued = gw.mtQueued + state.heldMt.length;
  state.mtWaiting = mtQueued;
  // A successful mailbox check answers any ring alert heard before it (SBDSX's RA flag).
  state.raFlag = false;
  if (mt === undefined) return formatSbdix([moStatus, momsn, 0, 0, 0, mtQueued]);
  state.mt = { mtmsn: mt.mtmsn, payload: Uint8Array.from(mt.payload) };
  return formatSbdix([moStatus, momsn, 1, mt.mtmsn, mt.payload.length, mtQueued]);
}
