/**
 * What the warning desk's tests give it for a core (docs/warnings.md §Issuing): a recording core
 * that numbers, encodes and signs each submitted message as NodeCore would, keeps its frame for
 * the desk to read back, and records every send toward a kit. Not a mock of NodeCore's behaviour
 * beyond that: the integration tests run the desk on real cores (node/src/demo/county-warnings.test.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Draft } from '../../../core/core-types.js';
import type { DraftPreview } from '../../../core/own-messages.js';
import { signatureAuthenticator } from '../../../crypto/authenticate.js';
import { encodeMessage, type Message } from '../../../wire/message.js';

export const DESK_CENTRE = 1;
export const DESK_ISSUER = 3;
export const deskSign = signatureAuthenticator(generateKeyPairSync('ed25519').privateKey);

export class RecordingCore {
  seq = 100;
  readonly frames = new Map<string, Uint8Array>();
  readonly submitted: Message[] = [];
  readonly sentToward: Array<{ id: string; node: number }> = [];

  constructor(readonly now: () => number) {}

  #message(draft: Draft, seq: number): Message {
    return {
      kind: draft.kind,
      body: draft.body,
      origin: DESK_CENTRE,
      seq,
      createdAt: Math.floor(this.now() / 1000),
      priority: draft.priority,
      lifetimeMin: draft.lifetimeMin,
      dest: draft.dest,
      flags: draft.flags ?? [],
      clockUntrusted: false,
    } as Message;
  }

  async submit(draft: Draft): Promise<string> {
    const seq = ++this.seq;
    const message = this.#message(draft, seq);
    this.frames.set(`${DESK_CENTRE}/${seq}`, encodeMessage(message, deskSign));
    this.submitted.push(message);
    return `${DESK_CENTRE}/${seq}`;
  }

  preview(draft: Draft): DraftPreview {
    return { bytes: encodeMessage(this.#message(draft, this.seq + 1), deskSign).length, links: [] };
  }

  async sendToward(id: string, node: number): Promise<string[]> {
    this.sentToward.push({ id, node });
    return ['mesh'];
  }
}
