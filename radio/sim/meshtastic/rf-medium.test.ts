/**
 * The RF medium: time on air from radio/src/lora/airtime.ts (docs/meshtastic.md §4.3),
 * collisions, half-duplex, capture, carrier sense, per-link loss and determinism for a seed.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { loraTimeOnAirMs, meshtasticPhyBytes } from '../../src/lora/airtime.js';
import { ModemPreset } from '../../src/meshtastic/constants.js';
import { presetParams } from './lora-timing.js';
import {
  type MediumEvent,
  type RadioPort,
  type Reception,
  RfMedium,
  type RfMediumOptions,
} from './rf-medium.js';

interface Radio {
  port: RadioPort;
  got: Array<{ bytes: Uint8Array; rx: Reception; at: number }>;
  done: number;
}

function setup(opts: Partial<RfMediumOptions> = {}, nodes = [1, 2, 3]) {
  const clock = new VirtualClock();
  const medium = new RfMedium({ clock, random: seededRandom(opts.preset ?? 7), ...opts });
  const radios = new Map<number, Radio>();
  for (const n of nodes) {
    const r: Radio = { port: undefined as unknown as RadioPort, got: [], done: 0 };
    r.port = medium.attach(n, {
      receive: (bytes, rx) => r.got.push({ bytes, rx, at: clock.now() }),
      transmitDone: () => {
        r.done++;
      },
    });
    radios.set(n, r);
  }
  const radio = (n: number): Radio => radios.get(n)!;
  return { clock, medium, radio };
}

const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(0xab);

describe('time on air (§4.3)', () => {
  it.each([
    [ModemPreset.LONG_FAST, 50, 805],
    [ModemPreset.LONG_FAST, 100, 1174],
    [ModemPreset.LONG_FAST, 200, 1911],
    [ModemPreset.LONG_SLOW, 50, 4858],
    [ModemPreset.LONG_SLOW, 100, 7479],
    [ModemPreset.LONG_SLOW, 200, 12722],
    [ModemPreset.MEDIUM_FAST, 200, 570],
    [ModemPreset.SHORT_FAST, 100, 107],
  ])(
    'preset %i, %i B payload: the channel is busy for airtime.ts’s %i ms and delivery comes at its end',
    (preset, app, table) => {
      const { clock, medium, radio } = setup({ preset });
      medium.setLink(1, 2);
      const phy = meshtasticPhyBytes(app);
      const expected = loraTimeOnAirMs(phy, presetParams(preset));
      expect(Math.round(expected)).toBe(table);
      expect(radio(1).port.transmit(bytes(phy))).toBe(expected);
      expect(medium.airtimeMs(phy)).toBe(expected);
      clock.advance(expected - 0.001);
      expect(radio(2).got).toHaveLength(0);
      expect(radio(1).port.isTransmitting()).toBe(true);
      clock.advance(0.001);
      expect(radio(2).got).toHaveLength(1);
      expect(radio(1).done).toBe(1);
      expect(medium.counters().byNode.get(1)).toEqual({ transmissions: 1, airtimeMs: expected });
    },
  );

  it('refuses more than 255 bytes and a second transmission while one is on air', () => {
    const { radio } = setup();
    expect(() => radio(1).port.transmit(bytes(256))).toThrow(RangeError);
    radio(1).port.transmit(bytes(20));
    expect(() => radio(1).port.transmit(bytes(20))).toThrow(/already transmitting/);
  });
});

describe('collisions and half-duplex', () => {
  it('two overlapping transmissions at a receiver that hears both: it gets neither', () => {
    const { clock, medium, radio } = setup();
    medium.setLink(1, 3);
    medium.setLink(2, 3);
    radio(1).port.transmit(bytes(50));
    clock.advance(100);
    radio(2).port.transmit(bytes(50));
    clock.advance(5000);
    expect(radio(3).got).toHaveLength(0);
    expect(medium.counters().collisions).toBe(2);
  });

  it('the same two transmissions one after the other both arrive', () => {
    const { clock, medium, radio } = setup();
    medium.setLink(1, 3);
    medium.setLink(2, 3);
    const air = radio(1).port.transmit(bytes(50));
    clock.advance(air); // ends exactly when the next starts: [start, end) do not overlap
    radio(2).port.transmit(bytes(50));
    clock.advance(5000);
    expect(radio(3).got.map((g) => g.rx.from)).toEqual([1, 2]);
    expect(medium.counters().collisions).toBe(0);
  });

  it('an overlap at a receiver that hears only one of them does not hurt it', () => {
    const { clock, medium, radio } = setup();
    medium.setLink(1, 3);
    medium.setLink(2, 1); // 2 is heard by 1 only
    radio(1).port.transmit(bytes(50));
    radio(2).port.transmit(bytes(50));
    clock.advance(5000);
    expect(radio(3).got).toHaveLength(1);
    expect(radio(1).got).toHaveLength(0); // 1 was transmitting: half-duplex
    expect(medium.counters()).toMatchObject({ collisions: 0, halfDuplex: 1, deliveries: 1 });
  });

  it('a radio that starts transmitting mid-reception loses that reception', () => {
    const { clock, medium, radio } = setup();
    medium.setSymmetricLink(1, 2);
    radio(1).port.transmit(bytes(50));
    clock.advance(200);
    radio(2).port.transmit(bytes(10));
    clock.advance(5000);
    expect(radio(2).got).toHaveLength(0);
    expect(radio(1).got).toHaveLength(0);
    expect(medium.counters().halfDuplex).toBe(2);
  });

  it('capture effect: with captureDb 6 the signal 30 dB stronger survives the overlap', () => {
    const { clock, medium, radio } = setup({ captureDb: 6 });
    medium.setLink(1, 3, { rssi: -60 });
    medium.setLink(2, 3, { rssi: -90 });
    radio(1).port.transmit(bytes(50));
    radio(2).port.transmit(bytes(50));
    clock.advance(5000);
    expect(radio(3).got.map((g) => g.rx.from)).toEqual([1]);
    expect(medium.counters().collisions).toBe(1);
  });

  it('abort (a reboot mid-transmission): nobody receives it and it never reports done', () => {
    const { clock, medium, radio } = setup();
    medium.setLink(1, 2);
    radio(1).port.transmit(bytes(50));
    clock.advance(100);
    radio(1).port.abort();
    expect(radio(1).port.isTransmitting()).toBe(false);
    clock.advance(5000);
    expect(radio(2).got).toHaveLength(0);
    expect(radio(1).done).toBe(0);
    expect(medium.counters().aborted).toBe(1);
  });
});

describe('carrier sense and utilisation', () => {
  it('a radio senses a transmission it can hear once it has been on air for the sense delay', () => {
    const { clock, medium, radio } = setup();
    medium.setLink(1, 2);
    radio(1).port.transmit(bytes(50));
    expect(radio(2).port.isChannelBusy()).toBe(false);
    clock.advance(medium.senseDelayMs);
    expect(radio(2).port.isChannelBusy()).toBe(true);
    expect(radio(3).port.isChannelBusy()).toBe(false); // no link from 1
    expect(radio(1).port.isChannelBusy()).toBe(false); // its own signal
    clock.advance(5000);
    expect(radio(2).port.isChannelBusy()).toBe(false);
  });

  it('channel utilisation counts transmitting and hearing over the last minute', () => {
    const { clock, medium, radio } = setup();
    medium.setLink(1, 2);
    const air = radio(1).port.transmit(bytes(100));
    clock.advance(30_000);
    expect(radio(1).port.channelUtilizationPercent()).toBeCloseTo((100 * air) / 60_000, 6);
    expect(radio(2).port.channelUtilizationPercent()).toBeCloseTo((100 * air) / 60_000, 6);
    expect(radio(3).port.channelUtilizationPercent()).toBe(0);
    clock.advance(30_000 + air); // the transmission has left the minute
    expect(radio(1).port.channelUtilizationPercent()).toBe(0);
  });
});

describe('loss and determinism', () => {
  it('a link with 20 % loss delivers 80 % ± 3 % of 2000 packets, and counts the rest as losses', () => {
    const { clock, medium, radio } = setup({ random: seededRandom(42) });
    medium.setLink(1, 2, { loss: 0.2 });
    for (let i = 0; i < 2000; i++) {
      clock.advance(radio(1).port.transmit(bytes(20)));
    }
    const got = radio(2).got.length;
    expect(got / 2000).toBeGreaterThan(0.77);
    expect(got / 2000).toBeLessThan(0.83);
    expect(medium.counters().losses).toBe(2000 - got);
  });

  it('same seed → identical event trace; different seed → different', () => {
    const run = (seed: number): string[] => {
      const { clock, medium, radio } = setup({ random: seededRandom(seed) });
      medium.setSymmetricLink(1, 2, { loss: 0.3 });
      medium.setSymmetricLink(2, 3, { loss: 0.3 });
      const events: string[] = [];
      medium.onEvent((e: MediumEvent) => events.push(JSON.stringify(e)));
      for (let i = 0; i < 50; i++) {
        radio(2).port.transmit(bytes(30));
        clock.advance(1000);
      }
      return events;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });
});
