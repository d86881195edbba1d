/**
 * What the text routes need (docs/api.md §Texts; docs/texts.md): the conversations held here with
 * their unread counts, one conversation's texts with the delivery state of each sent here, sending
 * a text to the centre, a kit or an area, and marking a conversation read. text-adapter.ts
 * implements it over the text book (node/src/domain/texts/) and NodeCore.
 */
import type { Peer } from '../domain/texts/conversation.js';
import type { DeliveryStep } from './delivery-view.js';
import type { ApiPerson } from './people-directory.js';

export interface TextView {
  id: string;
  conversation: string;
  /** The node that sent it. */
  from: number;
  /** The writer's roster id at that node. */
  person?: number;
  /** The writer's name, where this node's roster has it. */
  name?: string;
  text: string;
  /** When it was made, unix ms. */
  at: number;
  mine: boolean;
  replyTo?: string;
  /** UTF-8 bytes on air. */
  bytes: number;
  /** Sent here: the furthest delivery step reached (delivery-view.ts), and whether it expired. */
  delivery?: { step: DeliveryStep; expired: boolean };
  exercise: boolean;
}

export interface ConversationView {
  conversation: string;
  peer: Peer;
  /** The peer as people call it: 指挥中心, a team's or kit's name, an area's name. */
  label: string;
  last: TextView;
  count: number;
  unread: number;
}

/** The body of POST /api/texts. */
export interface TextInput {
  /** `centre`, `node-N` or `area-CODE`, as a conversation key. */
  to: string;
  text: string;
  replyTo?: string;
}

export interface TextsService {
  conversations(): Promise<ConversationView[]>;
  /** Undefined: the key names no conversation this node may have. */
  texts(conversation: string): Promise<TextView[] | undefined>;
  send(input: TextInput, by: ApiPerson): Promise<TextView>;
  markRead(conversation: string): Promise<void>;
  /** Every unread text here, over all conversations. */
  unread(): number;
}
