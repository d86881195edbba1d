/**
 * The modem simulator against the fidelity checklist of docs/iridium.md §7.4, items 1–4 and 7
 * (sessions, limits and faults are in modem-sim-session.test.ts and modem-sim-faults.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { encodeSbdrbBlock, withChecksum } from '../../src/at/sbd-checksum.js';
import { simRig } from './modem-sim-rig.js';
import { constantSky, windowSky } from './modem-sim-sky.js';

const hello = Buffer.from('hello');

describe('§7.4 item 1: echo on by default, ATE0/ATE1, never the SBDWB payload', () => {
  it('echoes commands (with their CR) after power-up', async () => {
    const r = simRig();
    await r.send('AT\r');
    expect(r.take()).toBe('AT\r\r\nOK\r\n');
  });

  it('ATE0 turns echo off (the ATE0 itself is still echoed), ATE1 back on', async () => {
    const r = simRig();
    await r.send('ATE0\r');
    expect(r.take()).toBe('ATE0\r\r\nOK\r\n');
    await r.send('AT\r');
    expect(r.take()).toBe('\r\nOK\r\n');
    await r.send('ATE1\r');
    expect(r.take()).toBe('\r\nOK\r\n');
    await r.send('AT\r');
    expect(r.take()).toBe('AT\r\r\nOK\r\n');
  });

  it('does not echo the SBDWB payload even with echo on', async () => {
    const r = simRig();
    await r.send('AT+SBDWB=5\r');
    expect(r.take()).toBe('AT+SBDWB=5\rREADY\r\n');
    await r.send(withChecksum(hello));
    expect(r.take()).toBe('0\r\n\r\nOK\r\n');
  });
});

describe('§7.4 item 2: CR ends a command, stray LF ignored, AT in any case', () => {
  it('a command terminated by CR LF runs once; the LF is neither echoed nor a blank command', async () => {
    const r = simRig();
    await r.send('AT+CGSN\r\n');
    expect(r.take()).toBe('AT+CGSN\r\r\n300534060000001\r\n\r\nOK\r\n');
  });

  it('LF alone does not end a command', async () => {
    const r = simRig({ echo: false });
    await r.send('AT\n');
    expect(r.take()).toBe('');
    await r.send('\r');
    expect(r.take()).toBe('\r\nOK\r\n');
  });

  it('at, aT and At work; unknown commands are ERROR', async () => {
    const r = simRig({ echo: false });
    for (const c of ['at\r', 'aT+csq\r', 'At+sbdd0\r']) {
      await r.send(c);
      await r.advance(3_000);
    }
    expect(r.take()).toBe('\r\nOK\r\n\r\n+CSQ:4\r\n\r\nOK\r\n0\r\n\r\nOK\r\n');
    await r.send('AT+FOO\r');
    expect(r.take()).toBe('\r\nERROR\r\n');
  });
});

describe('§7.4 item 3: exact strings', () => {
  it('+SBDIX with comma and space', async () => {
    const r = simRig({ echo: false });
    await r.send('AT+SBDIX\r');
    await r.advance(30_000);
    expect(r.take()).toBe('\r\n+SBDIX: 0, 0, 0, 0, 0, 0\r\n\r\nOK\r\n');
  });

  it('+CSQ:n with no space', async () => {
    const r = simRig({ echo: false, sky: constantSky(2) });
    await r.send('AT+CSQ\r');
    await r.advance(2_000);
    expect(r.take()).toBe('\r\n+CSQ:2\r\n\r\nOK\r\n');
  });

  it('-MSSTM: lowercase hex (d1c6dd38 at the Ground Control example time), or no network service', async () => {
    const r = simRig({ echo: false });
    await r.send('AT-MSSTM\r');
    expect(r.take()).toBe('\r\n-MSSTM: d1c6dd38\r\n\r\nOK\r\n');
    const dark = simRig({ echo: false, sky: constantSky(0) });
    await dark.send('AT-MSSTM\r');
    expect(dark.take()).toBe('\r\n-MSSTM: no network service\r\n\r\nOK\r\n');
  });

  it('READY\\r\\n; SBDWB 0\\r\\n\\r\\nOK\\r\\n; 2 with OK on a bad checksum', async () => {
    const r = simRig({ echo: false });
    await r.send('AT+SBDWB=5\r');
    expect(r.take()).toBe('READY\r\n');
    await r.send(Buffer.from('68656c6c6f0215', 'hex'));
    expect(r.take()).toBe('2\r\n\r\nOK\r\n');
    expect(r.sim.state.mo).toBeUndefined();
  });

  it('SBDWB status 1 without OK after the 60 s write timeout', async () => {
    const r = simRig({ echo: false });
    await r.send('AT+SBDWB=5\r');
    await r.send(hello);
    r.take();
    await r.advance(59_999);
    expect(r.take()).toBe('');
    await r.advance(1);
    expect(r.take()).toBe('1\r\n');
    await r.send('AT\r');
    expect(r.take()).toBe('\r\nOK\r\n');
  });

  it('SBDWB status 3 instead of READY for 0 and 341 bytes', async () => {
    const r = simRig({ echo: false });
    await r.send('AT+SBDWB=0\r');
    expect(r.take()).toBe('3\r\n\r\nOK\r\n');
    await r.send('AT+SBDWB=341\r');
    expect(r.take()).toBe('3\r\n\r\nOK\r\n');
    await r.send('AT+SBDWB=123456789\r');
    expect(r.take()).toBe('3\r\n\r\nOK\r\n');
    await r.send('AT+SBDWB=340\r');
    expect(r.take()).toBe('READY\r\n');
  });

  it('SBDRING\\r\\n and +CIEV:i,v', async () => {
    const r = simRig({ echo: false, ringAlerts: true, sky: constantSky(3) });
    await r.send('AT+CIER=1,1,1,1\r');
    expect(r.take()).toBe('\r\nOK\r\n+CIEV:0,3\r\n+CIEV:1,1\r\n+CIEV:2,0\r\n');
    r.network.queueMt(r.sim.imei, hello);
    await r.advance(0);
    expect(r.take()).toBe('SBDRING\r\n');
  });

  it('the Mikal Hart / SparkFun prompts and terminators are all satisfied (§7.6)', async () => {
    // Init as the reference driver does it, echo on; then SBDWT text upload as in issue #25.
    const r = simRig();
    const seen: string[] = [];
    const run = async (c: string, ms = 0): Promise<string> => {
      await r.send(c);
      await r.advance(ms);
      const out = r.take();
      seen.push(out);
      return out;
    };
    expect(await run('AT\r')).toContain('\r\nOK\r\n');
    await run('ATE1\r');
    await run('AT&D0\r');
    await run('AT&K0\r');
    await run('AT+SBDMTA=0\r');
    expect(await run('AT+CGMR\r')).toContain('Call Processor Version: ');
    expect(await run('AT+SBDWT\r')).toBe('AT+SBDWT\rREADY\r\n');
    expect(await run('Test message from Test code\r')).toBe('0\r\n\r\nOK\r\n');
    expect(Buffer.from(r.sim.state.mo ?? []).toString()).toBe('Test message from Test code');
    expect(await run('AT-MSSTM\r')).toMatch(/-MSSTM: [0-9a-f]+\r\n\r\nOK\r\n$/);
    expect(await run('AT+CSQ\r', 3_000)).toContain('+CSQ:');
    expect(await run('AT+SBDIX\r', 30_000)).toMatch(
      /^AT\+SBDIX\r\r\n\+SBDIX: 0, 0, 0, 0, 0, 0\r\n\r\nOK\r\n$/,
    );
    expect(await run('AT+SBDRB\r')).toBe(`AT+SBDRB\r\x00\x00\x00\x00\r\nOK\r\n`);
  });
});

describe('§7.4 item 4: URCs only at line boundaries, never inside SBDRB, held while busy', () => {
  it('a ring during a session waits for the +SBDIX answer to end (the MT queued meanwhile comes with it)', async () => {
    const r = simRig({ echo: false, ringAlerts: true, sessionMs: [10_000, 10_000] });
    await r.send('AT+SBDIX\r');
    await r.advance(5_000);
    r.network.queueMt(r.sim.imei, hello);
    await r.advance(0);
    expect(r.take()).toBe('');
    await r.advance(5_000);
    expect(r.take()).toBe('\r\n+SBDIX: 0, 0, 1, 1, 5, 0\r\n\r\nOK\r\nSBDRING\r\n');
  });

  it('a ring while the host is half-way through typing a command waits for that command', async () => {
    const r = simRig({ ringAlerts: true });
    await r.send('AT+SB');
    r.network.queueMt(r.sim.imei, hello);
    await r.advance(0);
    expect(r.take()).toBe('AT+SB');
    await r.send('DS\r');
    expect(r.take()).toBe('DS\r\r\n+SBDS: 0, 0, 0, -1\r\n\r\nOK\r\nSBDRING\r\n');
  });

  it('an SBDRB block holding CR LF and URC-like text is sent whole, the ring after it', async () => {
    const payload = Buffer.from('\r\nSBDRING\r\nOK\r\n', 'latin1');
    const r = simRig({ echo: false, ringAlerts: true, sessionMs: [1_000, 1_000] });
    r.network.queueMt(r.sim.imei, payload);
    await r.advance(0);
    r.take();
    await r.send('AT+SBDIX\r');
    await r.advance(1_000);
    expect(r.take()).toContain('+SBDIX: 0, 0, 1, 1, 15, 0');
    await r.send('AT+SBDRB\r');
    expect(r.takeBytes()).toEqual(Buffer.concat([encodeSbdrbBlock(payload), Buffer.from('\r\nOK\r\n')]));
  });

  it('+CIEV changes during a busy command: only the latest per indicator, after the answer', async () => {
    const sky = {
      signalAt: (t: number) => (t < 1_000 ? 2 : t < 2_000 ? 4 : 5),
      nextChangeAfter: (t: number) => (t < 1_000 ? 1_000 : t < 2_000 ? 2_000 : undefined),
    };
    const r = simRig({ echo: false, sky });
    await r.send('AT+CIER=1,1,1\r');
    expect(r.take()).toBe('\r\nOK\r\n+CIEV:0,2\r\n+CIEV:1,1\r\n');
    r.sim.faults.delayNextCsq(3_000);
    await r.send('AT+CSQ\r');
    await r.advance(2_500);
    expect(r.take()).toBe('');
    await r.advance(500);
    expect(r.take()).toBe('\r\n+CSQ:5\r\n\r\nOK\r\n+CIEV:0,5\r\n');
  });
});

describe('+CIEV follows the sky while AT+CIER asks for it', () => {
  it('reports each change, and nothing after AT+CIER=0', async () => {
    const sky = windowSky([
      { from: 1_000, to: 2_000, signal: 3 },
      { from: 3_000, to: 4_000, signal: 5 },
    ]);
    const r = simRig({ echo: false, sky });
    await r.send('AT+CIER=1,1,1\r');
    expect(r.take()).toBe('\r\nOK\r\n+CIEV:0,0\r\n+CIEV:1,0\r\n');
    await r.advance(1_000);
    expect(r.take()).toBe('+CIEV:0,3\r\n+CIEV:1,1\r\n');
    await r.advance(1_000);
    expect(r.take()).toBe('+CIEV:0,0\r\n+CIEV:1,0\r\n');
    await r.send('AT+CIER=0\r');
    expect(r.take()).toBe('\r\nOK\r\n');
    await r.advance(2_000);
    expect(r.take()).toBe('');
  });
});

describe('§7.4 item 7: binary-safe everywhere', () => {
  it('an MO with CR LF, "OK" and trailing 0x00 goes to the gateway unchanged; SBDTC/SBDRB bring it back', async () => {
    const payload = Buffer.from('\r\nOK\r\n\x00AT\r\x00\x00', 'latin1');
    const r = simRig({ echo: true, sessionMs: [1_000, 1_000] });
    await r.send(`AT+SBDWB=${payload.length}\r`);
    await r.send(withChecksum(payload));
    expect(r.take()).toBe(`AT+SBDWB=${payload.length}\rREADY\r\n0\r\n\r\nOK\r\n`);
    await r.send('AT+SBDTC\r');
    expect(r.take()).toContain(`SBDTC: Outbound SBD Copied to Inbound SBD: size = ${payload.length}`);
    await r.send('AT+SBDRB\r');
    expect(r.takeBytes()).toEqual(
      Buffer.concat([Buffer.from('AT+SBDRB\r'), encodeSbdrbBlock(payload), Buffer.from('\r\nOK\r\n')]),
    );
    await r.send('AT+SBDIX\r');
    await r.advance(1_000);
    expect(r.network.delivered.map((d) => Buffer.from(d.payload))).toEqual([payload]);
  });

  it('a command and its payload in one write: the payload bytes are taken by count', async () => {
    const r = simRig({ echo: false });
    await r.send(
      Buffer.concat([Buffer.from('AT+SBDWB=2\r'), withChecksum(Buffer.from('\r\r')), Buffer.from('AT\r')]),
    );
    expect(r.take()).toBe('READY\r\n0\r\n\r\nOK\r\n\r\nOK\r\n');
    expect(r.sim.state.mo).toEqual(Uint8Array.from([13, 13]));
  });
});

describe('other commands', () => {
  it('SBDMTA, SBDST and +CRIS read back; V0 gives numeric results', async () => {
    const r = simRig({ echo: false });
    await r.send('AT+SBDMTA=1\r');
    await r.send('AT+SBDMTA?\r');
    await r.send('AT+SBDST=45\r');
    await r.send('AT+SBDST?\r');
    await r.send('AT+CRIS\r');
    expect(r.take()).toBe(
      '\r\nOK\r\n\r\n+SBDMTA:1\r\n\r\nOK\r\n\r\nOK\r\n\r\n+SBDST:45\r\n\r\nOK\r\n\r\n+CRIS:000,000\r\n\r\nOK\r\n',
    );
    await r.send('ATV0\r');
    await r.send('AT\r');
    await r.send('ATX9\r');
    expect(r.take()).toBe('0\r0\r4\r');
  });

  it('AT*F: the modem stops answering until power-cycled, which restores echo', async () => {
    const r = simRig();
    await r.send('ATE0\r');
    r.take();
    await r.send('AT*F\r');
    expect(r.take()).toBe('\r\nOK\r\n');
    await r.send('AT\r');
    expect(r.take()).toBe('');
    r.sim.powerCycle();
    await r.send('AT\r');
    expect(r.take()).toBe('AT\r\r\nOK\r\n');
  });
});
