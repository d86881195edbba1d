/**
 * Messages as JSON for people and tools (the `fieldnode wire` command, the benchmark's JSON size):
 * byte strings are written as {"hex": "..."} and read back the same way.
 */
import { KitError } from '../base/errors.js';
import type { Message } from './message.js';

export function messageToJson(message: Message): string {
  return JSON.stringify(message, (_key, value) =>
    value instanceof Uint8Array ? { hex: Buffer.from(value).toString('hex') } : value,
  );
}

export function messageFromJson(text: string): Message {
  let value: unknown;
  try {
    value = JSON.parse(text, (_key, v) => {
      if (
        v &&
        typeof v === 'object' &&
        !Array.isArray(v) &&
        Object.keys(v).length === 1 &&
        typeof v.hex === 'string'
      ) {
        return Uint8Array.from(Buffer.from(v.hex, 'hex'));
      }
      return v;
    });
  } catch (cause) {
    throw new KitError('CLI_USAGE', 'the message is not valid JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || typeof (value as { kind?: unknown }).kind !== 'string') {
    throw new KitError('CLI_USAGE', 'a message is a JSON object with a "kind"');
  }
  // The encoder checks every field against the kind's schema and reports what is wrong.
  return value as Message;
}
