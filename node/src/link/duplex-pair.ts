/**
 * Two in-process byte streams joined back to back: what one side writes, the other reads. The
 * in-process transport between a device session and a simulated device (every link's contract suite runs over one: docs/links.md
 * §The link contract); Node 20 has no `duplexPair` of its own (it arrived in 22.6).
 * Ending or destroying one side ends the other's readable side, as a closed socket would.
 */
import { Duplex } from 'node:stream';

export function createDuplexPair(): [Duplex, Duplex] {
  let a: Duplex | undefined;
  let b: Duplex | undefined;
  const make = (other: () => Duplex | undefined): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        const peer = other();
        if (peer !== undefined && !peer.destroyed && !peer.readableEnded) peer.push(Buffer.from(chunk));
        callback();
      },
      final(callback) {
        other()?.push(null);
        callback();
      },
      destroy(err, callback) {
        const peer = other();
        if (peer !== undefined && !peer.readableEnded) peer.push(null);
        callback(err);
      },
    });
  a = make(() => b);
  b = make(() => a);
  return [a, b];
}
