/**
 * `fieldnode radio suggest [--port PATH] [--json]`: the serial devices on this machine, what their
 * USB vendor and product ids say they are, and the device profile each suggests
 * (docs/profiles.md §Which profile: USB fingerprints). Where udevadm is missing (containers,
 * minimal images) the ports come from /dev/serial/by-id and the ids from sysfs, so the answer is
 * the same.
 */
import { KitError } from '../base/errors.js';
import { parseOptions } from './args.js';

export interface SuggestIo {
  out?: (text: string) => void;
  /** Where sysfs is. Default /sys. */
  sysRoot?: string;
  /** Where udev's by-id links are. Default /dev/serial/by-id. */
  byIdDir?: string;
  /** Instead of SerialPort.list() (tests: a machine without udevadm). */
  list?: () => Promise<never[]>;
}

interface Found {
  path: string;
  device?: string;
  usb?: { vendorId: string; productId: string; name?: string };
  suggestions: { device: string; kind: string; usb: string; profile: string; why: string }[];
}

export async function radioSuggestCommand(args: string[], io: SuggestIo = {}): Promise<number> {
  const { values, positionals } = parseOptions(args, { port: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `suggest takes no arguments, got ${positionals.join(' ')}`);
  const [{ listPorts }, { usbIdentityOf }, { fingerprintsOf }] = await Promise.all([
    import('../../../radio/src/transports/serial-transport.js'),
    import('../../../radio/src/transports/usb-identity.js'),
    import('../../../radio/src/transports/usb-fingerprints.js'),
  ]);
  const sys = io.sysRoot === undefined ? {} : { sysRoot: io.sysRoot };
  let note: string | undefined;
  let ports: {
    path: string;
    device?: string;
    vendorId?: string;
    productId?: string;
    manufacturer?: string;
  }[];
  if (values.port !== undefined) {
    ports = [{ path: values.port }];
  } else {
    const listing = await listPorts({
      ...(io.byIdDir === undefined ? {} : { byIdDir: io.byIdDir }),
      ...(io.list === undefined ? {} : { list: io.list }),
    });
    note = listing.note;
    ports = listing.ports;
  }
  const found: Found[] = [];
  for (const port of ports) {
    let usb: Found['usb'];
    if (port.vendorId !== undefined && port.productId !== undefined) {
      usb = {
        vendorId: port.vendorId.toLowerCase(),
        productId: port.productId.toLowerCase(),
        ...(port.manufacturer ? { name: port.manufacturer } : {}),
      };
    } else {
      const id = await usbIdentityOf(port.path, sys);
      if (id !== undefined) {
        const name = [id.manufacturer, id.product].filter((x) => x !== undefined).join(' ');
        usb = { vendorId: id.vendorId, productId: id.productId, ...(name === '' ? {} : { name }) };
      }
    }
    found.push({
      path: port.path,
      ...(port.device === undefined ? {} : { device: port.device }),
      ...(usb === undefined ? {} : { usb }),
      suggestions:
        usb === undefined
          ? []
          : fingerprintsOf(usb.vendorId, usb.productId).map((f) => ({
              ...f,
              profile: `firmware-config/profiles/${f.profile}`,
            })),
    });
  }
  const out = io.out ?? ((t: string) => process.stdout.write(t));
  if (values.json === true) {
    out(`${JSON.stringify({ ...(note === undefined ? {} : { note }), ports: found }, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  if (note !== undefined) lines.push(note, '');
  if (found.length === 0)
    lines.push('no USB serial device is visible: plug the radio in, then run this again');
  for (const f of found) {
    lines.push(f.device === undefined || f.device === f.path ? f.path : `${f.path} (now ${f.device})`);
    if (f.usb === undefined) {
      lines.push('  USB id unknown (not a USB device, or it is not plugged in): no suggestion');
    } else {
      lines.push(
        `  USB ${f.usb.vendorId}:${f.usb.productId}${f.usb.name === undefined ? '' : ` ${f.usb.name}`}`,
      );
      if (f.suggestions.length === 0) lines.push('  not a device fieldnode knows: no suggestion');
      for (const s of f.suggestions) {
        lines.push(`  is: ${s.device}`);
        lines.push(`  suggests: ${s.profile} (${s.why})`);
      }
    }
  }
  out(`${lines.join('\n')}\n`);
  return 0;
}
