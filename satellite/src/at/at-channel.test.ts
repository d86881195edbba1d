import type { Duplex } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { AtChannel } from './at-channel.js';
import { AtReader, type AtReaderEvent } from './at-reader.js';
import { encodeSbdrbBlock, withChecksum } from './sbd-checksum.js';
import { playTranscript } from './transcript-peer.js';

function setup(timeoutMs = 200): { channel: AtChannel; device: Duplex; urcs: string[] } {
  const [host, device] = createDuplexPair();
  const channel = new AtChannel(host, { timeoutMs });
  const urcs: string[] = [];
  channel.on('urc', (l) => urcs.push(l));
  return { channel, device, urcs };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const hello = new TextEncoder().encode('hello');

describe('AtChannel: text commands', () => {
  it('echo on: skips the echoed command and returns the information lines', async () => {
    const { channel, device } = setup();
    const p = playTranscript(device, [{ host: 'AT+CSQ\r', modem: 'AT+CSQ\r\r\n+CSQ:3\r\n\r\nOK\r\n' }]);
    await expect(channel.command('AT+CSQ')).resolves.toEqual(['+CSQ:3']);
    await p.done;
  });

  it('echo off, answer cut into single bytes', async () => {
    const { channel, device } = setup();
    const p = playTranscript(device, [{ host: 'AT+CGSN\r', modem: '\r\n300234010753370\r\n\r\nOK\r\n' }], {
      chunk: () => 1,
    });
    await expect(channel.command('AT+CGSN')).resolves.toEqual(['300234010753370']);
    await p.done;
  });

  it('ERROR is AT_ERROR', async () => {
    const { channel, device } = setup();
    playTranscript(device, [{ host: 'AT-MSSTM\r', modem: '\r\nERROR\r\n' }]);
    await expect(channel.command('AT-MSSTM')).rejects.toMatchObject({ code: 'AT_ERROR' });
  });

  it('a silent modem is AT_TIMEOUT, and the channel goes on with the next command', async () => {
    const { channel, device } = setup(30);
    const p = playTranscript(device, [
      { host: 'AT\r', modem: '' },
      { host: 'AT\r', modem: '\r\nOK\r\n' },
    ]);
    await expect(channel.command('AT')).rejects.toMatchObject({ code: 'AT_TIMEOUT' });
    await expect(channel.command('AT')).resolves.toEqual([]);
    await p.done;
  });

  it('runs one command at a time: the second is not written before the first is answered', async () => {
    const { channel, device } = setup();
    const seen: string[] = [];
    device.on('data', (b: Buffer) => seen.push(b.toString('latin1')));
    const first = channel.command('AT+CSQ', { timeoutMs: 1000 });
    const second = channel.command('AT+CGMR');
    await tick();
    await tick();
    expect(seen).toEqual(['AT+CSQ\r']);
    device.write('\r\n+CSQ:2\r\n\r\nOK\r\n');
    await expect(first).resolves.toEqual(['+CSQ:2']);
    await tick();
    expect(seen).toEqual(['AT+CSQ\r', 'AT+CGMR\r']);
    device.write('\r\nCall Processor Version: TA16005\r\n\r\nOK\r\n');
    await expect(second).resolves.toEqual(['Call Processor Version: TA16005']);
  });

  it('refuses a command with its own CR as a programmer error', () => {
    const { channel } = setup();
    expect(() => channel.command('AT\r')).toThrow(TypeError);
  });

  it('numeric results only when asked', async () => {
    const { channel, device } = setup(40);
    playTranscript(device, [
      { host: 'AT\r', modem: 'AT\r0\r' },
      { host: 'AT\r', modem: '0\r' },
    ]);
    await expect(channel.command('AT', { numericResults: true })).resolves.toEqual([]);
    await expect(channel.command('AT')).rejects.toMatchObject({ code: 'AT_TIMEOUT' });
  });
});

describe('AtChannel: SBDWB prompt (§1.3, §7.1)', () => {
  it('READY → payload and checksum → 0 → OK, echo on', async () => {
    const { channel, device } = setup();
    const p = playTranscript(device, [
      { host: 'AT+SBDWB=5\r', modem: 'AT+SBDWB=5\rREADY\r\n' },
      { host: Buffer.from('68656c6c6f0214', 'hex'), modem: '0\r\n\r\nOK\r\n' },
    ]);
    await expect(channel.writeBinary('AT+SBDWB=5', withChecksum(hello))).resolves.toBe(0);
    await p.done;
  });

  it('result 3 comes instead of READY and the payload is never written', async () => {
    const { channel, device } = setup();
    const p = playTranscript(device, [{ host: 'AT+SBDWB=0\r', modem: '\r\n3\r\n\r\nOK\r\n' }]);
    await expect(channel.writeBinary('AT+SBDWB=0', withChecksum(new Uint8Array(0)))).resolves.toBe(3);
    await tick();
    expect(p.written().toString('latin1')).toBe('AT+SBDWB=0\r');
    await p.done;
  });

  it('result 1 has no OK: the exchange ends on the digit and the next command runs', async () => {
    // Waiting for an OK that never comes would end in AT_TIMEOUT instead of the result 1.
    const { channel, device } = setup(3_000);
    const p = playTranscript(device, [
      { host: 'AT+SBDWB=5\r', modem: 'READY\r\n' },
      { host: Buffer.from('68656c6c6f0214', 'hex'), modem: '1\r\n' },
      { host: 'AT\r', modem: '\r\nOK\r\n' },
    ]);
    const started = Date.now();
    await expect(channel.writeBinary('AT+SBDWB=5', withChecksum(hello))).resolves.toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(channel.command('AT')).resolves.toEqual([]);
    await p.done;
  });

  it('result 2 (checksum mismatch) is followed by OK', async () => {
    const { channel, device } = setup();
    playTranscript(device, [
      { host: 'AT+SBDWB=5\r', modem: '\r\nREADY\r\n' },
      { host: Buffer.from('68656c6c6f0215', 'hex'), modem: '\r\n2\r\n\r\nOK\r\n' },
    ]);
    const bad = Buffer.from('68656c6c6f0215', 'hex');
    await expect(channel.writeBinary('AT+SBDWB=5', bad)).resolves.toBe(2);
  });
});

describe('AtChannel: SBDRB block (§0 item 3)', () => {
  it('reads the block by its length, whatever bytes it holds, with echo on', async () => {
    const payload = Buffer.from('\r\nOK\r\nSBDRING\r\n+CIEV:0,1\r\nERROR\r\n\x00\x00', 'latin1');
    const { channel, device, urcs } = setup();
    const block = encodeSbdrbBlock(payload);
    playTranscript(
      device,
      [
        {
          host: 'AT+SBDRB\r',
          modem: Buffer.concat([Buffer.from('AT+SBDRB\r'), block, Buffer.from('\r\nOK\r\n')]),
        },
      ],
      { chunk: () => 3 },
    );
    await expect(channel.readBlock('AT+SBDRB')).resolves.toEqual(block);
    expect(urcs).toEqual([]);
  });

  it('lengths whose bytes look like CR or LF (0x0a, 0x0d, 0x10a) are read whole', async () => {
    for (const n of [10, 13, 266]) {
      const { channel, device } = setup();
      const block = encodeSbdrbBlock(new Uint8Array(n).fill(0x0d));
      playTranscript(device, [
        { host: 'AT+SBDRB\r', modem: Buffer.concat([block, Buffer.from('\r\nOK\r\n')]) },
      ]);
      await expect(channel.readBlock('AT+SBDRB')).resolves.toEqual(block);
    }
  });

  it('a URC just before the block is separated; ERROR instead of a block is AT_ERROR', async () => {
    const { channel, device, urcs } = setup();
    const block = encodeSbdrbBlock(hello);
    playTranscript(device, [
      {
        host: 'AT+SBDRB\r',
        modem: Buffer.concat([Buffer.from('SBDRING\r\nAT+SBDRB\r'), block, Buffer.from('\r\nOK\r\n')]),
      },
      { host: 'AT+SBDRB\r', modem: '\r\nERROR\r\n' },
    ]);
    await expect(channel.readBlock('AT+SBDRB')).resolves.toEqual(block);
    expect(urcs).toEqual(['SBDRING']);
    await expect(channel.readBlock('AT+SBDRB')).rejects.toMatchObject({ code: 'AT_ERROR' });
  });

  it('a truncated block times out and does not leak into the next command', async () => {
    const { channel, device } = setup(30);
    playTranscript(device, [
      { host: 'AT+SBDRB\r', modem: Buffer.from('000568656c', 'hex') },
      { host: 'AT\r', modem: '\r\nOK\r\n' },
    ]);
    await expect(channel.readBlock('AT+SBDRB')).rejects.toMatchObject({ code: 'AT_TIMEOUT' });
    await expect(channel.command('AT')).resolves.toEqual([]);
  });
});

describe('AtChannel: stream end', () => {
  it('the device closing fails the pending command with AT_CLOSED and emits closed', async () => {
    const { channel, device } = setup(1000);
    const closed = new Promise((r) => channel.once('closed', r));
    const p = channel.command('AT+SBDIX');
    await tick();
    device.destroy();
    await expect(p).rejects.toMatchObject({ code: 'AT_CLOSED' });
    await closed;
    await expect(channel.command('AT')).rejects.toMatchObject({ code: 'AT_CLOSED' });
  });
});

describe('AtReader', () => {
  it('drops over-long lines and keeps going', () => {
    const events: AtReaderEvent[] = [];
    const r = new AtReader((e) => events.push(e), { maxLineLength: 8 });
    r.push(Buffer.from('0123456789'));
    r.push(Buffer.from('abc\r\nOK\r\n'));
    expect(events.filter((e) => e.kind === 'line')).toEqual([{ kind: 'line', text: 'OK' }]);
    expect(events.some((e) => e.kind === 'overflow')).toBe(true);
  });

  it('property: a block is read whole under any chunking, then lines resume', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 270 }),
        fc.array(fc.integer({ min: 1, max: 40 })),
        (payload, cuts) => {
          const events: AtReaderEvent[] = [];
          const r = new AtReader((e) => events.push(e));
          r.expectBlock(true);
          const block = encodeSbdrbBlock(payload);
          const bytes = Buffer.concat([Buffer.from('AT+SBDRB\r'), block, Buffer.from('\r\nOK\r\n')]);
          let i = 0;
          for (const c of cuts) {
            r.push(bytes.subarray(i, i + c));
            i += c;
          }
          r.push(bytes.subarray(i));
          expect(events).toEqual([
            { kind: 'line', text: 'AT+SBDRB' },
            { kind: 'block', bytes: block },
            { kind: 'line', text: 'OK' },
          ]);
        },
      ),
    );
  });
});

describe('AtChannel properties', () => {
  type Kind = 'text' | 'prompt' | 'block';
  const start = (channel: AtChannel, kind: Kind): Promise<unknown> =>
    kind === 'text'
      ? channel.command('AT+SBDIX')
      : kind === 'prompt'
        ? channel.writeBinary('AT+SBDWB=5', withChecksum(hello))
        : channel.readBlock('AT+SBDRB');

  it('random bytes never crash it: every command settles with a value or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Kind>('text', 'prompt', 'block'),
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }),
        async (kind, chunks) => {
          const { channel, device } = setup(1000);
          const p = start(channel, kind).then(
            () => undefined,
            (err: unknown) => err,
          );
          for (const c of chunks) device.write(c);
          await tick();
          channel.close();
          const err = await p;
          if (err !== undefined && !(isKitError(err) && /^AT_/.test(err.code))) throw err;
        },
      ),
      { numRuns: 150 },
    );
  });

  it('mutated real responses never crash it', async () => {
    const responses: [Kind, Buffer][] = [
      ['text', Buffer.from('AT+SBDIX\r\r\n+SBDIX: 0, 12, 1, 3, 5, 0\r\n\r\nOK\r\n')],
      ['prompt', Buffer.from('AT+SBDWB=5\rREADY\r\n0\r\n\r\nOK\r\n')],
      [
        'block',
        Buffer.concat([Buffer.from('AT+SBDRB\r'), encodeSbdrbBlock(hello), Buffer.from('\r\nOK\r\n')]),
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...responses),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), {
          minLength: 1,
          maxLength: 5,
        }),
        async ([kind, response], edits) => {
          const bytes = [...response];
          for (const [at, value, insert] of edits) {
            const i = at % (bytes.length + 1);
            if (insert) bytes.splice(i, 0, value);
            else bytes[Math.min(i, bytes.length - 1)] = value;
          }
          const { channel, device } = setup(1000);
          const p = start(channel, kind).then(
            () => undefined,
            (err: unknown) => err,
          );
          device.write(Buffer.from(bytes));
          await tick();
          channel.close();
          const err = await p;
          if (err !== undefined && !(isKitError(err) && /^AT_/.test(err.code))) throw err;
        },
      ),
      { numRuns: 150 },
    );
  });

  const infoLine = fc
    .stringMatching(/^[A-Za-z0-9+:, -]{1,24}$/)
    .filter((s) => s.trim().length > 0 && !['OK', 'ERROR', 'SBDRING'].includes(s.trim().toUpperCase()))
    .filter(
      (s) => !/^\s*\+(CIEV|AREG):/i.test(s) && !/^\s*HARDWARE FAILURE/i.test(s) && !/^\s*\d\s*$/.test(s),
    );
  const urc = fc.oneof(
    fc.constant('SBDRING'),
    fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 5 }))
      .map(([i, v]) => `+CIEV:${i},${v}`),
  );

  it('URCs interleaved at random line boundaries are always separated (text commands)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(infoLine, { maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), urc), { maxLength: 4 }),
        fc.integer({ min: 1, max: 9 }),
        async (echo, info, inserts, seed) => {
          // The answer as separate lines, then URC lines put between any two of them.
          const lines = [
            ...(echo ? ['AT+CGMR\r'] : []),
            ...info.map((l) => `\r\n${l.trim()}\r\n`),
            '\r\nOK\r\n',
          ];
          const sorted = inserts
            .map(([at, u]) => [at % (lines.length + 1), u] as const)
            .sort((a, b) => a[0] - b[0]);
          const out: string[] = [];
          let k = 0;
          for (let i = 0; i <= lines.length; i++) {
            while (k < sorted.length && sorted[k]?.[0] === i) out.push(`${sorted[k++]?.[1]}\r\n`);
            if (i < lines.length) out.push(lines[i] as string);
          }
          const { channel, device, urcs } = setup(1000);
          const rnd = seededRandom(seed);
          const p = playTranscript(device, [{ host: 'AT+CGMR\r', modem: out.join('') }], {
            chunk: () => 1 + Math.floor(rnd() * 7),
          });
          await expect(channel.command('AT+CGMR')).resolves.toEqual(info.map((l) => l.trim()));
          await tick();
          expect(urcs).toEqual(sorted.map(([, u]) => u));
          await p.done;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('URCs around an SBDRB block are separated and the block is exact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 270 }),
        fc.array(urc, { maxLength: 2 }),
        fc.array(urc, { maxLength: 2 }),
        fc.integer({ min: 1, max: 9 }),
        async (payload, before, after, seed) => {
          const block = encodeSbdrbBlock(payload);
          const modem = Buffer.concat([
            Buffer.from(before.map((u) => `${u}\r\n`).join('')),
            Buffer.from('AT+SBDRB\r'),
            block,
            Buffer.from(`\r\n${after.map((u) => `${u}\r\n`).join('')}OK\r\n`),
          ]);
          const { channel, device, urcs } = setup(1000);
          const rnd = seededRandom(seed);
          playTranscript(device, [{ host: 'AT+SBDRB\r', modem }], {
            chunk: () => 1 + Math.floor(rnd() * 11),
          });
          await expect(channel.readBlock('AT+SBDRB')).resolves.toEqual(block);
          await tick();
          expect(urcs).toEqual([...before, ...after]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
