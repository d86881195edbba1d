import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { describe, expect, it, vi } from 'vitest';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { ModemDriver } from '../../src/modem/modem-driver.js';
import { runSbdExchange } from '../../src/modem/sbd-exchange.js';
import { runIridiumSim } from './iridium-sim-command.js';

// The run on a pty is skipped without socat, and named in the run's closing line
// (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

function io(): { out: (t: string) => void; text: () => string; stop: AbortController } {
  let text = '';
  return { out: (t) => (text += t), text: () => text, stop: new AbortController() };
}

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('fieldnode sim iridium', () => {
  it.skipIf(socat === undefined)(
    'serves a modem on --link with --loopback until stopped; a driver talks to it',
    async () => {
      const link = join(mkdtempSync(join(tmpdir(), 'sim-iridium-')), 'modem');
      const o = io();
      const run = runIridiumSim(
        [
          '--pty',
          '--link',
          link,
          '--imei',
          '300234010753370',
          '--seed',
          '4',
          '--loopback',
          '--speedup',
          '1000',
        ],
        { out: o.out, stop: o.stop.signal },
      );
      await until(() => o.text().includes(link));
      const port = new SerialPort({ path: link, baudRate: 19200, autoOpen: false });
      await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
      const driver = new ModemDriver({ port, commandTimeoutMs: 1_000, sessionTimeoutMs: 2_000 });
      expect((await driver.start()).imei).toBe('300234010753370');
      const sent = await runSbdExchange(driver, { payload: Buffer.from('ping') });
      expect(sent.outcome.kind).toBe('success');
      const back = await runSbdExchange(driver);
      expect(Buffer.from(back.mt ?? []).toString()).toBe('ping');
      await driver.close();
      expect(o.text()).toContain('session MOMSN 0: 4 bytes 70696e67');
      o.stop.abort();
      await expect(run).resolves.toBe(0);
      expect(o.text()).toContain('stopped');
      expect(existsSync(link)).toBe(false);
    },
  );

  it('where socat is not on PATH: TOOL_MISSING saying how to install it, and no link left', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fieldnode-no-socat-'));
    vi.stubEnv('PATH', empty);
    try {
      const link = join(empty, 'modem');
      const o = io();
      // Stopped before it starts: a simulator that did start returns at once instead of hanging.
      o.stop.abort();
      await expect(
        runIridiumSim(['--pty', '--link', link], { out: o.out, stop: o.stop.signal }),
      ).rejects.toMatchObject({
        code: 'TOOL_MISSING',
        message: expect.stringMatching(/^socat is not installed: apt install socat \(not found on PATH/),
      });
      expect(existsSync(link)).toBe(false);
    } finally {
      vi.unstubAllEnvs();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it.each([
    [[], '--pty is required'],
    [['--pty', '--visible', '2'], 'bad --visible'],
    [['--pty', '--imei', '1234'], 'IMEI has 15 digits'],
    [['--pty', '--seed', 'x'], 'bad --seed'],
    [['--pty', '--frobnicate'], 'Unknown option'],
  ])('usage error for %j', async (args, message) => {
    const o = io();
    await expect(runIridiumSim(args, { out: o.out, stop: o.stop.signal })).rejects.toMatchObject({
      code: 'CLI_USAGE',
      message: expect.stringContaining(message),
    });
  });

  it('--help prints the usage', async () => {
    const o = io();
    await expect(runIridiumSim(['--help'], { out: o.out, stop: o.stop.signal })).resolves.toBe(0);
    expect(o.text()).toContain('fieldnode sim iridium --pty');
  });
});
