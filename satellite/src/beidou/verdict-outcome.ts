/**
 * What each answer of a BeiDou module to a send means for the link contract (docs/beidou.md §Send
 * results; docs/links.md §The link contract). `sent` is confirmation 1 only: the message left the
 * antenna; fieldnode's receipt says whether it arrived. The interval refusal is not here: the link
 * waits the seconds the module gave and sends the same message again (interval-gate.ts).
 */
import type { SendOutcome } from '../../../node/src/link/link.js';
import { failed } from '../../../node/src/link/link-base.js';
import type { SendResult } from './beidou-module.js';

export function outcomeOf(result: Exclude<SendResult, { kind: 'frequency' }>, ref: string): SendOutcome {
  switch (result.kind) {
    case 'sent':
      return { ok: true, ref };
    case 'no-result':
      // Whether it went is unknown: the store sends it again after the confirmation wait, and
      // the receiver's dedup drops a second copy.
      return failed('later', 'TIMEOUT', 'the module gave no result for the send ($BDFKI)');
    case 'inhibited':
      return failed('later', 'BUSY', 'the module holds its transmitter off (发射抑制)');
    case 'silence':
      return failed('later', 'NO_SERVICE', 'radio silence is set on the module (发射静默)');
    case 'no-beam':
      return failed('later', 'NO_SERVICE', 'no beam locked (功率未锁定)');
    case 'no-card':
      return failed('later', 'DEVICE_ERROR', 'the module finds no card (未检测到IC模块)');
    case 'no-permission':
      return failed('never', 'DEVICE_ERROR', 'the card may not send this (权限不足)');
    case 'failed':
      return failed('later', 'NACK', result.detail);
  }
}
