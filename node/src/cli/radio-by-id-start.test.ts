/**
 * A node started from its configuration (as `fieldnode start --config FILE` does: the same loader
 * and composition root) with its radio named by a /dev/serial/by-id link (docs/profiles.md §Serial
 * ports by id): the link comes up through it, goes down when the native-USB board re-enumerates
 * at a reboot (the port behind the name vanishes), and comes back up through the same name once
 * the board is back, with no change to the configuration.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNode } from '../app.js';
import { loadConfig } from '../config/load.js';
import { needsSystemTool } from '../link/needs-system-tool.js';
import { SOCAT } from '../link/system-tool.js';
import { createRootLogger } from '../log.js';

// Skipped without socat, and named in the run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

let dir: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-by-id-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(socat === undefined)('a radio named by /dev/serial/by-id in the configuration', () => {
  it('comes up through the name, goes down when the board re-enumerates, and comes back through it', async () => {
    const { simDevice } = await import('../../../radio/src/profile/test/sim-radio.js');
    const { PtyDevice } = await import('../../../radio/sim/meshtastic/pty-device.js');
    const device = simDevice({ transport: 'native-usb' });
    const pty = new PtyDevice({ device, hostPath: join(dir, 'ttyACM0') });
    await pty.open();
    device.start();
    cleanups.push(async () => {
      device.stop();
      await pty.close();
    });
    await mkdir(join(dir, 'serial', 'by-id'), { recursive: true });
    const byId = join(dir, 'serial', 'by-id', 'usb-RAKwireless_WisCore_RAK4631_Board_0123456789ABCDEF-if00');
    await symlink(pty.hostPath, byId);

    const file = join(dir, 'fieldnode.yaml');
    await writeFile(
      file,
      `node: { id: 2107, role: kit }\ndata_dir: ${join(dir, 'data')}\nlinks:\n  - { id: mesh0, type: meshtastic, port: ${byId}, hop_limit: 3 }\n`,
    );
    const app = await createNode(await loadConfig(file, { env: {} }), {
      log: createRootLogger({ level: 'fatal' }),
    });
    await app.start();
    cleanups.push(() => app.stop());
    const state = () =>
      app.status().links.find((l) => l.id === 'mesh0')?.state as { status: string; reason?: string };

    await until(() => state()?.status === 'up', 'the radio up');
    // Native USB at a reboot: the device node and its by-id link vanish, then come back.
    let sawDown = false;
    device.reboot();
    await until(() => {
      if (state()?.status === 'down') sawDown = true;
      return sawDown;
    }, 'the radio down while it re-enumerates');
    await until(() => state()?.status === 'up', 'the radio up again through the same by-id name');
    expect(device.rebootCount).toBe(2);
  });
});
