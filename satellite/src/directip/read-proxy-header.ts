/**
 * Reads the PROXY protocol header off the start of a TCP connection (docs/centre-doors.md
 * §DirectIP behind a proxy; proxy-header.ts), and hands back the bytes that came after it in the
 * same reads: usually the whole DirectIP message, since a proxy sends both at once.
 */
import type { Socket } from 'node:net';
import { KitError } from '../../../node/src/base/errors.js';
import { type ProxyHeader, parseProxyHeader } from './proxy-header.js';
import { ReadTimeoutError } from './read-message.js';

export interface ReadProxyHeaderResult {
  header: ProxyHeader;
  /** What followed the header; the socket is paused, to be read on by readMessage(…, rest). */
  rest: Uint8Array;
}

/**
 * Resolves with the header once it is complete, the socket paused so that nothing after it is
 * lost before the next reader listens.
 *
 * @throws KitError DIRECTIP_PROXY_MALFORMED when the bytes are not a header or the connection ends
 *   first; ReadTimeoutError when `timeoutMs` passes first; the socket's error when it fails.
 */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<ReadProxyHeaderResult> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      fn();
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      try {
        const read = parseProxyHeader(buffered);
        if (!read.complete) return;
        // Paused before anything else runs: a stream that had data queued would otherwise emit
        // it to nobody between this listener and the next.
        socket.pause();
        const rest = new Uint8Array(buffered.subarray(read.length));
        done(() => resolve({ header: read.header, rest }));
      } catch (err) {
        done(() => reject(err));
      }
    };
    const onEnd = () =>
      done(() =>
        reject(
          new KitError(
            'DIRECTIP_PROXY_MALFORMED',
            `PROXY header: the connection ended after ${buffered.length} bytes, before the header was complete`,
          ),
        ),
      );
    const onError = (err: Error) => done(() => reject(err));
    const timer = setTimeout(
      () =>
        done(() =>
          reject(
            new ReadTimeoutError(
              `no complete PROXY header within ${timeoutMs} ms (${buffered.length} bytes)`,
            ),
          ),
        ),
      timeoutMs,
    );
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
  });
}
