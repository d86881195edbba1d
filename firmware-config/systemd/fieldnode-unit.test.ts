/**
 * The kit's systemd unit and its companions (docs/pi-kit.md §The service): the settings the daemon
 * relies on, checked against the code they depend on, and systemd's own verdict where its tools
 * are installed (`systemd-analyze verify`, `systemd-analyze security --offline`,
 * `systemd-sysusers --dry-run`). Without systemd-analyze those checks skip with one printed line;
 * under CI they fail instead, and .ci/run installs Debian's `systemd` package.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gateSystemTool } from '../../node/src/link/needs-system-tool.js';
import { SKIP_DIR_KEY } from '../../node/src/link/system-tool-skips.js';
import { EXIT_BATTERY_CUTOFF, EXIT_POWER_MODE } from '../../node/src/power/kit-power.js';
import { CLOSE_BOUND_MS, STOP_GRACE_MS } from '../../satellite/src/sbd/stop-bound.js';
import { parseUnitFile, seconds, type UnitFile, value, values } from './unit-file.js';

const run = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const gate = {
  skipDir: inject(SKIP_DIR_KEY) as string | undefined,
  file: 'fieldnode-unit.test.ts',
};
const analyze = gateSystemTool(
  { name: 'systemd-analyze', install: 'apt install systemd', usedFor: "the systemd unit's verification" },
  gate,
);
const sysusers = gateSystemTool(
  { name: 'systemd-sysusers', install: 'apt install systemd', usedFor: "the sysusers.d file's dry run" },
  gate,
);

/** The daemon's wait for a stray handle after a clean stop (EXIT_GRACE_MS of node/src/cli/start-command.ts), s. */
const EXIT_GRACE_S = 5;

let unit: UnitFile;
let text: string;
beforeAll(async () => {
  text = await readFile(here('./fieldnode.service'), 'utf8');
  unit = parseUnitFile(text);
});

describe('fieldnode.service', () => {
  it('is a notify service with its watchdog, pinged by a child: NotifyAccess=all', () => {
    expect(value(unit, 'Service', 'Type')).toBe('notify');
    expect(value(unit, 'Service', 'NotifyAccess')).toBe('all');
    const watchdog = seconds(value(unit, 'Service', 'WatchdogSec') ?? '0');
    // sd-notify.ts pings at half; systemd-notify must have time to run between pings.
    expect(watchdog).toBeGreaterThanOrEqual(20);
    expect(value(unit, 'Service', 'Restart')).toBe('on-failure');
  });

  it('runs as its own user with its state in StateDirectory, and serial ports by group', () => {
    expect(value(unit, 'Service', 'User')).toBe('fieldnode');
    expect(value(unit, 'Service', 'Group')).toBe('fieldnode');
    expect(value(unit, 'Service', 'StateDirectory')).toBe('fieldnode');
    expect(value(unit, 'Service', 'WorkingDirectory')).toBe('/var/lib/fieldnode');
    expect(value(unit, 'Service', 'SupplementaryGroups')?.split(/\s+/)).toContain('dialout');
    expect(values(unit, 'Service', 'DeviceAllow')).toEqual(
      // USB radios and modems; the Pi's PL011 UART (ttyAMA) and its mini UART (ttyS0), which is
      // /dev/serial0 on the GPIO pins while Bluetooth keeps the PL011.
      expect.arrayContaining(['char-ttyUSB rw', 'char-ttyACM rw', 'char-ttyAMA rw', 'char-ttyS rw']),
    );
    expect(value(unit, 'Service', 'DevicePolicy')).toBe('closed');
  });

  it('is sandboxed', () => {
    for (const [key, want] of [
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['NoNewPrivileges', 'yes'],
      ['ProtectKernelTunables', 'yes'],
      ['ProtectControlGroups', 'yes'],
      ['RestrictSUIDSGID', 'yes'],
      ['SystemCallArchitectures', 'native'],
    ] as const)
      expect({ key, value: value(unit, 'Service', key) }).toEqual({ key, value: want });
    expect(value(unit, 'Service', 'RestrictAddressFamilies')?.split(/\s+/).sort()).toEqual([
      'AF_INET',
      'AF_INET6',
      'AF_NETLINK',
      'AF_UNIX',
    ]);
    expect(value(unit, 'Service', 'CapabilityBoundingSet')).toBe('CAP_NET_BIND_SERVICE');
    // V8 compiles code at run time: this setting would kill the daemon at its first JIT.
    expect(values(unit, 'Service', 'MemoryDenyWriteExecute')).toEqual([]);
  });

  it("gives the stop time for the slowest link's bounded stop and the daemon's exit grace", () => {
    const sbdStopS = (STOP_GRACE_MS + CLOSE_BOUND_MS) / 1000;
    expect(seconds(value(unit, 'Service', 'TimeoutStopSec') ?? '0')).toBeGreaterThanOrEqual(
      sbdStopS + EXIT_GRACE_S + 10,
    );
    expect(value(unit, 'Service', 'KillMode')).toBe('mixed');
  });

  it("matches the power reader's exit codes: 75 restarts, 76 stays stopped", () => {
    expect(value(unit, 'Service', 'RestartForceExitStatus')).toBe(String(EXIT_POWER_MODE));
    expect(value(unit, 'Service', 'RestartPreventExitStatus')).toBe(String(EXIT_BATTERY_CUTOFF));
    expect(value(unit, 'Service', 'SuccessExitStatus')?.split(/\s+/)).toEqual(['75', '76']);
  });

  it('logs JSON lines to the journal', () => {
    expect(values(unit, 'Service', 'Environment')).toContain('FIELDNODE_LOG_FORMAT=json');
    expect(value(unit, 'Service', 'StandardOutput')).toBe('journal');
    expect(value(unit, 'Service', 'SyslogIdentifier')).toBe('fieldnode');
  });

  it("starts the bundle's command as package.json names it, on the installed configuration", async () => {
    const pkg = JSON.parse(await readFile(here('../../package.json'), 'utf8')) as {
      bin: { fieldnode: string };
    };
    expect(value(unit, 'Service', 'ExecStart')).toBe(
      `/opt/fieldnode/node/bin/node /opt/fieldnode/app/${pkg.bin.fieldnode} start --config /etc/fieldnode/fieldnode.yaml`,
    );
  });
});

it('journald keeps the log across power cuts, bounded on the SD card', async () => {
  const journald = parseUnitFile(await readFile(here('./journald-fieldnode.conf'), 'utf8'));
  expect(value(journald, 'Journal', 'Storage')).toBe('persistent');
  expect(value(journald, 'Journal', 'SystemMaxUse')).toMatch(/^\d+M$/);
  expect(value(journald, 'Journal', 'SystemKeepFree')).toBeDefined();
});

describe.skipIf(analyze === undefined)('systemd-analyze', () => {
  let dir: string;
  let copy: string;
  beforeAll(async () => {
    // verify checks that ExecStart's program exists: the unit, moved to a prefix that has one.
    dir = await mkdtemp(join(tmpdir(), 'fieldnode-unit-'));
    await mkdir(join(dir, 'opt', 'node', 'bin'), { recursive: true });
    await symlink(process.execPath, join(dir, 'opt', 'node', 'bin', 'node'));
    copy = join(dir, 'fieldnode.service');
    await writeFile(copy, text.replaceAll('/opt/fieldnode', join(dir, 'opt')));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('verify: no error and no warning (an unknown or misspelt key is only a warning)', async () => {
    const { stdout, stderr } = await run(analyze as string, ['verify', copy]);
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });

  it('verify catches a misspelt key, so the check above can fail', async () => {
    const bad = join(dir, 'bad.service');
    await writeFile(bad, (await readFile(copy, 'utf8')).replace('ProtectSystem=', 'ProtectSystm='));
    const { stderr } = await run(analyze as string, ['verify', bad]);
    expect(stderr).toContain("Unknown key 'ProtectSystm'");
  });

  it('security: the exposure level is "OK" or better (below 3.0 of 10)', async () => {
    const { stdout } = await run(analyze as string, ['security', '--offline=yes', '--no-pager', copy]).catch(
      (err: { stdout: string }) => ({ stdout: err.stdout }),
    );
    const level = /Overall exposure level for fieldnode\.service: (\d+\.\d+)/.exec(stdout)?.[1];
    expect(Number(level)).toBeLessThan(3);
  });
});

it.skipIf(sysusers === undefined)('sysusers.d: makes the user and the groups the unit names', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fieldnode-sysusers-'));
  try {
    await mkdir(join(root, 'etc'));
    const { stdout, stderr } = await run(sysusers as string, [
      `--root=${root}`,
      '--dry-run',
      here('./fieldnode.sysusers.conf'),
    ]);
    const said = `${stdout}${stderr}`;
    expect(said).toMatch(/Creating user '?fieldnode'?/);
    for (const group of value(unit, 'Service', 'SupplementaryGroups')?.split(/\s+/) ?? [])
      expect(said).toMatch(new RegExp(`Creating group '?${group}'?`));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
