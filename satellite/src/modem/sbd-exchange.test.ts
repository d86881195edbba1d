import { describe, expect, it } from 'vitest';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { encodeSbdrbBlock } from '../at/sbd-checksum.js';
import { playTranscript, type TranscriptStep } from '../at/transcript-peer.js';
import { ModemDriver } from './modem-driver.js';
import { runSbdExchange } from './sbd-exchange.js';

const ok = (cmd: string, ...info: string[]): TranscriptStep => ({
  host: `${cmd}\r`,
  modem: `${info.map((l) => `\r\n${l}\r\n`).join('')}\r\nOK\r\n`,
});
const sbdd0: TranscriptStep = { host: 'AT+SBDD0\r', modem: '0\r\n\r\nOK\r\n' };
const block = (s: string, corrupt = false): Buffer => {
  const b = Buffer.from(encodeSbdrbBlock(Buffer.from(s)));
  if (corrupt) b[b.length - 1] = (b[b.length - 1] as number) ^ 1;
  return Buffer.concat([b, Buffer.from('\r\nOK\r\n')]);
};

function setup(steps: TranscriptStep[]) {
  const [host, device] = createDuplexPair();
  const player = playTranscript(device, steps);
  return { modem: new ModemDriver({ port: host, commandTimeoutMs: 300 }), player };
}

describe('runSbdExchange (§7.1 "Send")', () => {
  it('SBDD0 → SBDWB → SBDIX → SBDRB (MT status 1) → SBDD0 after success, in that order', async () => {
    const { modem, player } = setup([
      sbdd0,
      { host: 'AT+SBDWB=3\r', modem: 'READY\r\n' },
      { host: Buffer.from([1, 2, 3, 0, 6]), modem: '0\r\n\r\nOK\r\n' },
      ok('AT+SBDIX', '+SBDIX: 0, 41, 1, 5, 4, 2'),
      { host: 'AT+SBDRB\r', modem: block('warn') },
      sbdd0,
    ]);
    const r = await runSbdExchange(modem, { payload: new Uint8Array([1, 2, 3]) });
    expect(r.outcome).toEqual({ kind: 'success' });
    expect(r.session.momsn).toBe(41);
    expect(r.session.mtQueued).toBe(2);
    expect(Buffer.from(r.mt ?? []).toString()).toBe('warn');
    expect(r.mtError).toBeUndefined();
    await player.done;
  });

  it('a failed session keeps the MO buffer (no SBDD0 after) and reports the class', async () => {
    const { modem, player } = setup([
      sbdd0,
      { host: 'AT+SBDWB=1\r', modem: 'READY\r\n' },
      { host: Buffer.from([9, 0, 9]), modem: '0\r\n\r\nOK\r\n' },
      ok('AT+SBDIX', '+SBDIX: 36, 41, 2, 0, 0, 0'),
    ]);
    const r = await runSbdExchange(modem, { payload: new Uint8Array([9]) });
    expect(r.outcome).toEqual({ kind: 'transient', minBackoffMs: 180_000 });
    await player.done;
    expect(player.written().toString('latin1').endsWith('AT+SBDIX\r')).toBe(true);
  });

  it('a mailbox check answering a ring: SBDD0 → SBDIXA, no SBDWB', async () => {
    const { modem, player } = setup([sbdd0, ok('AT+SBDIXA', '+SBDIX: 0, 42, 0, 0, 0, 0')]);
    const r = await runSbdExchange(modem, { answerRing: true });
    expect(r.session.mtStatus).toBe(0);
    expect(r.mt).toBeUndefined();
    await player.done;
  });

  it('reads the MT buffer again after one checksum mismatch', async () => {
    const { modem, player } = setup([
      sbdd0,
      ok('AT+SBDIX', '+SBDIX: 0, 43, 1, 6, 2, 0'),
      { host: 'AT+SBDRB\r', modem: block('hi', true) },
      { host: 'AT+SBDRB\r', modem: block('hi') },
    ]);
    const r = await runSbdExchange(modem);
    expect(Buffer.from(r.mt ?? []).toString()).toBe('hi');
    await player.done;
  });

  it('two checksum mismatches: the session result stands, the MT failure is reported', async () => {
    const { modem } = setup([
      sbdd0,
      { host: 'AT+SBDWB=1\r', modem: 'READY\r\n' },
      { host: Buffer.from([7, 0, 7]), modem: '0\r\n\r\nOK\r\n' },
      ok('AT+SBDIX', '+SBDIX: 0, 44, 1, 7, 2, 0'),
      { host: 'AT+SBDRB\r', modem: block('hi', true) },
      { host: 'AT+SBDRB\r', modem: block('hi', true) },
      sbdd0,
    ]);
    const r = await runSbdExchange(modem, { payload: new Uint8Array([7]) });
    expect(r.outcome.kind).toBe('success');
    expect(r.mt).toBeUndefined();
    expect(r.mtError?.code).toBe('SBD_CHECKSUM');
    expect(r.clearError).toBeUndefined();
  });

  it('an SBDWB failure rejects before any session', async () => {
    const { modem, player } = setup([sbdd0, { host: 'AT+SBDWB=400\r', modem: '3\r\n\r\nOK\r\n' }]);
    await expect(runSbdExchange(modem, { payload: new Uint8Array(400) })).rejects.toMatchObject({
      result: 3,
    });
    await player.done;
  });
});
