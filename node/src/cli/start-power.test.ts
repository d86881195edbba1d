/**
 * The daemon and the kit's battery (docs/pi-kit.md §Power, §The service): `fieldnode start` with a
 * `power:` section reads a sysfs tree of real files, hands the reading to the node, and stops
 * cleanly with the cut-off's exit code when the battery runs down.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { FakeSysfs } from '../../test/fake-sysfs.js';
import { StubNodeApp } from '../../test/stub-node.js';
import type { CreateNode, NodePower } from '../app-contract.js';
import { queryStatus } from '../daemon/control-socket.js';
import { EXIT_BATTERY_CUTOFF } from '../power/kit-power.js';
import { startCommand } from './start-command.js';

let dir: string;
let sysfs: FakeSysfs;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-start-power-'));
  sysfs = await FakeSysfs.create();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await sysfs.remove();
});

it('reads the battery for the node, and at the cut-off stops cleanly with exit code 76', async () => {
  await sysfs.hwmon(3, { name: 'ina226', in1_input: 3900, curr1_input: -700 });
  const config = join(dir, 'kit.yaml');
  await writeFile(
    config,
    `node: { id: 2107, role: kit }\ndata_dir: data\npower:\n  enabled: true\n  sysfs_root: ${sysfs.root}\n  poll_s: 1\n  cutoff_readings: 1\n`,
  );
  const logs: Array<Record<string, unknown>> = [];
  const app = new StubNodeApp();
  let power: (() => NodePower | undefined) | undefined;
  const createNode: CreateNode = async (_config, deps) => {
    power = deps.power;
    return app;
  };
  const notified = join(dir, 'notify.txt');
  const script = join(dir, 'fake-notify.mjs');
  await writeFile(
    script,
    `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(notified)}, process.argv.slice(2).join(' ') + '\\n');\n`,
  );
  const running = startCommand(['--config', config], {
    createNode,
    signals: new EventEmitter(),
    exit: () => {},
    logDestination: new Writable({
      write(chunk, _enc, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    }),
    notify: { env: { NOTIFY_SOCKET: '/run/fieldnode-test.sock' }, command: [process.execPath, script] },
    config: { env: {}, cwd: dir },
    stderr: () => {},
    terminal: () => ({ attached: false, logs: false }),
  });
  await vi.waitFor(async () => expect((await queryStatus(join(dir, 'data', 'control.sock'))).ok).toBe(true), {
    timeout: 5000,
  });
  expect(power?.()).toMatchObject({
    source: 'battery',
    batteryPercent: 75,
    batteryVolts: 3.9,
    charging: false,
  });

  await sysfs.hwmon(3, { name: 'ina226', in1_input: 3250, curr1_input: -900 });
  expect(await running).toBe(EXIT_BATTERY_CUTOFF);
  expect(app.calls).toEqual(['start', 'stop']);
  expect((await readFile(notified, 'utf8')).split('\n').filter(Boolean).at(-1)).toBe('STOPPING=1');
  expect(logs.map((l) => l.msg)).toEqual(
    expect.arrayContaining([
      'battery cut-off: stopping cleanly (battery at 4%, at or below the cut-off of 8%)',
      'battery cut-off: battery at 4%, at or below the cut-off of 8%',
      'stopped',
    ]),
  );
  expect(logs.find((l) => l.msg === 'stopped')).toMatchObject({ exitCode: EXIT_BATTERY_CUTOFF });
});
