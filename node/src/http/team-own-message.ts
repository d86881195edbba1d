/**
 * Submits a message this node makes and reads it back as the store holds it (docs/teams.md §On
 * the wire; docs/texts.md §On the wire): the team and text adapters record in their journals what
 * the core stored, with its sequence, time and flags, so the node that made a message holds what
 * every other node reads off the wire.
 */
import type { Draft } from '../core/core-types.js';
import type { KindName } from '../wire/kinds.js';
import { decodeFrame, type MessageOf } from '../wire/message.js';

export interface OwnMessageDeps {
  core: { submit(draft: Draft): Promise<string> };
  store: { getFrame(id: string): Promise<Uint8Array | undefined> };
}

export async function submitOwn<K extends KindName>(
  deps: OwnMessageDeps,
  draft: Draft<K>,
): Promise<MessageOf<K>> {
  const id = await deps.core.submit(draft as Draft);
  const frame = await deps.store.getFrame(id);
  const message = frame === undefined ? undefined : decodeFrame(frame).message;
  if (message?.kind !== draft.kind)
    throw new TypeError(`${draft.kind} message ${id} was submitted but is not in the store`);
  return message as MessageOf<K>;
}

/** Bytes of UTF-8 in a text, as the wire counts them. */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
