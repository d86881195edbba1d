/**
 * A described payload (frame-description.ts) as JSON for `fieldnode wire decode --json`
 * (docs/operating.md §The command line). Messages are written as `fieldnode wire encode` reads
 * them (node/src/wire/message-json.ts: unix seconds, numeric codes), so a decoded message can be
 * changed and encoded again; byte strings are hex.
 */
import type { Message } from '../wire/message.js';
import { messageToJson } from '../wire/message-json.js';
import type { FrameLayer, TagCheck } from './frame-description.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function frameJson(layer: FrameLayer): unknown {
  const place = { offset: layer.offset, bytes: layer.bytes };
  switch (layer.type) {
    case 'batch':
      return { type: 'batch', ...place, entries: layer.entries.map(frameJson) };
    case 'fragment':
      return {
        type: 'fragment',
        ...place,
        digest: hex(layer.digest),
        index: layer.index,
        count: layer.count,
        chunkBytes: layer.chunkBytes,
      };
    case 'hop-tagged':
      return {
        type: 'hop-tagged',
        ...place,
        tag: hex(layer.tag),
        ...checkJson('hopTag', layer.check),
        frame: frameJson(layer.inner),
      };
    case 'message': {
      const d = layer.decoded;
      return {
        type: 'message',
        ...place,
        auth: d.envelope.auth,
        trailer: hex(d.trailer),
        ...checkJson('mac', layer.check),
        unknownFields: d.unknownFields,
        message: d.message
          ? JSON.parse(messageToJson(d.message as Message))
          : { kindCode: d.envelope.kindCode, unknown: true },
      };
    }
    case 'invalid':
      return { type: 'invalid', ...place, code: layer.error.code, error: layer.error.message };
  }
}

function checkJson(name: string, check: TagCheck | undefined): Record<string, unknown> {
  if (check === undefined) return {};
  return { [name]: check.valid ? { valid: true, ...check.key } : { valid: false, tried: check.tried } };
}
