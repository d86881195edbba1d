/**
 * `fieldnode sim beidou` (docs/beidou.md §The simulator): a module on a pty that the real driver
 * opens through serialport, finds the protocol of, reads the card from and sends through; with
 * --loopback the message comes back from the peer card; with fault flags the module refuses, resets
 * and damages its line as told. Every fault flag reaches the simulator's faults; usage errors name
 * what is wrong.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RealClock } from '../../../node/src/link/clock.js';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { BeidouModule } from '../../src/beidou/beidou-module.js';
import { closeBeidouPort, openBeidouPort } from '../../src/beidou/beidou-port.js';
import type { InboundMessage } from '../../src/beidou/beidou-types.js';
import { parseBeidouSimArgs } from './beidou-sim-args.js';
import { runBeidouSim } from './beidou-sim-command.js';

// The run on a pty is skipped without socat, and named in the run's closing line
// (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

function io(): { out: (t: string) => void; text: () => string; stop: AbortController } {
  let text = '';
  return { out: (t) => (text += t), text: () => text, stop: new AbortController() };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('fieldnode sim beidou', () => {
  it.skipIf(socat === undefined).each(['bd3', 'bd21'])(
    'serves a %s module on --link with --loopback; the driver finds it, reads the card and gets its message back',
    async (protocol) => {
      const link = join(mkdtempSync(join(tmpdir(), 'sim-beidou-')), 'module');
      const o = io();
      const args = ['--pty', '--link', link, '--protocol', protocol, '--card', '0242286', '--level', '3'];
      const run = runBeidouSim([...args, '--interval', '60', '--loopback', '--speedup', '50'], {
        out: o.out,
        stop: o.stop.signal,
      });
      await until(() => o.text().includes(link));
      const port = await openBeidouPort(link);
      const module = new BeidouModule({ port, clock: new RealClock(50) });
      const got: InboundMessage[] = [];
      module.on('message', (m) => got.push(m));
      expect(await module.start()).toMatchObject({ protocol, address: '0242286', level: 3, intervalS: 60 });
      expect((await module.send('4207733', Buffer.from('ping'))).kind).toBe('sent');
      await until(() => got.length > 0);
      expect(got[0]).toMatchObject({ from: '4207733', bytes: new Uint8Array(Buffer.from('ping')) });
      expect((await module.send('4207733', Buffer.from('again'))).kind).toBe('frequency');
      await module.close();
      await closeBeidouPort(port);
      expect(o.text()).toContain('sent 0242286 -> 4207733: 4 bytes 70696E67');
      o.stop.abort();
      await expect(run).resolves.toBe(0);
      expect(o.text()).toContain('stopped');
    },
  );

  it.skipIf(socat === undefined)(
    'with fault flags: refuses the sends it is told to, damages its line, and resets, forgetting its beam report',
    async () => {
      const link = join(mkdtempSync(join(tmpdir(), 'sim-beidou-')), 'module');
      const o = io();
      const args = ['--pty', '--link', link, '--protocol', 'bd21', '--interval', '0', '--speedup', '10'];
      const faults = [
        '--answer',
        '1=inhibited',
        '--answer',
        '2=frequency:30',
        '--junk',
        '0.5',
        '--split',
        '4',
      ];
      const run = runBeidouSim([...args, ...faults, '--rnss', '--reset-at', '12', '--reboot', '1'], {
        out: o.out,
        stop: o.stop.signal,
      });
      await until(() => o.text().includes(link));
      expect(o.text()).toContain(
        'faults: send 1: inhibited, send 2: frequency, a reset at 12 s, 50% junk, writes split to 4 bytes, RNSS sentences',
      );
      const port = await openBeidouPort(link);
      // The simulator's clock began a few wall ms before this one: a fraction of a simulated second.
      const clock = new RealClock(10);
      const module = new BeidouModule({ port, clock, protocol: 'bd21' });
      let beams = 0;
      module.on('beam', () => beams++);
      // Through junk, RNSS sentences and sentences in pieces, the driver reads the card and answers.
      expect(await module.start()).toMatchObject({ protocol: 'bd21', address: '4204990' });
      expect(await module.send('4207733', Buffer.from('a'))).toEqual({ kind: 'inhibited' });
      expect(await module.send('4207733', Buffer.from('b'))).toEqual({ kind: 'frequency', secondsLeft: 30 });
      expect((await module.send('4207733', Buffer.from('c'))).kind).toBe('sent');
      await until(() => beams > 0);
      expect(clock.now()).toBeLessThan(11_000);
      // Reset at 12 s, silent for 1 s, and then no beam report until $CCRMO asks again.
      await until(() => clock.now() > 14_000);
      const before = beams;
      await until(() => clock.now() > 17_000);
      expect(beams).toBe(before);
      module.askBeamReports();
      await until(() => beams > before);
      await module.close();
      await closeBeidouPort(port);
      o.stop.abort();
      await expect(run).resolves.toBe(0);
    },
  );

  it('reads every fault flag into the simulator’s faults and states', () => {
    const o = io();
    const a = parseBeidouSimArgs(
      [
        '--pty',
        '--fault',
        'frequency=0.1',
        '--fault',
        'no-result=0.05',
        '--answer',
        '3=no-permission',
        '--answer',
        '4=frequency:12',
        '--silence',
        '--inhibit',
        '--reset-every',
        '600',
        '--reset-at',
        '30',
        '--reset-at',
        '90.5',
        '--reboot',
        '5',
        '--corrupt',
        '0.02',
        '--junk',
        '0.1',
        '--split',
        '7',
        '--rnss',
        '--visible',
        '0',
        '--max-bits',
        '1000',
        '--no-card',
      ],
      o,
    );
    expect(a).toMatchObject({
      visible: 0,
      silence: true,
      inhibit: true,
      rebootMs: 5_000,
      faults: {
        random: { frequency: 0.1, 'no-result': 0.05 },
        script: [
          { send: 3, answer: 'no-permission' },
          { send: 4, answer: 'frequency', secondsLeft: 12 },
        ],
        resetEveryMs: 600_000,
        resetAtMs: [30_000, 90_500],
        corruptChecksum: 0.02,
        junk: 0.1,
        splitWrites: 7,
        rnss: true,
      },
    });
    expect(a?.card).toBeUndefined();
    expect(parseBeidouSimArgs(['--pty', '--max-bits', '1000'], o)?.card).toMatchObject({ maxBits: 1000 });
    expect(parseBeidouSimArgs(['--pty'], o)).toMatchObject({
      silence: false,
      inhibit: false,
      faults: { random: {}, script: [], rnss: false },
    });
  });

  it.each([
    [[], '--pty is required'],
    [['--pty', '--protocol', 'bd2'], '--protocol is bd3 or bd21'],
    [['--pty', '--card', '123'], 'a card address has 7 or 8 digits'],
    [['--pty', '--level', '7'], 'bad --level'],
    [['--pty', '--fault', 'gremlins=0.5'], 'bad --fault'],
    [['--pty', '--fault', 'no-beam=2'], 'bad --fault'],
    [['--pty', '--frobnicate'], 'Unknown option'],
    [['--pty', '--answer', '0=inhibited'], 'bad --answer'],
    [['--pty', '--answer', '2=inhibited:5'], 'bad --answer'],
    [['--pty', '--answer', '2=sent'], 'bad --answer'],
    [['--pty', '--corrupt', '1.5'], 'bad --corrupt'],
    [['--pty', '--split', '0'], 'bad --split'],
    [['--pty', '--reset-every', '0'], 'bad --reset-every'],
    [['--pty', '--reset-at', 'soon'], 'bad --reset-at'],
    [['--pty', '--max-bits', '4'], 'bad --max-bits'],
  ])('usage error for %j', async (args, message) => {
    const o = io();
    await expect(runBeidouSim(args, { out: o.out, stop: o.stop.signal })).rejects.toMatchObject({
      code: 'CLI_USAGE',
      message: expect.stringContaining(message),
    });
  });

  it('--help prints the usage', async () => {
    const o = io();
    await expect(runBeidouSim(['--help'], { out: o.out, stop: o.stop.signal })).resolves.toBe(0);
    expect(o.text()).toContain('fieldnode sim beidou --pty');
    for (const flag of [
      '--fault',
      '--answer',
      '--silence',
      '--inhibit',
      '--reset-every',
      '--reset-at',
      '--reboot',
    ])
      expect(o.text()).toContain(flag);
    for (const flag of ['--corrupt', '--junk', '--split', '--rnss', '--visible', '--max-bits'])
      expect(o.text()).toContain(flag);
  });
});
