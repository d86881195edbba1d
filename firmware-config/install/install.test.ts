/**
 * The kit's install script and bundle builder, run for real in their dry-run mode in this Debian
 * container (docs/pi-kit.md §Install, §The offline bundle): the plan they print, the checks that
 * refuse a bad bundle or contradictory options, and that a dry run writes nothing. Nothing here
 * touches the network.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const INSTALL = here('./install.sh');
const BUILD = here('./build-bundle.sh');

/** Where an install writes: none may exist after a dry run that did not exist before. */
const TARGETS = [
  '/opt/fieldnode',
  '/etc/fieldnode',
  '/usr/local/bin/fieldnode',
  '/usr/lib/sysusers.d/fieldnode.conf',
  '/usr/lib/tmpfiles.d/fieldnode.conf',
  '/etc/systemd/system/fieldnode.service',
  '/etc/systemd/journald.conf.d/fieldnode.conf',
  '/etc/NetworkManager/system-connections/fieldnode-ap.nmconnection',
  '/etc/NetworkManager/dnsmasq-shared.d/fieldnode-captive.conf',
];
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

let dir: string;
let bundle: string;
let config: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-install-'));
  // An unpacked bundle as build-bundle.sh makes it, with the repository's own firmware-config/.
  bundle = join(dir, 'fieldnode-0.1.0-linux-arm64');
  for (const d of [
    'node/bin',
    'app/dist/node/src/cli',
    'app/dist/ui',
    'app/node_modules/@serialport/bindings-cpp/prebuilds/linux-arm64',
    'app/node_modules/classic-level/prebuilds/linux-arm64',
  ])
    await mkdir(join(bundle, d), { recursive: true });
  await symlink(process.execPath, join(bundle, 'node/bin/node'));
  await writeFile(join(bundle, 'app/package.json'), '{"name":"fieldnode","type":"module"}\n');
  await writeFile(join(bundle, 'app/dist/node/src/cli/bin.js'), '');
  await writeFile(join(bundle, 'app/dist/ui/index.html'), '<!doctype html>\n');
  await symlink(here('..'), join(bundle, 'firmware-config'));
  config = join(dir, 'kit.yaml');
  await writeFile(config, 'node: { id: 2107, role: kit }\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function install(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await exec('bash', [INSTALL, ...args], { cwd: dir });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

/** The file a dry run with --show would write to `path`: its lines, comments left out. */
function shown(out: string, path: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`[dry-run] write ${path} `));
  if (start < 0) return [];
  const file: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('    | ')) break;
    if (!line.startsWith('    | #')) file.push(line.slice(6));
  }
  return file;
}

describe('install.sh --dry-run', () => {
  it('prints the whole plan, in order, and writes nothing', async () => {
    const before = await Promise.all(TARGETS.map(exists));
    const listing = await readdir(dir, { recursive: true });
    const { code, out, err } = await install('--dry-run', '--bundle', bundle, '--config', config);
    expect({
      code,
      err: err
        .split('\n')
        .filter((l) => !l.includes('warning: this is'))
        .join(''),
    }).toEqual({
      code: 0,
      err: '',
    });
    const plan = [
      '[dry-run] write /usr/lib/sysusers.d/fieldnode.conf (mode 0644, root:root)',
      '[dry-run] systemd-sysusers /usr/lib/sysusers.d/fieldnode.conf',
      '[dry-run] systemd-tmpfiles --create /usr/lib/tmpfiles.d/fieldnode.conf',
      `[dry-run] cp -a ${bundle}/node ${bundle}/app ${bundle}/firmware-config /opt/fieldnode.new/`,
      '[dry-run] write /etc/fieldnode/fieldnode.yaml (mode 0640, root:fieldnode)',
      '[dry-run] check that /etc/fieldnode/fieldnode.yaml loads, as the fieldnode user, with /opt/fieldnode.new',
      '[dry-run] mv /opt/fieldnode.new /opt/fieldnode',
      '[dry-run] write /usr/local/bin/fieldnode (mode 0755, root:root)',
      '[dry-run] timedatectl set-timezone Asia/Shanghai',
      '[dry-run] generate a 16-character Wi-Fi key into /etc/fieldnode/wifi.psk (mode 0600)',
      '[dry-run] write /etc/NetworkManager/system-connections/fieldnode-ap.nmconnection (mode 0600, root:root)',
      '[dry-run] write /etc/NetworkManager/dnsmasq-shared.d/fieldnode-captive.conf (mode 0644, root:root)',
      '[dry-run] nmcli connection reload',
      '[dry-run] write /etc/systemd/journald.conf.d/fieldnode.conf (mode 0644, root:root)',
      '[dry-run] write /etc/systemd/system/fieldnode.service (mode 0644, root:root)',
      '[dry-run] systemctl daemon-reload',
      '[dry-run] systemctl enable fieldnode.service',
      '[dry-run] systemctl restart fieldnode.service',
      '[dry-run] nmcli connection up fieldnode-ap',
      '== done: nothing was changed (--dry-run)',
    ];
    let at = -1;
    for (const line of plan) {
      const next = out.indexOf(line, at + 1);
      expect({ line, found: next > at }).toEqual({ line, found: true });
      at = next;
    }
    // Every change in the plan is marked; nothing outside it ran.
    for (const line of out.split('\n'))
      expect(line === '' || /^(== |\[dry-run\] |keeping |next: )/.test(line)).toBe(true);
    expect(await Promise.all(TARGETS.map(exists))).toEqual(before);
    expect(await readdir(dir, { recursive: true })).toEqual(listing);
  });

  it('the access point is WPA2-PSK by default, with the key from its file, shown masked', async () => {
    const psk = join(dir, 'wifi.psk');
    await writeFile(psk, 'correct horse battery\n');
    const { code, out } = await install(
      '--dry-run',
      '--show',
      '--bundle',
      bundle,
      '--config',
      config,
      '--ssid',
      '应急-2107',
      '--wifi-psk-file',
      psk,
    );
    expect(code).toBe(0);
    const profile = shown(out, '/etc/NetworkManager/system-connections/fieldnode-ap.nmconnection');
    expect(profile).toEqual(
      expect.arrayContaining([
        'ssid=应急-2107',
        'mode=ap',
        '[wifi-security]',
        'key-mgmt=wpa-psk',
        'proto=rsn',
        'psk=********',
        'method=shared',
        'address1=10.42.0.1/24',
      ]),
    );
    expect(out).not.toContain('correct horse');
    // A key file is shown as its place and mode, never its content.
    const key = join(dir, 'kit-2107.key');
    await writeFile(key, 'the kit key itself\n');
    const keyed = await install(
      '--dry-run',
      '--show',
      '--bundle',
      bundle,
      '--config',
      config,
      '--key-file',
      key,
    );
    expect(keyed.out).toContain(
      '[dry-run] write /etc/fieldnode/kit-2107.key (mode 0600, fieldnode:fieldnode)',
    );
    expect(keyed.out).not.toContain('the kit key itself');
    expect(shown(out, '/etc/NetworkManager/dnsmasq-shared.d/fieldnode-captive.conf')).toContain(
      'address=/#/10.42.0.1',
    );
  });

  it('open only by an explicit choice, which it warns about; open and a key file together are refused', async () => {
    const open = await install('--dry-run', '--show', '--bundle', bundle, '--config', config, '--open-wifi');
    expect(open.code).toBe(0);
    expect(open.err).toContain('the access point will be OPEN');
    const profile = shown(open.out, '/etc/NetworkManager/system-connections/fieldnode-ap.nmconnection');
    expect(profile).toContain('mode=ap');
    expect(profile).toContain('[ipv4]');
    expect(profile.filter((l) => /wifi-security|key-mgmt|psk/.test(l))).toEqual([]);
    const psk = join(dir, 'wifi.psk');
    await writeFile(psk, 'correct horse battery\n');
    const both = await install(
      '--dry-run',
      '--bundle',
      bundle,
      '--config',
      config,
      '--open-wifi',
      '--wifi-psk-file',
      psk,
    );
    expect(both.code).not.toBe(0);
    expect(both.err).toContain('--open-wifi and --wifi-psk-file contradict each other');
  });

  it('refuses a bundle without the linux-arm64 prebuilds, a short key and an unknown zone, dry run or not', async () => {
    await rm(join(bundle, 'app/node_modules/classic-level/prebuilds/linux-arm64'), { recursive: true });
    const bad = await install('--dry-run', '--bundle', bundle, '--config', config);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('the bundle lacks app/node_modules/classic-level/prebuilds/linux-arm64');
    await mkdir(join(bundle, 'app/node_modules/classic-level/prebuilds/linux-arm64'));

    const psk = join(dir, 'short.psk');
    await writeFile(psk, 'short\n');
    const short = await install('--dry-run', '--bundle', bundle, '--config', config, '--wifi-psk-file', psk);
    expect(short.err).toContain('must be 8 to 63 characters');

    const zone = await install(
      '--dry-run',
      '--bundle',
      bundle,
      '--config',
      config,
      '--time-zone',
      'Mars/Olympus',
    );
    expect(zone.code).not.toBe(0);
    expect(zone.err).toContain('unknown time zone Mars/Olympus');
  });

  it('without --dry-run, not as root or not on the Pi, it refuses before changing anything', async () => {
    const before = await Promise.all(TARGETS.map(exists));
    const real = await install('--bundle', bundle, '--config', config);
    expect(real.code).not.toBe(0);
    expect(real.err).toMatch(/run as root|the bundle is for Raspberry Pi OS bookworm on aarch64/);
    expect(await Promise.all(TARGETS.map(exists))).toEqual(before);
  });
});

/** Stand-ins for the commands that talk to a running system: each logs its arguments. */
const STUBS = [
  'systemctl',
  'nmcli',
  'timedatectl',
  'systemd-sysusers',
  'systemd-tmpfiles',
  'iw',
  'raspi-config',
];

describe('install.sh for real, under FIELDNODE_INSTALL_ROOT', () => {
  let root: string;
  let log: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    root = join(dir, 'root');
    await mkdir(join(root, 'usr/share/zoneinfo/Asia'), { recursive: true });
    await writeFile(join(root, 'usr/share/zoneinfo/Asia/Shanghai'), 'TZif2');
    const bin = join(dir, 'bin');
    await mkdir(bin);
    log = join(dir, 'commands.log');
    for (const name of STUBS)
      await writeFile(join(bin, name), `#!/bin/sh\necho "${name} $*" >>'${log}'\n`, { mode: 0o755 });
    // runuser -u USER -- COMMAND...: logs, then runs the command as this user.
    await writeFile(
      join(bin, 'runuser'),
      `#!/bin/sh\necho "runuser $1 $2" >>'${log}'\nshift 3\nexec "$@"\n`,
      { mode: 0o755 },
    );
    // The new tree's loader: a file naming the kit's node loads, anything else fails as the real
    // loader would, with a message.
    await mkdir(join(bundle, 'app/dist/node/src/config'), { recursive: true });
    await writeFile(
      join(bundle, 'app/dist/node/src/config/load.js'),
      "import { readFileSync } from 'node:fs';\n" +
        'export async function loadConfig(p) {\n' +
        "  if (!readFileSync(p, 'utf8').includes('role: kit')) throw new Error(p + ': node.role is missing');\n" +
        '}\n',
    );
    env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      FIELDNODE_INSTALL_ROOT: root,
      SSH_CONNECTION: '10.42.0.20 50000 10.42.0.1 22',
    };
  });

  async function installUnder(...args: string[]) {
    return exec('bash', [INSTALL, ...args], { cwd: dir, env }).then(
      ({ stdout, stderr }) => ({ code: 0, out: stdout, err: stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        out: e.stdout,
        err: e.stderr,
      }),
    );
  }
  const mode = async (path: string) => ((await stat(join(root, path))).mode & 0o777).toString(8);

  it('writes every file with its mode, generates a 16-character Wi-Fi key, enables then restarts the service, and brings the access point up last', async () => {
    const key = join(dir, 'kit-2107.key');
    await writeFile(key, 'a kit key\n');
    const { code, out, err } = await installUnder('--bundle', bundle, '--config', config, '--key-file', key);
    expect({ code, err: err.split('\n').filter((l) => l && !l.includes('warning: this is')) }).toEqual({
      code: 0,
      err: [
        'install.sh: warning: bringing up the access point on wlan0: an SSH session over wlan0 drops now (use Ethernet or the access point)',
      ],
    });
    expect(out).toContain('generated the Wi-Fi key');
    const modes: Record<string, string> = {};
    for (const path of [
      'usr/lib/sysusers.d/fieldnode.conf',
      'usr/lib/tmpfiles.d/fieldnode.conf',
      'usr/local/bin/fieldnode',
      'etc/fieldnode/fieldnode.yaml',
      'etc/fieldnode/kit-2107.key',
      'etc/fieldnode/wifi.psk',
      'etc/NetworkManager/system-connections/fieldnode-ap.nmconnection',
      'etc/NetworkManager/dnsmasq-shared.d/fieldnode-captive.conf',
      'etc/systemd/journald.conf.d/fieldnode.conf',
      'etc/systemd/system/fieldnode.service',
    ])
      modes[path] = await mode(path);
    expect(modes).toEqual({
      'usr/lib/sysusers.d/fieldnode.conf': '644',
      'usr/lib/tmpfiles.d/fieldnode.conf': '644',
      'usr/local/bin/fieldnode': '755',
      'etc/fieldnode/fieldnode.yaml': '640',
      'etc/fieldnode/kit-2107.key': '600',
      'etc/fieldnode/wifi.psk': '600',
      'etc/NetworkManager/system-connections/fieldnode-ap.nmconnection': '600',
      'etc/NetworkManager/dnsmasq-shared.d/fieldnode-captive.conf': '644',
      'etc/systemd/journald.conf.d/fieldnode.conf': '644',
      'etc/systemd/system/fieldnode.service': '644',
    });
    // Owners: root's files are root's when the test runs as root (the daemon's user does not
    // exist on this machine, so its files keep the runner's owner).
    if (process.getuid?.() === 0) {
      expect((await stat(join(root, 'etc/fieldnode/wifi.psk'))).uid).toBe(0);
      expect((await stat(join(root, 'etc/systemd/system/fieldnode.service'))).uid).toBe(0);
    }
    const psk = await readFile(join(root, 'etc/fieldnode/wifi.psk'), 'utf8');
    expect(psk).toMatch(/^[A-HJ-NP-Za-km-z2-9]{16}\n$/);
    const profile = await readFile(
      join(root, 'etc/NetworkManager/system-connections/fieldnode-ap.nmconnection'),
      'utf8',
    );
    expect(profile).toContain(`psk=${psk.trim()}`);
    expect(await readFile(join(root, 'etc/fieldnode/kit-2107.key'), 'utf8')).toBe('a kit key\n');
    expect(await exists(join(root, 'opt/fieldnode/app/dist/node/src/cli/bin.js'))).toBe(true);
    expect(await exists(join(root, 'opt/fieldnode.new'))).toBe(false);
    const commands = (await readFile(log, 'utf8')).trim().split('\n');
    expect(commands).toEqual([
      `systemd-sysusers --root=${root} /usr/lib/sysusers.d/fieldnode.conf`,
      `systemd-tmpfiles --root=${root} --create /usr/lib/tmpfiles.d/fieldnode.conf`,
      'runuser -u fieldnode',
      'timedatectl set-timezone Asia/Shanghai',
      expect.stringMatching(/^(iw reg set|raspi-config nonint do_wifi_country) CN$/),
      'nmcli connection reload',
      'systemctl restart systemd-journald',
      'systemctl daemon-reload',
      'systemctl enable fieldnode.service',
      'systemctl restart fieldnode.service',
      'nmcli connection up fieldnode-ap',
    ]);
  });

  it('an upgrade whose configuration does not load with the new program leaves the old program in place', async () => {
    await mkdir(join(root, 'opt/fieldnode'), { recursive: true });
    await writeFile(join(root, 'opt/fieldnode/old'), 'the running version\n');
    await mkdir(join(root, 'etc/fieldnode'), { recursive: true });
    await writeFile(join(root, 'etc/fieldnode/fieldnode.yaml'), 'node: { id: 2107 }\n');
    const { code, err } = await installUnder('--bundle', bundle, '--config', config);
    expect(code).not.toBe(0);
    expect(err).toContain('node.role is missing');
    expect(err).toContain('the configuration does not load');
    expect(await readFile(join(root, 'opt/fieldnode/old'), 'utf8')).toBe('the running version\n');
    expect((await readFile(log, 'utf8')).includes('systemctl')).toBe(false);
  });
});

describe('build-bundle.sh --dry-run', () => {
  it('plans the linux-arm64 runtime (checked against SHASUMS256), npm ci --omit=dev, the prebuild checks, and writes nothing', async () => {
    const out = join(dir, 'out');
    const { stdout } = await exec('bash', [BUILD, '--dry-run', '--out', out, '--node-version', 'v20.19.5']);
    const plan = [
      'npm ci --no-audit --no-fund)',
      'npm run build)',
      '[dry-run] curl -fsSL -o',
      'https://nodejs.org/dist/v20.19.5/node-v20.19.5-linux-arm64.tar.xz',
      `[dry-run] check ${out}/node-v20.19.5-linux-arm64.tar.xz against the node-v20.19.5-linux-arm64.tar.xz line of ${out}/SHASUMS256-v20.19.5.txt`,
      'npm ci --omit=dev --ignore-scripts --no-audit --no-fund --os=linux --cpu=arm64',
      'node_modules/@serialport/bindings-cpp/prebuilds/linux-arm64/*.node',
      'node_modules/classic-level/prebuilds/linux-arm64/*.node',
      'app/dist/ui/index.html',
      `${out}/fieldnode-0.1.0-linux-arm64.tar.gz`,
      '== done: nothing was downloaded, built or written (--dry-run)',
    ];
    let at = -1;
    for (const line of plan) {
      const next = stdout.indexOf(line, at + 1);
      expect({ line, found: next > at }).toEqual({ line, found: true });
      at = next;
    }
    expect(await exists(out)).toBe(false);
  });

  it('checks a tarball given with --node-tarball against its SHASUMS256 too, and refuses it without one', async () => {
    const tarball = join(dir, 'node-v20.19.5-linux-arm64.tar.xz');
    await writeFile(tarball, 'not really node\n');
    const sum = createHash('sha256').update('not really node\n').digest('hex');
    const shasums = join(dir, 'SHASUMS256.txt');
    const build = (...args: string[]) =>
      exec('bash', [
        BUILD,
        '--dry-run',
        '--out',
        join(dir, 'out'),
        '--node-version',
        'v20.19.5',
        ...args,
      ]).then(
        ({ stdout }) => ({ code: 0, out: stdout, err: '' }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          out: e.stdout,
          err: e.stderr,
        }),
      );
    const alone = await build('--node-tarball', tarball);
    expect(alone.code).not.toBe(0);
    expect(alone.err).toContain('--node-tarball needs --node-shasums FILE');
    await writeFile(
      shasums,
      `${'0'.repeat(64)}  node-v20.19.5-linux-arm64.tar.xz\n${sum}  node-v20.19.5-darwin-arm64.tar.xz\n`,
    );
    const wrong = await build('--node-tarball', tarball, '--node-shasums', shasums);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toContain('does not match the SHA-256');
    await writeFile(shasums, `${sum}  node-v20.19.5-linux-arm64.tar.xz\n`);
    const right = await build('--node-tarball', tarball, '--node-shasums', shasums);
    expect(right).toMatchObject({ code: 0 });
    expect(right.out).toContain(`checked ${tarball} against ${shasums}`);
    expect(right.out).not.toContain('curl');
  });

  it('refuses a Node older than the engines field', async () => {
    const err = await exec('bash', [BUILD, '--dry-run', '--node-version', 'v18.20.0']).catch(
      (e: { stderr: string }) => e,
    );
    expect((err as { stderr: string }).stderr).toContain('Node v18.20.0 is too old');
  });
});
