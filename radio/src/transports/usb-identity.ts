/**
 * The USB vendor and product of a serial port, read from sysfs (docs/profiles.md §Which profile:
 * USB fingerprints). `SerialPort.list()` asks udevadm, which containers and minimal images lack;
 * the kernel's own record needs nothing: the port's device node (the target of its
 * /dev/serial/by-id link) is `/dev/ttyACM0`, `/sys/class/tty/ttyACM0/device` leads to the USB
 * interface, and the USB device above it holds `idVendor`, `idProduct`, `manufacturer`, `product`
 * and `serial`.
 */
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface UsbIdentity {
  /** Four lower-case hex digits, e.g. "10c4". */
  vendorId: string;
  productId: string;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
}

export interface UsbIdentityOptions {
  /** Where sysfs is mounted. Default /sys. */
  sysRoot?: string;
}

/** How far above the tty's device to look for the USB device (interface, then device). */
const LEVELS = 4;

async function text(file: string): Promise<string | undefined> {
  try {
    const t = (await readFile(file, 'utf8')).trim();
    return t === '' ? undefined : t;
  } catch {
    return undefined;
  }
}

/** The USB identity of the device behind `path`, or undefined when it is not a USB device (or sysfs is absent). */
export async function usbIdentityOf(
  path: string,
  opts: UsbIdentityOptions = {},
): Promise<UsbIdentity | undefined> {
  const sys = opts.sysRoot ?? '/sys';
  let node: string;
  let dir: string;
  try {
    node = basename(await realpath(path));
    dir = await realpath(join(sys, 'class', 'tty', node, 'device'));
  } catch {
    return undefined;
  }
  for (let i = 0; i <= LEVELS && dir.startsWith(sys); i++, dir = dirname(dir)) {
    const vendorId = await text(join(dir, 'idVendor'));
    const productId = await text(join(dir, 'idProduct'));
    if (vendorId === undefined || productId === undefined) continue;
    const [manufacturer, product, serialNumber] = await Promise.all(
      ['manufacturer', 'product', 'serial'].map((f) => text(join(dir, f))),
    );
    return {
      vendorId: vendorId.toLowerCase(),
      productId: productId.toLowerCase(),
      ...(manufacturer === undefined ? {} : { manufacturer }),
      ...(product === undefined ? {} : { product }),
      ...(serialNumber === undefined ? {} : { serialNumber }),
    };
  }
  return undefined;
}
