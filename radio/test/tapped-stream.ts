/**
 * Test support: the in-process stream between a host and a simulated device, with a tap in the
 * middle through which a test writes bytes of its own towards the host, as a serial line carries
 * the firmware's stray text and torn frames between its frames (docs/meshtastic.md §1.3).
 * Each open() of `transport` is a fresh connection; `toHost` writes into the current one.
 */
import type { Duplex } from 'node:stream';
import { createDuplexPair } from '../../node/src/link/duplex-pair.js';
import type { SimulatedDevice } from '../sim/meshtastic/simulated-device.js';
import { StreamTransport } from '../src/transports/stream-transport.js';

export class TappedStream {
  readonly transport: StreamTransport;
  #toHost: Duplex | undefined;

  constructor(device: SimulatedDevice) {
    this.transport = new StreamTransport(() => {
      const [deviceEnd, tapDevice] = createDuplexPair();
      const [tapHost, hostEnd] = createDuplexPair();
      tapDevice.on('data', (chunk: Buffer) => tapHost.write(chunk));
      tapHost.on('data', (chunk: Buffer) => tapDevice.write(chunk));
      // Either end going away takes the whole line down, as unplugging a cable does.
      const cut = (): void => {
        tapDevice.destroy();
        tapHost.destroy();
      };
      for (const s of [tapDevice, tapHost]) {
        s.on('close', cut);
        s.on('end', cut);
        s.on('error', cut);
      }
      device.attach(deviceEnd);
      this.#toHost = tapHost;
      return hostEnd;
    }, 'tapped in-process stream');
  }

  /** Writes `bytes` to the host as if the device had sent them. */
  toHost(bytes: Uint8Array): void {
    const s = this.#toHost;
    if (s !== undefined && !s.destroyed) s.write(Buffer.from(bytes));
  }
}
