/**
 * Small steps of the BeiDou link (docs/beidou.md §The link, §Addressing and the broadcast):
 * waiting for the module's first beam report at start, the one outcome of a frame sent to several
 * cards, and what a received message's frame says of it.
 */
import type { Clock } from '../../../node/src/link/clock.js';
import type { FrameMeta, SendOutcome } from '../../../node/src/link/link.js';
import { failed } from '../../../node/src/link/link-base.js';
import type { BeidouModule } from './beidou-module.js';
import type { BeamStatus, BeidouProtocol, InboundMessage } from './beidou-types.js';

/** The module's next beam report, or undefined if none comes within `ms` or the signal aborts. */
export function firstBeam(
  module: BeidouModule,
  clock: Clock,
  ms: number,
  signal: AbortSignal,
): Promise<BeamStatus | undefined> {
  return new Promise((resolve) => {
    const done = (b: BeamStatus | undefined) => {
      timer.cancel();
      module.off('beam', done);
      signal.removeEventListener('abort', onAbort);
      resolve(b);
    };
    const onAbort = () => done(undefined);
    const timer = clock.after(ms, () => done(undefined));
    module.on('beam', done);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One frame sent to several cards, one message each: ok only if every one went (its ref the refs
 * joined); otherwise `later` if any may still go (the kits drop a second copy), with every detail.
 */
export function combined(outcomes: readonly SendOutcome[]): SendOutcome {
  const failures = outcomes.filter((o): o is SendOutcome & { ok: false } => !o.ok);
  if (failures.length === 0) return { ok: true, ref: outcomes.map((o) => (o.ok ? o.ref : '')).join(',') };
  const worst = failures.find((f) => f.retry === 'later') ?? (failures[0] as SendOutcome & { ok: false });
  return failed(worst.retry, worst.code, failures.map((f) => f.detail).join('; '));
}

/**
 * A received message's frame metadata: `from` the sender's card, `source` the carrier's word (the
 * protocol, the encoding, BeiDou-2's class, the receiver, the send time as written).
 */
export function inboundMeta(m: InboundMessage, protocol: BeidouProtocol | undefined): FrameMeta {
  return {
    from: m.from,
    source: {
      carrier: 'beidou',
      protocol: protocol ?? 'unknown',
      encoding: m.encoding,
      ...(m.infoClass === undefined ? {} : { infoClass: m.infoClass }),
      ...(m.to === undefined ? {} : { to: m.to }),
      ...(m.sentAt === undefined ? {} : { sentAt: m.sentAt }),
    },
  };
}
