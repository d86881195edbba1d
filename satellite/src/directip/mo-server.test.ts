/**
 * Tests for mo-server.ts over real TCP on 127.0.0.1 (docs/iridium.md §3.1, §3.4, §7.5): one
 * message per connection, the exact confirmation bytes, deduplication, every payload handed on
 * whatever it holds (the core classifies), and what is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeMoServers,
  deliverInChunks as deliver,
  MO_FRAME as FRAME,
  referenceMo as mo,
  moServer as server,
} from '../../test/support/mo-server-rig.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const SBD_RS_0_MO = hex(
  `01 0038 01 001c 70ec0769 ${Buffer.from('300234063904190').toString('hex')} 00 004b 0000 559eba2c
   02 0016 ${Buffer.from('test message from pete').toString('hex')}`,
);

afterEach(closeMoServers);

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('DirectIpMoServer', () => {
  it('confirms a fieldnode MO message with exactly 01 00 04 05 00 01 01 and hands it on', async () => {
    const t = await server({ confirm: true });
    expect(await deliver(t.port, [mo()])).toEqual(hex('01 0004 05 0001 01'));
    await tick();
    expect(t.mos).toHaveLength(1);
    expect(t.mos[0]?.message.payload).toEqual(FRAME);
    expect(t.mos[0]?.message.header).toMatchObject({ imei: '300434060000010', momsn: 12 });
    expect(t.mos[0]?.remote).toBe('127.0.0.1');
  });

  it('reads a message that arrives in pieces, and sends nothing back without confirmation', async () => {
    const t = await server();
    const bytes = mo();
    expect(await deliver(t.port, [bytes.subarray(0, 2), bytes.subarray(2, 30), bytes.subarray(30)])).toEqual(
      new Uint8Array(),
    );
    await tick();
    expect(t.mos).toHaveLength(1);
  });

  it('hands on the sbd-rs capture (a text, not a fieldnode frame) as it is, confirming success', async () => {
    const t = await server({ confirm: true });
    expect(await deliver(t.port, [SBD_RS_0_MO])).toEqual(hex('01 0004 05 0001 01'));
    await tick();
    expect(t.mos).toHaveLength(1);
    expect(t.mos[0]?.message.header).toMatchObject({
      imei: '300234063904190',
      momsn: 75,
      sessionTime: Date.UTC(2015, 6, 9, 18, 15, 8) / 1000,
    });
    expect(t.mos[0]?.message.payload).toEqual(new TextEncoder().encode('test message from pete'));
    expect(t.s.counters()).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('hands on a mailbox check (no payload) as an MO message without payload', async () => {
    const t = await server({ confirm: true });
    expect(await deliver(t.port, [mo({}, null)])).toEqual(hex('01 0004 05 0001 01'));
    await tick();
    expect(t.mos[0]?.message.payload).toBeUndefined();
  });

  it('deduplicates on (IMEI, MOMSN, session time), confirming success each time', async () => {
    const t = await server({ confirm: true });
    for (const bytes of [
      mo(),
      mo({ cdrReference: 8 }),
      mo({ momsn: 13 }),
      mo({ sessionTime: 1_784_000_001 }),
    ]) {
      expect(await deliver(t.port, [bytes])).toEqual(hex('01 0004 05 0001 01'));
    }
    await tick();
    expect(t.mos.map((m) => [m.message.header.momsn, m.message.header.sessionTime])).toEqual([
      [12, 1_784_000_000],
      [13, 1_784_000_000],
      [12, 1_784_000_001],
    ]);
    expect(t.s.counters()).toMatchObject({ accepted: 3, duplicates: 1 });
  });

  it('takes a message the gateway delivers again after a restart as a duplicate, through its store', async () => {
    let saved: readonly (readonly [string, number])[] = [];
    const store = {
      save: async (entries: readonly (readonly [string, number])[]) => {
        saved = entries;
      },
    };
    const first = await server({ confirm: true, dedupeStore: { store, initial: saved } });
    expect(await deliver(first.port, [mo()])).toEqual(hex('01 0004 05 0001 01'));
    await tick();
    await first.s.close();
    const again = await server({ confirm: true, dedupeStore: { store, initial: saved } });
    expect(await deliver(again.port, [mo({ cdrReference: 8 })])).toEqual(hex('01 0004 05 0001 01'));
    await tick();
    expect(again.mos).toEqual([]);
    expect(again.s.counters()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('answers failure (…00) to a message it cannot read, and logs why', async () => {
    const t = await server({ confirm: true });
    const bad = hex('01 0005 02 0002 cafe'); // no header
    expect(await deliver(t.port, [bad])).toEqual(hex('01 0004 05 0001 00'));
    expect(await deliver(t.port, [hex('31 0004 05 0001 01')])).toEqual(hex('01 0004 05 0001 00'));
    await tick();
    expect(t.rejected.map((r) => r.reason)).toEqual(['malformed', 'malformed']);
    expect(t.log.lines.filter((l) => l.msg === 'directip MO refused')).toHaveLength(2);
    expect(t.mos).toEqual([]);
  });

  it('refuses a connection that ends early or stalls', async () => {
    const t = await server({ confirm: true, readTimeoutMs: 50 });
    const bytes = mo();
    // The gateway closed its side: there is nobody to confirm to.
    expect(await deliver(t.port, [bytes.subarray(0, 20)], { end: true })).toEqual(new Uint8Array());
    expect(await deliver(t.port, [bytes.subarray(0, 20)])).toEqual(new Uint8Array()); // dropped at the timeout
    await tick();
    expect(t.rejected.map((r) => r.reason)).toEqual(['malformed', 'timeout']);
  });

  it('drops connections unread while not accepting, and from sources not allowed', async () => {
    const t = await server({ confirm: true });
    t.s.accepting = false;
    expect(await deliver(t.port, [mo()])).toEqual(new Uint8Array());
    const u = await server({ confirm: true, allowedSources: ['10.0.0.1'] });
    expect(await deliver(u.port, [mo()])).toEqual(new Uint8Array());
    await tick();
    expect(t.rejected.map((r) => r.reason)).toEqual(['not-accepting']);
    expect(u.rejected.map((r) => r.reason)).toEqual(['source']);
    expect([...t.mos, ...u.mos]).toEqual([]);
  });
});
