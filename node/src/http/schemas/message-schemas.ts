/**
 * The shape of a message's delivery state (docs/api.md §Messages), as delivery-view.ts derives it.
 */
import { Type } from 'typebox';
import { DELIVERY_STEPS } from '../delivery-view.js';
import { Closed, OneOf } from './common-schemas.js';

const STATES = [
  'queued',
  'sent',
  'custody',
  'received',
  'acknowledged',
  'delivered',
  'expired',
  'failed',
] as const;

const State = OneOf(STATES);

export const DeliveryEventSchema = Closed({
  at: Type.Number({ description: 'unix ms' }),
  state: State,
  link: Type.Optional(Type.String()),
  node: Type.Optional(Type.Integer()),
  detail: Type.Optional(Type.String()),
});

export const Delivery = Closed({
  id: Type.String(),
  kind: Type.String(),
  priority: Type.Integer({ minimum: 0, maximum: 3 }),
  local: Type.Boolean({ description: 'Made on this node.' }),
  forMe: Type.Boolean({ description: 'This node is its destination.' }),
  state: State,
  outcome: OneOf(['open', 'done', 'expired', 'failed']),
  steps: Type.Array(
    Closed({
      step: OneOf(DELIVERY_STEPS),
      reached: Type.Boolean(),
      at: Type.Optional(Type.Number({ description: 'unix ms, when an event says' })),
      links: Type.Optional(Type.Array(Type.String(), { description: 'sent: the links that took it' })),
      node: Type.Optional(
        Type.Integer({
          description: 'custody: the relay; received: the destination, when it said so itself',
        }),
      ),
      passedOnBy: Type.Optional(
        Type.Integer({ description: "received: the custodian that passed on the destination's receipt" }),
      ),
    }),
    { description: 'queued → sent → custody → received → acknowledged, each reached or not.' },
  ),
  due: Type.Array(Closed({ link: Type.String(), at: Type.Number(), attempts: Type.Integer() })),
  createdAt: Type.Number(),
  expiresAt: Type.Number(),
  txBytes: Type.Integer({ description: 'Bytes put on links for it.' }),
  credits: Type.Integer({ description: 'Satellite credits spent on it.' }),
  events: Type.Array(DeliveryEventSchema),
});
