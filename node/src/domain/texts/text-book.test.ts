/**
 * The text book (text-book.ts; docs/texts.md §Conversations, §Unread) over a real journal file:
 * texts are filed by conversation as seen from this node, a text sent here reads its conversation,
 * unread counts and read marks survive a restart, and a damaged line is skipped, never fatal.
 * Conversation keys parse only what they name (conversation.ts).
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { X1 } from '../../wire/fixtures/team-messages.js';
import type { MessageOf } from '../../wire/message.js';
import { conversationKey, peerOf, peerOfText } from './conversation.js';
import { TextBook } from './text-book.js';

let dir: string;
let t = 1_000;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-texts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const isCentre = (n: number) => n === 1;
const open = (nodeId: number) =>
  TextBook.open({
    file: join(dir, 'texts.jsonl'),
    nodeId,
    isCentre,
    now: () => (t += 1000),
    changed: () => {},
    log: silentLogger,
  });

const reply: MessageOf<'text'> = {
  ...X1,
  origin: 1,
  seq: 70,
  dest: { to: 'node', node: X1.origin },
  body: { text: '收到', person: 9, replyTo: { origin: X1.origin, seq: X1.seq } },
};

describe('the text book', () => {
  it('files texts by conversation, counts unread, and keeps both across a restart', async () => {
    const centre = await open(1);
    await centre.record(X1, false);
    expect(centre.conversations()).toMatchObject([{ conversation: 'node-5003', unread: 1, count: 1 }]);
    await centre.record(reply, true);
    // What this node sends, it has read.
    expect(centre.unread('node-5003')).toBe(0);
    await centre.close();
    await appendFile(join(dir, 'texts.jsonl'), '{"t":"message","frame":"zz"}\nnot json\n');
    const again = await open(1);
    expect(again.texts('node-5003').map((x) => [x.message.body.text, x.local])).toEqual([
      ['20分钟到', false],
      ['收到', true],
    ]);
    expect(again.unread('node-5003')).toBe(0);
    // The same text again is not a second one.
    expect(await again.record(X1, false)).toBeUndefined();
    await again.close();
  });

  it('marks a conversation read, and the mark survives a restart', async () => {
    const kit = await open(5003);
    await kit.record(reply, false);
    expect(kit.unread('centre')).toBe(1);
    await kit.markRead('centre');
    await kit.close();
    const again = await open(5003);
    expect(again.unread('centre')).toBe(0);
    await again.close();
  });
});

describe('conversation keys', () => {
  it('name the centre, a node or an area, from either end', () => {
    expect(conversationKey(peerOfText(X1, 1, isCentre))).toBe('node-5003');
    expect(conversationKey(peerOfText(X1, 5003, isCentre))).toBe('centre');
    expect(conversationKey(peerOfText(reply, 5003, isCentre))).toBe('centre');
    const toArea = { ...X1, dest: { to: 'area' as const, area: 430121101201 } };
    expect(conversationKey(peerOfText(toArea, 2107, isCentre))).toBe('area-430121101201');
    expect(peerOf('area-43012')).toBeUndefined();
    expect(peerOf('node-0')).toBeUndefined();
  });

  it('parse any string without throwing, and a key they accept names itself', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^(node|area)-\d{1,13}$/)), (s) => {
        const peer = peerOf(s);
        if (peer !== undefined) expect(conversationKey(peer)).toBe(s.replace(/-(0+)(\d)/, '-$2'));
      }),
    );
  });
});
