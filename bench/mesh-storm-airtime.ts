/**
 * What each radio of the 叫应 storm sent and heard (docs/mesh-simulator.md §The 叫应 storm): every
 * transmission on the simulated medium, kept per radio that sent it and per radio in range of it
 * (heard, or lost to a collision, the link's loss or its own send: its channel is busy either
 * way), with what it carried and why it was on air, for the channel utilisation
 * (mesh-storm-utilisation.ts) and the breakdown of where the airtime went.
 *
 * What a packet carried is learnt where a host hands it to its radio (the router's `sendToMesh`,
 * wrapped as mesh-airtime.ts does) by decoding the fieldnode frame: a warning, a kit's word that it
 * holds it (`delivered` ack), answers (an ack, with how many it bundles), a re-alarm, a receipt by
 * scope. A frame too big for one packet goes as fragments; those are named by the message they
 * make up once all of them have been seen. Anything a radio sends that no host gave it is a
 * Routing ACK or NAK of its own.
 */
import { FRAGMENT_TYPE, parseFragment } from '../node/src/wire/fragment.js';
import { HOP_TAGGED_TYPE, unwrapHopTagged } from '../node/src/wire/hop-tagged.js';
import { decodeFrame, type Message } from '../node/src/wire/message.js';
import type { MeshNetwork } from '../radio/sim/meshtastic/mesh-network.js';
import type { AirSpan } from './mesh-storm-utilisation.js';

export type StormWhy = 'first' | 'retransmission' | 'relay';

export interface StormShare {
  carried: string;
  why: StormWhy;
  transmissions: number;
  /** Summed over the transmissions, ms. */
  airtimeMs: number;
}

/** One packet in a radio's channel: sent or heard. */
export interface LabelledAirEvent extends AirSpan {
  label: () => string;
  sent: boolean;
}

const RADIO_ACK = 'radio ACK or NAK';

/** What a fieldnode frame carries, and the id of the message (undefined when it cannot be read). */
function kindOf(frame: Uint8Array): { kind: string; id?: string } {
  try {
    const inner = frame[0] === HOP_TAGGED_TYPE ? unwrapHopTagged(frame).frame : frame;
    const m = decodeFrame(inner).message;
    if (m === undefined) return { kind: 'other fieldnode' };
    return { kind: kindOfMessage(m), id: `${m.origin}/${m.seq}` };
  } catch {
    return { kind: 'other fieldnode' };
  }
}

function kindOfMessage(m: Message): string {
  if (m.kind === 'warning') return 'warning';
  if (m.kind === 'ack') {
    if (m.body.state === 'delivered') return 'ack: kit holds the warning';
    const n = 1 + (m.body.others?.length ?? 0);
    return n === 1 ? 'ack: 1 answer' : 'ack: 2+ answers bundled';
  }
  if (m.kind === 'control') return m.body.realarm !== undefined ? 'control: re-alarm' : 'control';
  if (m.kind === 'receipt') return `receipt: ${m.body.scope ?? 'delivered'}`;
  return m.kind;
}

export class StormAirtime {
  /** By radio number: every packet it sent or heard. */
  readonly byRadio = new Map<number, LabelledAirEvent[]>();
  /** `sender:packet id` → what it carried (a fragment's, once the message it is part of is whole). */
  readonly #carried = new Map<string, () => string>();
  readonly #fragments = new Map<string, { count: number; chunks: Map<number, Uint8Array> }>();
  readonly #fragmentKind = new Map<string, string>();
  readonly #sentOwn = new Set<string>();
  /** By what they carry: the ids of the messages hosts gave their radios. */
  readonly #messages = new Map<string, Set<string>>();
  readonly #shares = new Map<string, { label: () => string; why: StormWhy; n: number; ms: number }>();
  /** The transmission each radio has on air now: its airtime and, once the router says, its label. */
  readonly #onAir = new Map<number, { airtimeMs: number; label: () => string }>();

  constructor(network: MeshNetwork, hosts: readonly number[]) {
    for (const num of network.nodes) this.byRadio.set(num, []);
    network.medium.onEvent((e) => {
      if (e.type === 'tx') {
        const onAir = { airtimeMs: e.airtimeMs, label: () => RADIO_ACK };
        this.#onAir.set(e.from, onAir);
        this.#event(e.from, {
          startMs: e.at,
          endMs: e.at + e.airtimeMs,
          label: () => onAir.label(),
          sent: true,
        });
      } else if (e.type === 'rx' || (e.type === 'drop' && e.reason !== 'aborted')) {
        // Reported when the packet ends. Heard or lost (to a collision, the link's loss, or its own
        // send), it kept the radio's channel busy; the union of the spans counts overlaps once.
        const onAir = this.#onAir.get(e.from);
        if (onAir === undefined) return;
        this.#event(e.to, {
          startMs: e.at - onAir.airtimeMs,
          endMs: e.at,
          label: () => onAir.label(),
          sent: false,
        });
      }
    });
    for (const num of network.nodes) {
      const router = network.router(num);
      if (hosts.includes(num)) {
        const send = router.sendToMesh.bind(router);
        router.sendToMesh = (packet) => {
          const v = packet.payloadVariant;
          if (v.case === 'decoded') this.#carried.set(`${num}:${packet.id}`, this.#labelOf(v.value.payload));
          return send(packet);
        };
      }
      router.onEvent((e) => {
        if (e.type !== 'tx') return;
        const key = `${e.from}:${e.id}`;
        const label = this.#carried.get(key) ?? (() => RADIO_ACK);
        const onAir = this.#onAir.get(e.node);
        if (onAir !== undefined) onAir.label = label;
        let why: StormWhy = 'relay';
        if (e.relay !== true) {
          why = this.#sentOwn.has(key) ? 'retransmission' : 'first';
          this.#sentOwn.add(key);
        }
        const shareKey = `${key}|${why}`;
        // Kept per packet until the report: a fragment's label is known only once all are seen.
        const share = this.#shares.get(shareKey) ?? { label, why, n: 0, ms: 0 };
        share.n++;
        share.ms += onAir?.airtimeMs ?? 0;
        this.#shares.set(shareKey, share);
      });
    }
  }

  /** Where the airtime went, by what was carried and why, largest first. */
  shares(): StormShare[] {
    const out = new Map<string, StormShare>();
    for (const s of this.#shares.values()) {
      const carried = s.label();
      const k = `${carried}|${s.why}`;
      const share = out.get(k) ?? { carried, why: s.why, transmissions: 0, airtimeMs: 0 };
      share.transmissions += s.n;
      share.airtimeMs += s.ms;
      out.set(k, share);
    }
    return [...out.values()].sort((a, b) => b.airtimeMs - a.airtimeMs);
  }

  /** How many messages of each kind the hosts gave their radios (a message sent again counts once). */
  messages(): Map<string, number> {
    return new Map([...this.#messages].map(([kind, ids]) => [kind, ids.size]));
  }

  #seen(k: { kind: string; id?: string }): { kind: string; id?: string } {
    if (k.id !== undefined) {
      const ids = this.#messages.get(k.kind) ?? new Set<string>();
      ids.add(k.id);
      this.#messages.set(k.kind, ids);
    }
    return k;
  }

  #event(radio: number, e: LabelledAirEvent): void {
    const list = this.byRadio.get(radio);
    if (list === undefined) this.byRadio.set(radio, [e]);
    else list.push(e);
  }

  #labelOf(payload: Uint8Array): () => string {
    if (payload[0] !== FRAGMENT_TYPE) {
      const { kind } = this.#seen(kindOf(payload));
      return () => kind;
    }
    let digest: string;
    try {
      const f = parseFragment(payload);
      digest = Buffer.from(f.digest).toString('hex');
      const whole = this.#fragments.get(digest) ?? { count: f.count, chunks: new Map() };
      whole.chunks.set(f.index, f.chunk);
      this.#fragments.set(digest, whole);
      if (whole.chunks.size === whole.count && !this.#fragmentKind.has(digest)) {
        const parts = [...whole.chunks.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
        this.#fragmentKind.set(digest, this.#seen(kindOf(Buffer.concat(parts))).kind);
      }
    } catch {
      return () => 'other fieldnode';
    }
    return () => `${this.#fragmentKind.get(digest) ?? 'other fieldnode'} (fragment)`;
  }
}
