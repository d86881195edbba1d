/**
 * The short texts a node sent and received, by conversation, with how far each conversation was
 * read (docs/texts.md §Conversations, §Unread). Kept in `<data_dir>/texts.jsonl`
 * (domain/teams/message-journal.ts): every text as its frame, and a `read` line when a
 * conversation is opened, so unread counts survive a restart.
 */
import { KitError } from '../../base/errors.js';
import type { Logger } from '../../base/logger.js';
import type { MessageOf } from '../../wire/message.js';
import { journalForm, MessageJournal } from '../teams/message-journal.js';
import { messageId } from '../teams/task-state.js';
import { type ConversationKey, conversationKey, type Peer, peerOfText } from './conversation.js';
import './text-errors.js';

interface ReadLine {
  t: 'read';
  conversation: ConversationKey;
  /** Read up to here, unix ms of arrival. */
  at: number;
}

export interface HeldText {
  message: MessageOf<'text'>;
  /** Made here. */
  local: boolean;
  /** When it was recorded here, unix ms. */
  at: number;
  conversation: ConversationKey;
  peer: Peer;
}

export interface ConversationSummary {
  conversation: ConversationKey;
  peer: Peer;
  last: HeldText;
  count: number;
  unread: number;
}

export interface TextBookOptions {
  file: string;
  nodeId: number;
  isCentre: (node: number) => boolean;
  now: () => number;
  changed: (text: HeldText, unread: number) => void;
  log: Logger;
}

export class TextBook {
  readonly #journal: MessageJournal<ReadLine>;
  readonly #o: TextBookOptions;
  readonly #texts = new Map<ConversationKey, HeldText[]>();
  readonly #readUpTo = new Map<ConversationKey, number>();
  readonly #seen = new Set<string>();

  private constructor(journal: MessageJournal<ReadLine>, o: TextBookOptions) {
    this.#journal = journal;
    this.#o = o;
  }

  static async open(o: TextBookOptions): Promise<TextBook> {
    const { journal, reading } = await MessageJournal.open<'text', ReadLine>({
      path: o.file,
      kinds: ['text'],
      isOther: (line): line is ReadLine =>
        line.t === 'read' &&
        typeof (line as ReadLine).conversation === 'string' &&
        typeof (line as ReadLine).at === 'number',
      log: o.log,
    }).catch((cause: unknown) => {
      throw new KitError(
        'TEXT_JOURNAL_FAILED',
        `cannot read the texts journal ${o.file}: ${String(cause)}; check its permissions`,
        { cause },
      );
    });
    const book = new TextBook(journal, o);
    for (const r of reading.messages) {
      const held = book.#hold(r.message, r.local, r.at);
      if (held !== undefined && r.local) book.#readTo(held.conversation, r.at);
    }
    for (const r of reading.others) book.#readTo(r.conversation, r.at);
    return book;
  }

  /** Records a text (sent here or delivered); undefined when it was already held. */
  async record(message: MessageOf<'text'>, local: boolean): Promise<HeldText | undefined> {
    if (this.#seen.has(messageId(message))) return undefined;
    const at = this.#o.now();
    const form = journalForm(message);
    await this.#journal.appendMessage(form.frame, at, local);
    const held = this.#hold(form.message, local, at);
    if (held === undefined) return undefined;
    // What this node sends, it has read: the conversation is read up to its own text.
    if (local) this.#readTo(held.conversation, at);
    this.#o.changed(held, this.unread(held.conversation));
    return held;
  }

  texts(conversation: ConversationKey): readonly HeldText[] {
    return this.#texts.get(conversation) ?? [];
  }

  unread(conversation: ConversationKey): number {
    const upTo = this.#readUpTo.get(conversation) ?? 0;
    return this.texts(conversation).filter((t) => !t.local && t.at > upTo).length;
  }

  /** Every conversation, the latest first. */
  conversations(): ConversationSummary[] {
    const out: ConversationSummary[] = [];
    for (const [conversation, texts] of this.#texts) {
      const last = texts.at(-1);
      if (last === undefined) continue;
      out.push({
        conversation,
        peer: last.peer,
        last,
        count: texts.length,
        unread: this.unread(conversation),
      });
    }
    return out.sort((a, b) => b.last.at - a.last.at);
  }

  /** Marks a conversation read up to now. */
  async markRead(conversation: ConversationKey): Promise<void> {
    const at = this.#o.now();
    await this.#journal.appendOther({ t: 'read', conversation, at });
    this.#readTo(conversation, at);
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  #readTo(conversation: ConversationKey, at: number): void {
    this.#readUpTo.set(conversation, Math.max(at, this.#readUpTo.get(conversation) ?? 0));
  }

  #hold(message: MessageOf<'text'>, local: boolean, at: number): HeldText | undefined {
    const id = messageId(message);
    if (this.#seen.has(id)) return undefined;
    this.#seen.add(id);
    const peer = peerOfText(message, this.#o.nodeId, this.#o.isCentre);
    const conversation = conversationKey(peer);
    const held: HeldText = { message, local, at, conversation, peer };
    const list = this.#texts.get(conversation);
    if (list === undefined) this.#texts.set(conversation, [held]);
    else list.push(held);
    return held;
  }
}
