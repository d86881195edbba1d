/**
 * What the store keeps about each message besides its bytes (docs/design.md §Storage, §Messages:
 * delivery states; docs/conventions.md §The durable queue), and the key layout of the outbox index.
 */
import type { Destination, Priority } from '../wire/envelope.js';

/** Delivery states, in the order a message normally passes them; the three confirmations stay distinct. */
export type DeliveryState =
  | 'queued' // stored, waiting for a link
  | 'sent' // a link accepted it (confirmation 1: link)
  | 'custody' // the next hop stored it and said so
  | 'received' // the destination stored it (confirmation 2: end-to-end receipt)
  | 'acknowledged' // a person acted on it (confirmation 3, set by the domain layer)
  | 'delivered' // this node is the destination: in the inbox
  | 'expired' // its lifetime ran out before delivery: reported, never silently dropped
  | 'failed'; // a link refused it for good

export interface DeliveryEvent {
  /** Unix milliseconds. */
  at: number;
  state: DeliveryState;
  link?: string;
  node?: number;
  detail?: string;
}

export interface MessageMeta {
  id: string;
  origin: number;
  seq: number;
  kindCode: number;
  priority: Priority;
  /** Unix seconds, from the envelope. */
  createdAt: number;
  /** Unix seconds after which delivery is pointless. */
  expiresAt: number;
  dest: Destination;
  /** Made on this node. */
  local: boolean;
  /** Addressed to this node (or a broadcast it belongs to): in its inbox. */
  forMe: boolean;
  state: DeliveryState;
  /** Outbox entries: link id → when the message is next due there (unix ms). */
  out: Record<string, number>;
  /** Send attempts per link, for the backoff. */
  attempts: Record<string, number>;
  /** What ends this node's work on it: a custody or end-to-end confirmation, or nothing (receipts, broadcasts). */
  expect: 'confirmation' | 'none';
  /**
   * What a stored copy earns: the destination's word (and custody until it comes), custody only,
   * or nothing (core/confirmations.ts).
   */
  confirmWith: 'receipt' | 'custody' | 'none';
  /** Broadcasts are repeated this many times in all (confirmations cannot come from every hearer). */
  repeats?: number;
  /** Next hop per link, for unicast routes. */
  nextHop: Record<string, string>;
  /** No more work here: delivered, confirmed, expired or failed. */
  done: boolean;
  /**
   * When it became final here, unix ms (its last event then): set by the store when `done` is
   * first saved, and what its retention counts from (docs/store-and-forward.md §Pruning).
   */
  doneAt?: number;
  /** Where it came from, for custody signals. */
  prevHop?: { link: string; from?: string; node?: number };
  /**
   * A relayed broadcast put on its downstream links again when asked for again from upstream: how
   * many times, and when last, unix ms (core/reopen-downstream.ts).
   */
  reopens?: { count: number; lastAt: number };
  /**
   * The first warning of a thread, relayed or taken in here: the newest later warning of its thread
   * taken in here since (core/reopen-downstream.ts), so a superseded one is never put back on air.
   */
  threadHead?: { origin: number; seq: number; createdAt: number };
  custodyBy?: number;
  /**
   * The hop tag the origin made for the frame (docs/wire-format.md §6.4): put back around it on
   * the links that cost nothing, dropped on billed ones.
   */
  hopTag?: Uint8Array;
  /**
   * A broadcast made here: the nodes whose own verified 'delivered' receipt is in. It ends when
   * every targeted node's is, or at its repeat limit (docs/security.md §Broadcast receipts).
   */
  receivedBy?: number[];
  /** Bytes put on links for it, and satellite credits spent. */
  txBytes: number;
  credits: number;
  events: DeliveryEvent[];
}

/** Most events kept per message; the first (queued) and the newest are what people look at. */
export const MAX_EVENTS = 24;

export function messageId(origin: number, seq: number): string {
  return `${origin}/${seq}`;
}

export function parseMessageId(id: string): { origin: number; seq: number } {
  const [origin, seq] = id.split('/').map(Number);
  if (!Number.isInteger(origin) || !Number.isInteger(seq)) throw new TypeError(`bad message id ${id}`);
  return { origin: origin as number, seq: seq as number };
}

/** Outbox index key: link, priority, due time, id: a range per (link, priority) up to now finds what is due. */
export function outKey(link: string, priority: Priority, dueAt: number, id: string): string {
  return `${link}!${priority}!${String(Math.max(0, Math.floor(dueAt))).padStart(15, '0')}!${id}`;
}

export function parseOutKey(key: string): { link: string; priority: Priority; dueAt: number; id: string } {
  const [link, p, due, id] = key.split('!');
  return { link: link as string, priority: Number(p) as Priority, dueAt: Number(due), id: id as string };
}

export function addEvent(meta: MessageMeta, event: DeliveryEvent): void {
  meta.events.push(event);
  if (meta.events.length > MAX_EVENTS) meta.events.splice(1, meta.events.length - MAX_EVENTS);
}
