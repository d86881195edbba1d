/**
 * What the BeiDou driver reads from a module, the same for both module protocols (docs/beidou.md
 * §The card, §Beams, §Send results): the card, the beams, a received message and the module's
 * answer to a send. bd3-sentences.ts and bd21-sentences.ts read their protocol's sentences into
 * these.
 */

/** `bd3`: the BeiDou-3 regional text protocol; `bd21`: the BeiDou-2 "2.1" text protocol. */
export type BeidouProtocol = 'bd3' | 'bd21';

export const PROTOCOL_NAMES: Readonly<Record<BeidouProtocol, string>> = {
  bd3: 'BeiDou-3 regional',
  bd21: 'BeiDou-2 2.1',
};

/** The card (user machine's IC card) as the module reports it at start. */
export interface CardInfo {
  protocol: BeidouProtocol;
  /** The card's address (卡号) as the module wrote it, leading zeros kept; all zeros: no card. */
  address: string;
  /** Its broadcast (通播) address, when it has one (absent when the module gave zeros). */
  broadcast?: string;
  /** Communication level 1–5 (BeiDou-3's 0 is read as 5); 0 when the module gave none. */
  level: number;
  /** Service interval (服务频度), seconds: the least time between two sends. */
  intervalS: number;
  /** Encrypted card (BeiDou-2 `E`, BeiDou-3 confidentiality `Y`). */
  encrypted: boolean;
  /** BeiDou-2 user characteristic (0 command machine 指挥机, 1–7 user classes), as written. */
  userType?: number;
}

/** Whether the module holds a card: an address of all zeros means none (docs/beidou.md §The card). */
export function cardPresent(card: CardInfo): boolean {
  return /[1-9]/.test(card.address);
}

/** What the module's periodic beam sentence (`$BDPWI`, `$BDBSI`) says. */
export interface BeamStatus {
  /** Beams received at or above the lock threshold. */
  locked: number;
  /** The strongest reading among the beams, on the sentence's own scale; 0 when none. */
  bestPower: number;
}

/** A short message the module received. */
export interface InboundMessage {
  /** The sender's address. */
  from: string;
  /** The receiver's address, when the sentence names it (BeiDou-3), e.g. a broadcast address. */
  to?: string;
  /**
   * The payload. For the byte modes (代码, 混发 without its A4 marker) the bytes sent; for text
   * (汉字) the raw text bytes as the module wrote them.
   */
  bytes: Uint8Array;
  /** `binary` for the byte modes fieldnode sends in, `text` for 汉字, `other` for the rest. */
  encoding: 'binary' | 'text' | 'other';
  /** BeiDou-2 information class: 1 ordinary, 2 express, 3 broadcast (通播), 4–5 fetched from store. */
  infoClass?: number;
  /** The send time the sentence carries (hhmm or hhmmss), as written; absent when empty. */
  sentAt?: string;
}

/**
 * A module's answer to a send (`$BDFKI`). `sent` means the message left the antenna, never that it
 * was delivered: delivery is fieldnode's own receipt.
 */
export type TransmitVerdict =
  | { kind: 'sent'; intervalS?: number }
  /** The card's interval has not passed: `secondsLeft` until it has (0: the module did not say). */
  | { kind: 'frequency'; secondsLeft: number }
  /** 发射抑制: the module holds its transmitter off. */
  | { kind: 'inhibited' }
  /** 发射静默: radio silence is set on the module. */
  | { kind: 'silence' }
  /** 功率未锁定: no beam locked. */
  | { kind: 'no-beam' }
  /** 未检测到IC模块: no card. */
  | { kind: 'no-card' }
  /** 权限不足: the card may not send this (to a broadcast address, say). */
  | { kind: 'no-permission' }
  | { kind: 'failed'; detail: string };

/** The failure reasons both protocols number alike (docs/beidou.md §Send results). */
export const REASON_VERDICTS: Readonly<Record<number, TransmitVerdict['kind']>> = {
  1: 'frequency',
  2: 'inhibited',
  3: 'silence',
  4: 'no-beam',
  5: 'no-card',
  6: 'no-permission',
};
