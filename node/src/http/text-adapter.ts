/**
 * Short texts behind the API (docs/texts.md): TextsService over the text book and NodeCore. A
 * text goes to the centre, one kit or an area as a text message (kind 9); the core picks its
 * authentication (the kit's MAC key to or from the centre, the node's own signature between kits
 * or to an area). The delivery state of a text sent here is read from the store at each call
 * (delivery-view.ts), so the view never lags the receipts.
 */
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { messageId } from '../domain/teams/task-state.js';
import { destinationOf, type Peer, peerOf } from '../domain/texts/conversation.js';
import type { HeldText, TextBook } from '../domain/texts/text-book.js';
import '../domain/texts/text-errors.js';
import type { MessageMeta } from '../store/records.js';
import { DELIVERY_STEPS, deliveryView } from './delivery-view.js';
import type { ApiPerson } from './people-directory.js';
import { type OwnMessageDeps, submitOwn, utf8Bytes } from './team-own-message.js';
import type { ConversationView, TextInput, TextsService, TextView } from './text-service.js';

export const MAX_TEXT_BYTES = 160;
/** A text is worth a day: one still undelivered then is reported expired. */
const TEXT_LIFETIME_MIN = 24 * 60;

export interface TextAdapterOptions extends OwnMessageDeps {
  book: TextBook;
  meta: (id: string) => Promise<MessageMeta | undefined>;
  /** Nodes a text may go to: the kits this node knows (keys.nodes), and whether one is the centre's. */
  knownNode: (node: number) => boolean;
  /** This node is the centre's: it writes to kits and areas, not to itself. */
  centre: boolean;
  drill?: boolean;
  personName: (node: number, person: number) => string | undefined;
  /** How people call a peer: a team's or kit's name, an area's. */
  peerLabel: (peer: Peer) => string;
  log: Logger;
}

export class TextAdapter implements TextsService {
  readonly #o: TextAdapterOptions;

  constructor(o: TextAdapterOptions) {
    this.#o = o;
  }

  async conversations(): Promise<ConversationView[]> {
    const out: ConversationView[] = [];
    for (const c of this.#o.book.conversations())
      out.push({
        conversation: c.conversation,
        peer: c.peer,
        label: this.#o.peerLabel(c.peer),
        last: await this.view(c.last),
        count: c.count,
        unread: c.unread,
      });
    return out;
  }

  async texts(conversation: string): Promise<TextView[] | undefined> {
    if (peerOf(conversation) === undefined) return undefined;
    return Promise.all(this.#o.book.texts(conversation).map((t) => this.view(t)));
  }

  async send(input: TextInput, by: ApiPerson): Promise<TextView> {
    const peer = peerOf(input.to);
    if (
      peer === undefined ||
      (peer.to === 'node' && !this.#o.knownNode(peer.node)) ||
      (peer.to === 'centre' && this.#o.centre)
    )
      throw new KitError(
        'TEXT_DESTINATION_INVALID',
        `to: ${input.to} is no destination here: centre, node-N of a known kit, or area-CODE`,
      );
    const n = utf8Bytes(input.text);
    if (input.text.trim() === '' || n > MAX_TEXT_BYTES)
      throw new KitError(
        'TEXT_TOO_LONG',
        `text: ${n} bytes; a text carries 1 to ${MAX_TEXT_BYTES} (53 Chinese characters)`,
      );
    const replyTo = input.replyTo === undefined ? undefined : refOf(input.replyTo);
    const message = await submitOwn(this.#o, {
      kind: 'text',
      body: { text: input.text, person: by.id, ...(replyTo === undefined ? {} : { replyTo }) },
      dest: destinationOf(peer),
      priority: 2,
      lifetimeMin: TEXT_LIFETIME_MIN,
      flags: this.#o.drill === true ? ['exercise'] : [],
    });
    const held = await this.#o.book.record(message, true);
    if (held === undefined) throw new TypeError(`text ${messageId(message)} was made twice`);
    return this.view(held);
  }

  markRead(conversation: string): Promise<void> {
    return this.#o.book.markRead(conversation);
  }

  unread(): number {
    return this.#o.book.conversations().reduce((n, c) => n + c.unread, 0);
  }

  /** The API view of a held text, with its delivery state when sent here. */
  async view(t: HeldText): Promise<TextView> {
    const m = t.message;
    const id = messageId(m);
    const person = m.body.person;
    const name = person === undefined ? undefined : this.#o.personName(m.origin, person);
    const delivery = t.local ? await this.#delivery(id) : undefined;
    return {
      id,
      conversation: t.conversation,
      from: m.origin,
      ...(person === undefined ? {} : { person }),
      ...(name === undefined ? {} : { name }),
      text: m.body.text,
      at: m.createdAt * 1000,
      mine: t.local,
      ...(m.body.replyTo === undefined ? {} : { replyTo: messageId(m.body.replyTo) }),
      bytes: utf8Bytes(m.body.text),
      ...(delivery === undefined ? {} : { delivery }),
      exercise: m.flags.includes('exercise'),
    };
  }

  async #delivery(id: string): Promise<TextView['delivery']> {
    const meta = await this.#o.meta(id);
    if (meta === undefined) return undefined;
    const view = deliveryView(meta);
    const reached = view.steps.filter((s) => s.reached).map((s) => s.step);
    const furthest = DELIVERY_STEPS.filter((s) => reached.includes(s)).at(-1) ?? 'queued';
    return { step: furthest, expired: view.outcome === 'expired' || view.outcome === 'failed' };
  }
}

function refOf(id: string): { origin: number; seq: number } {
  const m = /^(\d{1,10})\/(\d{1,10})$/.exec(id);
  if (m === null)
    throw new KitError('TEXT_DESTINATION_INVALID', `replyTo: ${id} is no message id (origin/seq)`);
  return { origin: Number(m[1]), seq: Number(m[2]) };
}
