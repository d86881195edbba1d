/**
 * The kit's install script and bundle builder, run for real in their dry-run mode in this Debian
 * container (docs/pi-kit.md §Install, §The offline bundle): the plan they print, the checks that
 * refuse a bad bundle or contradictory options, and that a dry run writes nothing. Nothing here
 * touches the network.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
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
  await writeFile(join(bundle, 'app/package.json'), '{"name":"fieldnode"}\n');
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
      '[dry-run] mv /opt/fieldnode.new /opt/fieldnode',
      '[dry-run] write /usr/local/bin/fieldnode (mode 0755, root:root)',
      '[dry-run] write /etc/fieldnode/fieldnode.yaml (mode 0640, root:fieldnode)',
      '[dry-run] check that /etc/fieldnode/fieldnode.yaml loads, as the fieldnode user',
      '[dry-run] timedatectl set-timezone Asia/Shanghai',
      '[dry-run] generate a 16-character Wi-Fi key into /etc/fieldnode/wifi.psk (mode 0600)',
      '[dry-run] write /etc/NetworkManager/system-connections/fieldnode-ap.nmconnection (mode 0600, root:root)',
      '[dry-run] write /etc/NetworkManager/dnsmasq-shared.d/fieldnode-captive.conf (mode 0644, root:root)',
      '[dry-run] nmcli connection up fieldnode-ap',
      '[dry-run] write /etc/systemd/journald.conf.d/fieldnode.conf (mode 0644, root:root)',
      '[dry-run] write /etc/systemd/system/fieldnode.service (mode 0644, root:root)',
      '[dry-run] systemctl daemon-reload',
      '[dry-run] systemctl enable --now fieldnode.service',
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

describe('build-bundle.sh --dry-run', () => {
  it('plans the linux-arm64 runtime (checked against SHASUMS256), npm ci --omit=dev, the prebuild checks, and writes nothing', async () => {
    const out = join(dir, 'out');
    const { stdout } = await exec('bash', [BUILD, '--dry-run', '--out', out, '--node-version', 'v20.19.5']);
    const plan = [
      'npm ci --no-audit --no-fund && npm run build',
      '[dry-run] curl -fsSL -o',
      'https://nodejs.org/dist/v20.19.5/node-v20.19.5-linux-arm64.tar.xz',
      "grep ' node-v20.19.5-linux-arm64.tar.xz$' 'SHASUMS256-v20.19.5.txt' | sha256sum -c -",
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

  it('refuses a Node older than the engines field', async () => {
    const err = await exec('bash', [BUILD, '--dry-run', '--node-version', 'v18.20.0']).catch(
      (e: { stderr: string }) => e,
    );
    expect((err as { stderr: string }).stderr).toContain('Node v18.20.0 is too old');
  });
});
