/**
 * A described payload (frame-description.ts) as text for `fieldnode wire decode` (docs/operating.md
 * §The command line): the layers on standard output, and on standard error one line for each
 * layer that is invalid or whose tag does not verify, saying where it starts in the payload.
 */
import type { FrameLayer } from './frame-description.js';
import { messageNodes, tagVerdict } from './message-text.js';
import { renderTree, type TextNode } from './text-tree.js';

/** The layers, one indented line per field. */
export function frameText(layer: FrameLayer): string {
  return `${renderTree([layerNode(layer)]).join('\n')}\n`;
}

function layerNode(layer: FrameLayer, label?: string): TextNode {
  const at = layer.offset === 0 ? '' : ` from byte ${layer.offset}`;
  const size = `${layer.bytes} bytes${at}`;
  switch (layer.type) {
    case 'batch':
      return {
        label: 'batch',
        value: `${layer.entries.length} entries, ${size}`,
        children: layer.entries.map((e, i) => layerNode(e, `entry ${i}`)),
      };
    case 'fragment':
      return {
        label: label ?? 'fragment',
        value:
          `${label === undefined ? '' : 'fragment, '}${size}: piece ${layer.index} of 0–${layer.count - 1}, ` +
          `${layer.chunkBytes} bytes of a longer frame whose digest is ${Buffer.from(layer.digest).toString('hex')}`,
      };
    case 'hop-tagged':
      return {
        label: label ?? 'hop-tagged container',
        value: `${label === undefined ? '' : 'hop-tagged container, '}${size}`,
        children: [
          {
            label: 'hop tag',
            value: `${Buffer.from(layer.tag).toString('hex')}, ${tagVerdict(layer.check, 'relay key')}`,
          },
          layerNode(layer.inner),
        ],
      };
    case 'message':
      return {
        label: label ?? 'message',
        value: `${label === undefined ? '' : 'message, '}${size}`,
        children: messageNodes(layer.decoded, layer.check),
      };
    case 'invalid':
      return { label: label ?? 'invalid', value: `INVALID, ${size}: ${layer.error.code} (see the error)` };
  }
}

/**
 * One line for standard error for each invalid layer and each tag that does not verify:
 * `fieldnode: CODE: where: what`. Empty when all is well.
 */
export function problemLines(layer: FrameLayer, where = ''): string[] {
  switch (layer.type) {
    case 'invalid':
      return [`fieldnode: ${layer.error.code}: ${where}${layer.error.message}`];
    case 'batch':
      return layer.entries.flatMap((e, i) =>
        problemLines(e, `${where}batch entry ${i} (from byte ${e.offset}; offsets count from there): `),
      );
    case 'hop-tagged': {
      const inner = problemLines(
        layer.inner,
        `${where}the message in the hop-tagged container (from byte ${layer.inner.offset}; offsets count from there): `,
      );
      if (layer.check?.valid !== false || layer.inner.type !== 'message') return inner;
      const id = `${layer.inner.decoded.envelope.origin}/${layer.inner.decoded.envelope.seq}`;
      return [
        tagLine(`${where}the hop tag of message ${id}`, tagVerdict(layer.check, 'relay key')),
        ...inner,
      ];
    }
    case 'message': {
      if (layer.check?.valid !== false) return [];
      const id = `${layer.decoded.envelope.origin}/${layer.decoded.envelope.seq}`;
      return [tagLine(`${where}the MAC tag of message ${id}`, tagVerdict(layer.check))];
    }
    default:
      return [];
  }
}

function tagLine(what: string, verdict: string): string {
  return (
    `fieldnode: AUTH_TAG_INVALID: ${what} is ${verdict.replace(/^INVALID: /, 'invalid: ')}: ` +
    'the frame was changed, or tagged under another master secret'
  );
}
