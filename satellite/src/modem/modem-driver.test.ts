import type { Duplex } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { encodeSbdrbBlock } from '../at/sbd-checksum.js';
import { playTranscript, type TranscriptStep } from '../at/transcript-peer.js';
import { ModemDriver, type ModemDriverOptions } from './modem-driver.js';

const fast = { commandTimeoutMs: 1_000, pollIntervalMs: 5, pollTimeoutMs: 200, powerUpTimeoutMs: 5_000 };

function setup(extra: Partial<ModemDriverOptions> = {}): { driver: ModemDriver; device: Duplex } {
  const [host, device] = createDuplexPair();
  return { driver: new ModemDriver({ port: host, ...fast, ...extra }), device };
}

/** A modem with echo on (its default) that answers `cmd` with `info` lines and OK. */
const echoed = (cmd: string, ...info: string[]): TranscriptStep => ({
  host: `${cmd}\r`,
  modem: `${cmd}\r${info.map((l) => `\r\n${l}\r\n`).join('')}\r\nOK\r\n`,
});
const quiet = (cmd: string, ...info: string[]): TranscriptStep => ({
  host: `${cmd}\r`,
  modem: `${info.map((l) => `\r\n${l}\r\n`).join('')}\r\nOK\r\n`,
});

const IMEI = '300234010753370';

describe('ModemDriver.start (§7.1 "Init")', () => {
  it('sends the init sequence byte for byte and reads IMEI and firmware', async () => {
    const { driver, device } = setup();
    const p = playTranscript(device, [
      echoed('AT'),
      echoed('ATV1'),
      echoed('ATE0'),
      quiet('AT&K0'),
      quiet('AT&D0'),
      quiet('AT+SBDMTA=0'),
      { host: 'AT+CIER=1,1,1\r', modem: '\r\nOK\r\n+CIEV:0,3\r\n+CIEV:1,1\r\n' },
      quiet('AT+CGSN', IMEI),
      quiet('AT+CGMR', 'Call Processor Version: TA16005', 'Modem DSP Version: 1.7 svn: 2358'),
    ]);
    const signals: number[] = [];
    const service: boolean[] = [];
    driver.on('signal', (n) => signals.push(n));
    driver.on('service', (s) => service.push(s));
    await expect(driver.start()).resolves.toEqual({
      imei: IMEI,
      firmware: 'Call Processor Version: TA16005\nModem DSP Version: 1.7 svn: 2358',
    });
    await p.done;
    expect(signals).toEqual([3]);
    expect(service).toEqual([true]);
  });

  it('with echo kept on, ring alerts and a session timeout bound', async () => {
    const { driver, device } = setup({
      echo: true,
      ringAlerts: true,
      sbdSessionTimeoutS: 60,
      indicatorEvents: false,
    });
    const p = playTranscript(device, [
      quiet('AT'),
      quiet('ATV1'),
      echoed('ATE1'),
      echoed('AT&K0'),
      echoed('AT&D0'),
      echoed('AT+SBDMTA=1'),
      echoed('AT+SBDST=60'),
      echoed('AT+CGSN', IMEI),
      echoed('AT+CGMR', 'Call Processor Version: TA16005'),
    ]);
    await expect(driver.start()).resolves.toMatchObject({ imei: IMEI });
    await p.done;
  });

  it('polls AT through power-up silence until the modem answers', async () => {
    const { driver, device } = setup({ indicatorEvents: false });
    let polls = 0;
    const silent = 4;
    const steps: TranscriptStep[] = [];
    for (let i = 0; i < silent; i++) steps.push({ host: 'AT\r', modem: '' });
    steps.push(
      echoed('AT'),
      echoed('ATV1'),
      echoed('ATE0'),
      quiet('AT&K0'),
      quiet('AT&D0'),
      quiet('AT+SBDMTA=0'),
      quiet('AT+CGSN', IMEI),
      quiet('AT+CGMR', 'x'),
    );
    device.on('data', (b: Buffer) => {
      if (b.toString() === 'AT\r') polls++;
    });
    const p = playTranscript(device, steps);
    await driver.start();
    await p.done;
    expect(polls).toBe(silent + 1);
  });

  it('a slow modem answering polls late: the late OKs are not taken for later commands', async () => {
    const { driver, device } = setup({ indicatorEvents: false, pollTimeoutMs: 20 });
    let pending = '';
    let slowPolls = 2;
    device.on('data', (b: Buffer) => {
      pending += b.toString('latin1');
      for (let i = pending.indexOf('\r'); i >= 0; i = pending.indexOf('\r')) {
        const cmd = pending.slice(0, i);
        pending = pending.slice(i + 1);
        const answer = cmd === 'AT+CGSN' ? `\r\n${IMEI}\r\n\r\nOK\r\n` : '\r\nOK\r\n';
        // The first polls are answered after their timeout, as a modem still waking up might;
        // the other commands take 10 ms each, so a late OK would land in the middle of start-up.
        if (cmd === 'AT' && slowPolls-- > 0) setTimeout(() => device.write(answer), 30);
        else setTimeout(() => device.write(answer), 10);
      }
    });
    await expect(driver.start()).resolves.toMatchObject({ imei: IMEI });
  });

  it('gives up with AT_TIMEOUT after powerUpTimeoutMs', async () => {
    const { driver } = setup({ powerUpTimeoutMs: 80 });
    const started = Date.now();
    await expect(driver.start()).rejects.toMatchObject({ code: 'AT_TIMEOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });

  it('copes with a modem left in numeric mode (ATV0)', async () => {
    const { driver, device } = setup({ indicatorEvents: false });
    const p = playTranscript(device, [
      { host: 'AT\r', modem: 'AT\r0\r' },
      { host: 'ATV1\r', modem: 'ATV1\r\r\nOK\r\n' },
      echoed('ATE0'),
      quiet('AT&K0'),
      quiet('AT&D0'),
      quiet('AT+SBDMTA=0'),
      quiet('AT+CGSN', IMEI),
      quiet('AT+CGMR', 'x'),
    ]);
    await driver.start();
    await p.done;
  });

  it('no IMEI in the CGSN answer is AT_MALFORMED', async () => {
    const { driver, device } = setup({ indicatorEvents: false });
    playTranscript(device, [
      quiet('AT'),
      quiet('ATV1'),
      quiet('ATE0'),
      quiet('AT&K0'),
      quiet('AT&D0'),
      quiet('AT+SBDMTA=0'),
      quiet('AT+CGSN', 'ERRORED'),
    ]);
    await expect(driver.start()).rejects.toMatchObject({ code: 'AT_MALFORMED' });
  });

  it('starts on a modem that refuses AT+CIER, AT+CGSN and AT+CGMR, which only inform; a refused setting still fails', async () => {
    const refusing = (cmd: string): TranscriptStep => ({ host: `${cmd}\r`, modem: '\r\nERROR\r\n' });
    const { driver, device } = setup();
    const refused: string[] = [];
    driver.on('refused', (command) => refused.push(command));
    const p = playTranscript(device, [
      quiet('AT'),
      quiet('ATV1'),
      quiet('ATE0'),
      quiet('AT&K0'),
      quiet('AT&D0'),
      quiet('AT+SBDMTA=0'),
      refusing('AT+CIER=1,1,1'),
      refusing('AT+CGSN'),
      refusing('AT+CGMR'),
    ]);
    await expect(driver.start()).resolves.toEqual({});
    await p.done;
    expect(refused).toEqual(['AT+CIER', 'AT+CGSN', 'AT+CGMR']);

    // A setting is not information: a modem that refuses one cannot be driven as configured.
    const other = setup({ indicatorEvents: false });
    playTranscript(other.device, [quiet('AT'), quiet('ATV1'), quiet('ATE0'), refusing('AT&K0')]);
    await expect(other.driver.start()).rejects.toMatchObject({ code: 'AT_ERROR' });
  });

  it('refuses an SBDST bound that is not below the local session timeout', () => {
    const [host] = createDuplexPair();
    expect(() => new ModemDriver({ port: host, sbdSessionTimeoutS: 120, sessionTimeoutMs: 120_000 })).toThrow(
      RangeError,
    );
  });
});

describe('ModemDriver operations', () => {
  it('writeMo: results 1 and 2 reject with AT_ERROR carrying the result', async () => {
    const { driver, device } = setup();
    playTranscript(device, [
      { host: 'AT+SBDWB=2\r', modem: 'READY\r\n' },
      { host: Buffer.from([0x0d, 0x0a, 0x00, 0x17]), modem: '1\r\n' },
      { host: 'AT+SBDWB=2\r', modem: 'READY\r\n' },
      { host: Buffer.from([0x0d, 0x0a, 0x00, 0x17]), modem: '2\r\n\r\nOK\r\n' },
    ]);
    await expect(driver.writeMo(Buffer.from('\r\n'))).rejects.toMatchObject({ code: 'AT_ERROR', result: 1 });
    await expect(driver.writeMo(Buffer.from('\r\n'))).rejects.toMatchObject({ code: 'AT_ERROR', result: 2 });
  });

  it('readMt: a bad checksum is SBD_CHECKSUM; an empty buffer is an empty payload', async () => {
    const { driver, device } = setup();
    playTranscript(device, [
      { host: 'AT+SBDRB\r', modem: Buffer.from('000568656c6c6f02ff\r\nOK\r\n', 'latin1') },
      { host: 'AT+SBDRB\r', modem: Buffer.from([0, 0, 0, 0, 13, 10, 79, 75, 13, 10]) },
    ]);
    await expect(driver.readMt()).rejects.toMatchObject({ code: 'AT_MALFORMED' });
    await expect(driver.readMt()).resolves.toEqual(new Uint8Array(0));
    const second = setup();
    playTranscript(second.device, [
      {
        host: 'AT+SBDRB\r',
        modem: Buffer.concat([Buffer.from('000568656c6c6f0215', 'hex'), Buffer.from('\r\nOK\r\n')]),
      },
    ]);
    await expect(second.driver.readMt()).rejects.toMatchObject({ code: 'SBD_CHECKSUM' });
  });

  it('clearMo: result 1 is AT_ERROR', async () => {
    const { driver, device } = setup();
    playTranscript(device, [{ host: 'AT+SBDD0\r', modem: '1\r\n\r\nOK\r\n' }]);
    await expect(driver.clearMo()).rejects.toMatchObject({ code: 'AT_ERROR', result: 1 });
  });

  it('session: SBDIXA when answering a ring, +SBDIXA: accepted too; a hang is AT_TIMEOUT', async () => {
    const { driver, device } = setup({ sessionTimeoutMs: 50 });
    const p = playTranscript(device, [
      { host: 'AT+SBDIXA\r', modem: '\r\n+SBDIXA: 0, 7, 1, 9, 3, 2\r\n\r\nOK\r\n' },
      { host: 'AT+SBDIX\r', modem: '' },
    ]);
    await expect(driver.session({ answerRing: true })).resolves.toMatchObject({
      momsn: 7,
      mtmsn: 9,
      mtQueued: 2,
    });
    await expect(driver.session()).rejects.toMatchObject({ code: 'AT_TIMEOUT' });
    await p.done;
  });

  it('networkTime: "no network service" is undefined', async () => {
    const { driver, device } = setup();
    playTranscript(device, [quiet('AT-MSSTM', '-MSSTM: no network service')]);
    await expect(driver.networkTime()).resolves.toBeUndefined();
  });

  it('ring, signal and service events from URCs at any time', async () => {
    const { driver, device } = setup();
    const events: string[] = [];
    driver.on('ring', () => events.push('ring'));
    driver.on('signal', (n) => events.push(`signal ${n}`));
    driver.on('service', (s) => events.push(`service ${s}`));
    device.write('SBDRING\r\n+CIEV:0,0\r\n+CIEV:1,0\r\n+CIEV:2,1\r\n+CIEV:0,x\r\n');
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['ring', 'signal 0', 'service false']);
  });

  it('close destroys the port and emits closed; later calls are AT_CLOSED', async () => {
    const { driver, device } = setup();
    const closed = new Promise((r) => driver.once('closed', r));
    const ended = new Promise((r) => device.once('end', r));
    device.resume();
    await driver.close();
    await closed;
    await ended;
    await expect(driver.signalQuality()).rejects.toMatchObject({ code: 'AT_CLOSED' });
  });

  it('the device going away emits closed with the driver unusable', async () => {
    const { driver, device } = setup();
    const closed = new Promise((r) => driver.once('closed', r));
    const pending = driver.session();
    device.destroy();
    await closed;
    await expect(pending).rejects.toMatchObject({ code: 'AT_CLOSED' });
  });
});

describe('ModemDriver properties: mutated answers give typed errors only', () => {
  const cases: [string, (d: ModemDriver) => Promise<unknown>, Buffer][] = [
    ['session', (d) => d.session(), Buffer.from('AT+SBDIX\r\r\n+SBDIX: 0, 12, 1, 3, 5, 0\r\n\r\nOK\r\n')],
    ['networkTime', (d) => d.networkTime(), Buffer.from('\r\n-MSSTM: 712a957d\r\n\r\nOK\r\n')],
    ['signalQuality', (d) => d.signalQuality(), Buffer.from('AT+CSQ\r\r\n+CSQ:3\r\n\r\nOK\r\n')],
    ['clearMo', (d) => d.clearMo(), Buffer.from('0\r\n\r\nOK\r\n')],
    [
      'readMt',
      (d) => d.readMt(),
      Buffer.concat([encodeSbdrbBlock(Buffer.from('\r\nOK\r\n\x00')), Buffer.from('\r\nOK\r\n')]),
    ],
  ];

  it('each operation settles with a value or an AT_/SBD_ error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), {
          minLength: 1,
          maxLength: 4,
        }),
        async ([, op, answer], edits) => {
          const bytes = [...answer];
          for (const [at, value, insert] of edits) {
            const i = at % (bytes.length + 1);
            if (insert) bytes.splice(i, 0, value);
            else bytes[Math.min(i, bytes.length - 1)] = value;
          }
          const { driver, device } = setup({
            commandTimeoutMs: 15,
            sessionTimeoutMs: 15,
            signalTimeoutMs: 15,
          });
          device.on('data', () => device.write(Buffer.from(bytes)));
          const err = await op(driver).then(
            () => undefined,
            (e: unknown) => e,
          );
          await driver.close();
          if (err !== undefined && !(isKitError(err) && /^(AT|SBD)_/.test(err.code))) throw err;
        },
      ),
      { numRuns: 120 },
    );
  });
});
