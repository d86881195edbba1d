/**
 * USB ids from sysfs (usb-identity.ts), on a fake sysfs tree laid out as the kernel lays it out:
 * the by-id link → /dev/ttyACM0 → /sys/class/tty/ttyACM0/device → the USB interface, whose parent
 * holds idVendor and idProduct. This is what `fieldnode radio suggest` falls back on where udevadm
 * is missing (containers) (docs/profiles.md §Serial ports by id, §Which profile: USB fingerprints).
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintsOf } from './usb-fingerprints.js';
import { usbIdentityOf } from './usb-identity.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-usb-id-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A device node, its by-id link and its sysfs record; `ids` undefined for a non-USB tty. */
async function fakePort(tty: string, byId: string, ids?: Record<string, string>): Promise<string> {
  const sys = join(dir, 'sys');
  const usbDevice = join(sys, 'devices', 'platform', 'usb1', '1-1');
  const iface = join(usbDevice, '1-1:1.0');
  const ttyDevice = ids === undefined ? join(sys, 'devices', 'platform', 'serial8250') : iface;
  await mkdir(ttyDevice, { recursive: true });
  await mkdir(join(sys, 'class', 'tty', tty), { recursive: true });
  await symlink(ttyDevice, join(sys, 'class', 'tty', tty, 'device'));
  for (const [name, value] of Object.entries(ids ?? {})) await writeFile(join(usbDevice, name), `${value}\n`);
  await mkdir(join(dir, 'dev', 'serial', 'by-id'), { recursive: true });
  await writeFile(join(dir, 'dev', tty), '');
  const link = join(dir, 'dev', 'serial', 'by-id', byId);
  await symlink(join(dir, 'dev', tty), link);
  return link;
}

describe('USB identity from sysfs', () => {
  it('follows the by-id link to the tty and up to the USB device', async () => {
    const link = await fakePort('ttyACM0', 'usb-RAKwireless_WisCore_RAK4631_Board_ABCDEF-if00', {
      idVendor: '239A',
      idProduct: '8029',
      manufacturer: 'RAKwireless',
      product: 'WisCore RAK4631 Board',
      serial: 'ABCDEF',
    });
    const id = await usbIdentityOf(link, { sysRoot: join(dir, 'sys') });
    expect(id).toEqual({
      vendorId: '239a',
      productId: '8029',
      manufacturer: 'RAKwireless',
      product: 'WisCore RAK4631 Board',
      serialNumber: 'ABCDEF',
    });
    expect(fingerprintsOf(id!.vendorId, id!.productId).map((f) => f.profile)).toEqual([
      'meshtastic-gateway.yaml',
    ]);
  });

  it('a tty that is not on USB, and a path that is not there, have no identity', async () => {
    const link = await fakePort('ttyS0', 'platform-serial8250');
    expect(await usbIdentityOf(link, { sysRoot: join(dir, 'sys') })).toBeUndefined();
    expect(await usbIdentityOf(join(dir, 'dev', 'nothing'), { sysRoot: join(dir, 'sys') })).toBeUndefined();
  });

  it('the RockBLOCK’s FTDI cable suggests the modem profile; an unknown id suggests nothing', () => {
    expect(fingerprintsOf('0403', '6015').map((f) => [f.kind, f.profile])).toEqual([
      ['rockblock-9603', 'rockblock-9603.yaml'],
    ]);
    expect(fingerprintsOf('1234', '5678')).toEqual([]);
  });
});
