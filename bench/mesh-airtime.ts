/**
 * Where the airtime of a mesh benchmark run went: every transmission on the simulated
 * medium, attributed to what it carried (a fieldnode report, custody signal or receipt; or a
 * Routing ACK/NAK a radio made) and to why it was on air (the first transmission of a packet, a
 * radio's own retransmission of it, §2.5, or another radio relaying it, §5.1).
 *
 * A packet is known by (sender, id). Packets handed to a radio by its host are learnt as they
 * enter the mesh side (the router's `sendToMesh`, wrapped here) and classified by decoding the
 * fieldnode frame; every other packet a radio sends is one it made itself, a Routing ACK or NAK
 * (the simulated radios send nothing else). A transmission's airtime is the medium's figure for it:
 * the medium reports it on air just before the router does, in the same call.
 */
import { HOP_TAGGED_TYPE, unwrapHopTagged } from '../node/src/wire/hop-tagged.js';
import { decodeFrame } from '../node/src/wire/message.js';
import type { MeshNetwork } from '../radio/sim/meshtastic/mesh-network.js';

export type Carried = 'report' | 'custody signal' | 'receipt' | 'other fieldnode' | 'radio ACK or NAK';
export type Why = 'first' | 'retransmission' | 'relay';

export interface AirtimeShare {
  carried: Carried;
  why: Why;
  transmissions: number;
  airtimeMs: number;
}

function carriedBy(payload: Uint8Array): Carried {
  try {
    // A kit's frame goes in its hop-tagged container on the mesh (docs/wire-format.md §6.4).
    const frame = payload[0] === HOP_TAGGED_TYPE ? unwrapHopTagged(payload).frame : payload;
    const m = frame[0] === 0x01 ? undefined : decodeFrame(frame).message;
    if (m?.kind === 'report') return 'report';
    if (m?.kind === 'receipt') return m.body.scope === 'custody' ? 'custody signal' : 'receipt';
  } catch {
    // Not a whole fieldnode frame (a fragment): counted with the rest.
  }
  return 'other fieldnode';
}

/** Attributes every transmission on `network` from now on; `hosts` are the radios with a host. */
export class AirtimeLedger {
  readonly #kinds = new Map<string, Carried>();
  readonly #sentOwn = new Set<string>();
  readonly #shares = new Map<string, AirtimeShare>();
  readonly #lastAirtime = new Map<number, number>();

  constructor(network: MeshNetwork, hosts: readonly number[]) {
    network.medium.onEvent((e) => {
      if (e.type === 'tx') this.#lastAirtime.set(e.from, e.airtimeMs);
    });
    for (const num of network.nodes) {
      const router = network.router(num);
      if (hosts.includes(num)) {
        const send = router.sendToMesh.bind(router);
        router.sendToMesh = (packet) => {
          const v = packet.payloadVariant;
          if (v.case === 'decoded') this.#kinds.set(`${num}:${packet.id}`, carriedBy(v.value.payload));
          return send(packet);
        };
      }
      router.onEvent((e) => {
        if (e.type !== 'tx') return;
        const key = `${e.from}:${e.id}`;
        const carried = this.#kinds.get(key) ?? 'radio ACK or NAK';
        let why: Why = 'relay';
        if (e.relay !== true) {
          why = this.#sentOwn.has(key) ? 'retransmission' : 'first';
          this.#sentOwn.add(key);
        }
        const shareKey = `${carried}/${why}`;
        const share = this.#shares.get(shareKey) ?? { carried, why, transmissions: 0, airtimeMs: 0 };
        share.transmissions++;
        share.airtimeMs += this.#lastAirtime.get(e.node) ?? 0;
        this.#shares.set(shareKey, share);
      });
    }
  }

  /** The shares so far, largest airtime first. */
  shares(): AirtimeShare[] {
    return [...this.#shares.values()].sort((a, b) => b.airtimeMs - a.airtimeMs);
  }
}
