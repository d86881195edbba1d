/**
 * Reads exactly one DirectIP message from a TCP socket (docs/iridium.md §3.1, §3.2): one
 * message per connection, delimited only by its overall length, so the reader knows it is
 * complete from its first three bytes and does not wait for the peer to close.
 */
import type { Socket } from 'node:net';
import { KitError } from '../../../node/src/base/errors.js';
import { expectedMessageBytes } from './message.js';

/** No complete message arrived within the time allowed. */
export class ReadTimeoutError extends Error {
  override name = 'ReadTimeoutError';
}

export interface ReadMessageResult {
  message: Uint8Array;
  /** Bytes that came after the message before it was complete (a protocol violation). */
  extra: number;
}

/**
 * Resolves with the message once its announced length has arrived. `initial` holds bytes of the
 * connection already read (what followed a PROXY header: read-proxy-header.ts); a paused socket
 * is resumed.
 *
 * @throws KitError DIRECTIP_MALFORMED when the first byte is not revision 1, or the stream ends
 *   before the message is complete; ReadTimeoutError when `timeoutMs` passes first; the socket's
 *   error when it fails.
 */
export function readMessage(
  socket: Socket,
  timeoutMs: number,
  initial?: Uint8Array,
): Promise<ReadMessageResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let expected: number | undefined;
    let finished = false;
    const done = (fn: () => void) => {
      finished = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onEnd);
      fn();
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      try {
        expected ??= expectedMessageBytes(Buffer.concat(chunks).subarray(0, 3));
      } catch (err) {
        done(() => reject(err));
        return;
      }
      if (expected !== undefined && size >= expected) {
        const all = Buffer.concat(chunks);
        const want = expected;
        done(() => resolve({ message: new Uint8Array(all.subarray(0, want)), extra: size - want }));
      }
    };
    const onEnd = () =>
      done(() =>
        reject(
          new KitError(
            'DIRECTIP_MALFORMED',
            `DirectIP: the connection ended after ${size} bytes${expected === undefined ? '' : ` of ${expected}`}`,
          ),
        ),
      );
    const onError = (err: Error) => done(() => reject(err));
    const timer = setTimeout(
      () =>
        done(() =>
          reject(new ReadTimeoutError(`no complete DirectIP message within ${timeoutMs} ms (${size} bytes)`)),
        ),
      timeoutMs,
    );
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    if (initial !== undefined && initial.length > 0) onData(Buffer.from(initial));
    if (!finished && socket.destroyed) onEnd(); // it closed while paused: 'close' has been and gone
    if (!finished) socket.resume();
  });
}
