/**
 * The files of firmware-config/ load with the real loaders (docs/profiles.md §Example
 * configurations, §Profile files): each role's example configuration with the daemon's own
 * configuration loader, serial devices named by /dev/serial/by-id; each device profile with
 * `fieldnode radio`'s profile reader, its channel key read from a file of mode 0600; and every
 * profile the USB fingerprints suggest is here.
 */
import { readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProfileVocabulary, readProfileFile } from '../node/src/cli/radio-profile-file.js';
import { loadConfig } from '../node/src/config/load.js';
import { NODE_ROLES } from '../node/src/config/schema.js';
import { kitFailure } from '../node/test/kit-errors.js';
import { USB_FINGERPRINTS } from '../radio/src/transports/usb-fingerprints.js';
import { parseUnitFile, values } from './systemd/unit-file.js';

const here = dirname(fileURLToPath(import.meta.url));
const profiles = join(here, 'profiles');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-firmware-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an example configuration per role', () => {
  for (const role of NODE_ROLES) {
    it(`${role}.yaml loads with the daemon's loader, as \`fieldnode start --config\` reads it`, async () => {
      const config = await loadConfig(join(here, `${role}.yaml`), { env: {} });
      expect(config.node.role).toBe(role);
      const serial = config.links.flatMap((l) =>
        l.type === 'meshtastic' && l.transport.kind === 'serial'
          ? [l.transport.path]
          : l.type === 'iridium-sbd' || l.type === 'beidou'
            ? [l.port]
            : [],
      );
      if (role !== 'centre') expect(serial.length).toBeGreaterThan(0);
      for (const path of serial) expect(path).toMatch(/^\/dev\/serial\/by-id\/usb-/);
    });
  }
});

describe('the kit on its Wi-Fi: the examples, the unit, the install and the docs agree', () => {
  it('kit.yaml and team.yaml serve phones on port 80 of the access point, with the captive portal', async () => {
    const unit = parseUnitFile(await readFile(join(here, 'systemd/fieldnode.service'), 'utf8'));
    const install = await readFile(join(here, 'install/install.sh'), 'utf8');
    const address = /^ADDRESS="([0-9.]+)"$/m.exec(install)?.[1];
    expect(address).toBe('10.42.0.1');
    const origin = `http://${address}`;
    for (const role of ['kit', 'team'] as const) {
      const config = await loadConfig(join(here, `${role}.yaml`), { env: {} });
      expect({
        role,
        listen: config.http?.listen.port,
        origins: config.http?.publicOrigins,
        portal: config.http?.captivePortal,
      }).toEqual({
        role,
        listen: 80,
        origins: [origin],
        portal: true,
      });
    }
    // Port 80 is below 1024: the unprivileged daemon binds it only with this capability.
    expect(values(unit, 'Service', 'AmbientCapabilities')).toContain('CAP_NET_BIND_SERVICE');
    expect(values(unit, 'Service', 'CapabilityBoundingSet')).toContain('CAP_NET_BIND_SERVICE');
    const piKit = await readFile(join(here, '../docs/pi-kit.md'), 'utf8');
    expect(piKit).toContain('listen: { host: 0.0.0.0, port: 80 }');
    expect(piKit).toContain(`public_origins: [${origin}]`);
    expect(piKit).toContain('captive_portal: true');
    const kitDoc = await readFile(join(here, '../docs/kit.md'), 'utf8');
    expect(kitDoc).toContain(`${origin}/`);
    expect(kitDoc).not.toMatch(/10\.42\.0\.1:\d/);
  });
});

/** A copy of a profile whose key file is a fresh 0600 file in the test's directory. */
async function withKeyFile(name: string, key = 'QEFCQ0RFRkdISUpLTE1OTw=='): Promise<string> {
  const keyFile = join(dir, 'mesh-psk.key');
  await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  const text = (await readFile(join(profiles, name), 'utf8')).replace(
    'psk_file: /etc/fieldnode/mesh-psk.key',
    `psk_file: ${keyFile}`,
  );
  const copy = join(dir, name);
  await writeFile(copy, text);
  return copy;
}

describe('the device profiles', () => {
  it('every Meshtastic profile loads, with its key from the 0600 file it names', async () => {
    const vocabulary = await loadProfileVocabulary();
    for (const name of ['meshtastic-kit.yaml', 'meshtastic-gateway.yaml', 'meshtastic-team.yaml']) {
      const file = await readProfileFile(await withKeyFile(name), vocabulary);
      expect(file.kind).toBe('meshtastic');
      if (file.kind !== 'meshtastic') continue;
      const named = Object.fromEntries(file.profile.settings.map((s) => [s.spec.name, s.value]));
      expect(named).toMatchObject({
        'lora.region': 4,
        'device.rebroadcast_mode': 0,
        'channel.name': 'fieldnode',
      });
      expect(named['channel.psk']).toEqual(
        Uint8Array.from(Buffer.from('QEFCQ0RFRkdISUpLTE1OTw==', 'base64')),
      );
    }
  });

  it('the gateway profile is a ROUTER that keeps rebroadcast mode ALL', async () => {
    const file = await readProfileFile(
      await withKeyFile('meshtastic-gateway.yaml'),
      await loadProfileVocabulary(),
    );
    if (file.kind !== 'meshtastic') throw new Error('not a meshtastic profile');
    const named = Object.fromEntries(file.profile.settings.map((s) => [s.spec.name, s.value]));
    expect([named['device.role'], named['device.rebroadcast_mode']]).toEqual([2, 0]);
  });

  it('as shipped, a profile whose key file is missing says which file', async () => {
    const failure = await kitFailure(
      readProfileFile(join(profiles, 'meshtastic-kit.yaml'), await loadProfileVocabulary()),
    );
    expect(failure).toMatchObject({
      code: 'KEYS_UNREADABLE',
      message: expect.stringContaining('/etc/fieldnode/mesh-psk.key'),
    });
  });

  it('the demonstration county’s profile runs on the public default key; the same for a real county is refused', async () => {
    const vocabulary = await loadProfileVocabulary();
    const demo = await readProfileFile(join(profiles, 'meshtastic-demo.yaml'), vocabulary);
    expect(demo.county).toBe(439901);
    const real = join(dir, 'real.yaml');
    await writeFile(
      real,
      (await readFile(join(profiles, 'meshtastic-demo.yaml'), 'utf8')).replace(
        'county: 439901',
        'county: 430121',
      ),
    );
    expect((await kitFailure(readProfileFile(real, vocabulary))).code).toBe('PROFILE_PUBLIC_KEY');
  });

  it('the RockBLOCK profile loads', async () => {
    const file = await readProfileFile(join(profiles, 'rockblock-9603.yaml'), await loadProfileVocabulary());
    expect(file).toMatchObject({
      kind: 'rockblock-9603',
      settings: { ringAlerts: true, sessionTimeoutS: 90 },
    });
  });

  it('every profile a USB fingerprint suggests is here', () => {
    const present = new Set(readdirSync(profiles));
    for (const f of USB_FINGERPRINTS) expect(present.has(f.profile), f.profile).toBe(true);
  });
});
