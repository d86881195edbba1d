/**
 * How far a message got, as the UI shows it (docs/api.md §Messages; docs/design.md §Confirmations;
 * docs/store-and-forward.md §Confirmations): queued on this node's disk → sent on a link (which) →
 * in custody at a relay (which node) → received by its destination → acknowledged by a person,
 * with the bytes and credits it cost, read from the store's delivery record.
 *
 * Never overstated: a step counts as reached only when the record's state or one of its events
 * says so. Custody is a step of its own, passed only when a relay said it took custody (a message
 * the satellite network took straight to the centre has none). When a step is known to be reached
 * but the event that stamped it was dropped (a record keeps its first and latest 24 events), it is
 * shown reached without a time, not with an invented one.
 */

import { VOUCHED_DETAIL } from '../core/apply-receipt.js';
import type { DeliveryEvent, DeliveryState, MessageMeta } from '../store/records.js';
import { kindByCode } from '../wire/kinds.js';

export const DELIVERY_STEPS = ['queued', 'sent', 'custody', 'received', 'acknowledged'] as const;
export type DeliveryStep = (typeof DELIVERY_STEPS)[number];

export interface StepView {
  step: DeliveryStep;
  reached: boolean;
  /** When it was first reached, unix ms, when an event says. */
  at?: number;
  /** `sent`: the links that took it. */
  links?: string[];
  /** `custody`: the relay node that took it; `received`: the destination, when it said so itself. */
  node?: number;
  /** `received`: the custodian that passed on the destination's receipt. */
  passedOnBy?: number;
}

export interface DeliveryView {
  id: string;
  /** The message kind's name (report, warning, ack…), or `kind-N` for a code this version lacks. */
  kind: string;
  priority: number;
  /** Made on this node. */
  local: boolean;
  /** This node is its destination (in the inbox). */
  forMe: boolean;
  /** The store's delivery state as it is. */
  state: DeliveryState;
  /** Where it ended, if it did: still on its way (`open`), confirmed as far as it goes (`done`), expired or failed. */
  outcome: 'open' | 'done' | 'expired' | 'failed';
  steps: StepView[];
  /** Where it is due next, per link: when, and how many tries so far. */
  due: Array<{ link: string; at: number; attempts: number }>;
  /** When it was made, unix ms (by its origin's clock), and when it stops being worth delivering. */
  createdAt: number;
  expiresAt: number;
  /** Bytes put on links for it, and satellite credits spent. */
  txBytes: number;
  credits: number;
  events: DeliveryEvent[];
}

const RANK: Record<DeliveryState, number> = {
  queued: 0,
  sent: 1,
  custody: 2,
  received: 3,
  acknowledged: 4,
  delivered: 3,
  expired: -1,
  failed: -1,
};

export function deliveryView(meta: MessageMeta): DeliveryView {
  const events = meta.events;
  const first = (state: DeliveryState) => events.find((e) => e.state === state);
  const sentLinks = [
    ...new Set(events.filter((e) => e.state === 'sent' && e.link).map((e) => e.link as string)),
  ];
  const custody = first('custody');
  const received = events.find((e) => e.state === 'received' || e.state === 'delivered');
  const rank = RANK[meta.state];

  const reachedSent = rank >= 1 || sentLinks.length > 0;
  const reachedCustody = custody !== undefined || meta.custodyBy !== undefined;
  const reachedReceived = rank >= 3 || received !== undefined;
  const reachedAck = meta.state === 'acknowledged' || first('acknowledged') !== undefined;

  const steps: StepView[] = [
    step('queued', true, first('queued')?.at ?? events[0]?.at),
    {
      ...step('sent', reachedSent, first('sent')?.at),
      ...(sentLinks.length > 0 ? { links: sentLinks } : {}),
    },
    {
      ...step('custody', reachedCustody, custody?.at),
      ...nodeOf(custody?.node ?? meta.custodyBy),
    },
    { ...step('received', reachedReceived, received?.at), ...receivedFrom(received) },
    step('acknowledged', reachedAck, first('acknowledged')?.at),
  ];

  const outcome =
    meta.state === 'expired' ? 'expired' : meta.state === 'failed' ? 'failed' : meta.done ? 'done' : 'open';
  return {
    id: meta.id,
    kind: kindByCode(meta.kindCode) ?? `kind-${meta.kindCode}`,
    priority: meta.priority,
    local: meta.local,
    forMe: meta.forMe,
    state: meta.state,
    outcome,
    steps,
    due: Object.entries(meta.out)
      .map(([link, at]) => ({ link, at, attempts: meta.attempts[link] ?? 0 }))
      .sort((a, b) => a.at - b.at),
    createdAt: meta.createdAt * 1000,
    expiresAt: meta.expiresAt * 1000,
    txBytes: meta.txBytes,
    credits: meta.credits,
    events: events.map((e) => ({ ...e })),
  };
}

function step(name: DeliveryStep, reached: boolean, at: number | undefined): StepView {
  return { step: name, reached, ...(reached && at !== undefined ? { at } : {}) };
}

/**
 * Who said it was received: the destination itself (`node`), or the custodian that passed on the
 * destination's receipt (`passedOnBy`): a kit whose report went through a gateway hears "received"
 * from the gateway, which must not read as the gateway having been the destination.
 */
function receivedFrom(event: DeliveryEvent | undefined): { node?: number; passedOnBy?: number } {
  if (event?.node === undefined) return {};
  return event.detail === VOUCHED_DETAIL ? { passedOnBy: event.node } : { node: event.node };
}

function nodeOf(node: number | undefined): { node?: number } {
  return node === undefined ? {} : { node };
}
