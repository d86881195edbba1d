/**
 * The simulator's profiles of modems that are not exactly a 9603 (docs/iridium.md §7.4 checklist
 * item 9; modem-sim-profiles.ts): MINIMAL_MODEM answers ERROR to the commands that only inform and
 * everything else as the 9603 does.
 */
import { describe, expect, it } from 'vitest';
import { withChecksum } from '../../src/at/sbd-checksum.js';
import { MINIMAL_MODEM } from './modem-sim-profiles.js';
import { simRig } from './modem-sim-rig.js';

describe('§7.4 item 9: MINIMAL_MODEM', () => {
  it('answers ERROR to AT+CGMR, AT+CSQ, AT+CSQF and AT-MSSTM, and sends and receives as a 9603', async () => {
    const r = simRig({ echo: false, ...MINIMAL_MODEM });
    for (const c of ['AT+CGMR', 'at+cgmr', 'AT+CSQ', 'AT+CSQF', 'AT-MSSTM']) {
      await r.send(`${c}\r`);
      await r.advance(3_000);
      expect(r.take(), c).toBe('\r\nERROR\r\n');
    }
    // What is left is the 9603's: the IMEI, indicator events, writing the MO and the session.
    await r.send('AT+CGSN\r');
    expect(r.take()).toBe(`\r\n${r.sim.imei}\r\n\r\nOK\r\n`);
    await r.send('AT+CIER=1,1,1\r');
    expect(r.take()).toBe('\r\nOK\r\n+CIEV:0,4\r\n+CIEV:1,1\r\n');
    r.network.queueMt(r.sim.imei, Buffer.from('down'));
    await r.send('AT+SBDWB=5\r');
    expect(r.take()).toBe('READY\r\n');
    await r.send(withChecksum(Buffer.from('hello')));
    expect(r.take()).toBe('0\r\n\r\nOK\r\n');
    await r.send('AT+SBDIX\r');
    await r.advance(30_000);
    expect(r.take()).toBe('\r\n+SBDIX: 0, 0, 1, 1, 4, 0\r\n\r\nOK\r\n');
    expect(r.network.delivered.map((d) => Buffer.from(d.payload).toString())).toEqual(['hello']);
  });
});
