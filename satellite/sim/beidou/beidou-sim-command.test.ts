/**
 * `fieldnode sim beidou` (docs/beidou.md §The simulator): a module on a pty that the real driver
 * opens through serialport, finds the protocol of, reads the card from and sends through; with
 * --loopback the message comes back from the peer card. Usage errors name what is wrong.
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

  it.each([
    [[], '--pty is required'],
    [['--pty', '--protocol', 'bd2'], '--protocol is bd3 or bd21'],
    [['--pty', '--card', '123'], 'a card address has 7 or 8 digits'],
    [['--pty', '--level', '7'], 'bad --level'],
    [['--pty', '--fault', 'gremlins=0.5'], 'bad --fault'],
    [['--pty', '--fault', 'no-beam=2'], 'bad --fault'],
    [['--pty', '--frobnicate'], 'Unknown option'],
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
  });
});
