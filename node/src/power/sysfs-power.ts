/**
 * What the kernel says about the kit's power, read from sysfs as text files (docs/pi-kit.md §Power):
 * the power_supply class (a battery, a mains or USB supply, a UPS) and the hwmon class of an
 * INA219/INA226 current monitor on a UPS HAT. No native I2C module: the kernel's ina2xx driver
 * reads the chip, and a file read is all the daemon does. The root is injectable so that tests
 * build a tree of real files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One entry of /sys/class/power_supply (ABI: sysfs-class-power). Absent files are undefined. */
export interface PowerSupplyReading {
  readonly name: string;
  /** `Battery`, `Mains`, `USB`, `UPS`… */
  readonly type: string;
  /** `Charging`, `Discharging`, `Not charging`, `Full`, `Unknown` (batteries). */
  readonly status?: string;
  /** Charge left, %. */
  readonly capacity?: number;
  /** Volts (the file holds µV). */
  readonly volts?: number;
  /** A supply is connected (mains/USB); for a battery: present. */
  readonly online?: boolean;
}

/** One INA2xx monitor under /sys/class/hwmon (ABI: sysfs-interface of hwmon, the ina2xx driver). */
export interface HwmonInaReading {
  readonly name: string;
  /** Bus voltage, volts (`in1_input` holds mV). */
  readonly volts?: number;
  /** Current, amps (`curr1_input` holds mA), its sign as wired. */
  readonly amps?: number;
  /** Power, watts (`power1_input` holds µW). */
  readonly watts?: number;
}

/** The names the kernel's ina2xx and ina238 drivers give their hwmon devices. */
const INA_NAMES = new Set(['ina209', 'ina219', 'ina220', 'ina226', 'ina230', 'ina231', 'ina2xx', 'ina238']);

export interface SysfsPower {
  readonly supplies: readonly PowerSupplyReading[];
  readonly monitors: readonly HwmonInaReading[];
  /** Neither class directory could be listed: nothing here is sysfs. */
  readonly unreadable: boolean;
}

export async function readSysfsPower(root: string): Promise<SysfsPower> {
  const supplyDir = join(root, 'class', 'power_supply');
  const hwmonDir = join(root, 'class', 'hwmon');
  const [supplyNames, hwmonNames] = await Promise.all([list(supplyDir), list(hwmonDir)]);
  const supplies = await Promise.all(
    (supplyNames ?? []).map((name) => readSupply(join(supplyDir, name), name)),
  );
  const monitors = await Promise.all((hwmonNames ?? []).map((name) => readMonitor(join(hwmonDir, name))));
  return {
    supplies: supplies.filter((s): s is PowerSupplyReading => s !== undefined),
    monitors: monitors.filter((m): m is HwmonInaReading => m !== undefined),
    unreadable: supplyNames === undefined && hwmonNames === undefined,
  };
}

async function readSupply(dir: string, name: string): Promise<PowerSupplyReading | undefined> {
  const [type, status, capacity, microvolts, online] = await Promise.all([
    text(dir, 'type'),
    text(dir, 'status'),
    number(dir, 'capacity'),
    number(dir, 'voltage_now'),
    number(dir, 'online'),
  ]);
  if (type === undefined) return undefined;
  return {
    name,
    type,
    ...(status === undefined ? {} : { status }),
    ...(capacity === undefined || capacity < 0 || capacity > 100 ? {} : { capacity }),
    ...(microvolts === undefined ? {} : { volts: microvolts / 1e6 }),
    ...(online === undefined ? {} : { online: online !== 0 }),
  };
}

async function readMonitor(dir: string): Promise<HwmonInaReading | undefined> {
  const name = await text(dir, 'name');
  if (name === undefined || !INA_NAMES.has(name)) return undefined;
  const [millivolts, milliamps, microwatts] = await Promise.all([
    number(dir, 'in1_input'),
    number(dir, 'curr1_input'),
    number(dir, 'power1_input'),
  ]);
  return {
    name,
    ...(millivolts === undefined ? {} : { volts: millivolts / 1000 }),
    ...(milliamps === undefined ? {} : { amps: milliamps / 1000 }),
    ...(microwatts === undefined ? {} : { watts: microwatts / 1e6 }),
  };
}

async function list(dir: string): Promise<string[] | undefined> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return undefined;
  }
}

/** A sysfs attribute's text, or undefined when it is absent or the driver refuses the read (EIO, ENODATA). */
async function text(dir: string, file: string): Promise<string | undefined> {
  try {
    const value = (await readFile(join(dir, file), 'utf8')).trim();
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

async function number(dir: string, file: string): Promise<number | undefined> {
  const value = await text(dir, file);
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}
