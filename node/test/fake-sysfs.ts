/**
 * A sysfs tree of real files in a temporary directory, for the power reader's tests
 * (docs/pi-kit.md §Power): as in the kernel, class entries are symbolic links to device
 * directories, and attributes are one value and a newline.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class FakeSysfs {
  private constructor(readonly root: string) {}

  static async create(): Promise<FakeSysfs> {
    const root = await mkdtemp(join(tmpdir(), 'fieldnode-sysfs-'));
    await mkdir(join(root, 'class', 'power_supply'), { recursive: true });
    await mkdir(join(root, 'class', 'hwmon'), { recursive: true });
    return new FakeSysfs(root);
  }

  /** A /sys/class/power_supply/<name> entry, linked to its device directory as the kernel does. */
  async supply(name: string, attrs: Record<string, string | number>): Promise<void> {
    const device = join(this.root, 'devices', 'platform', name, 'power_supply', name);
    await mkdir(device, { recursive: true });
    await this.write(device, attrs);
    await symlink(device, join(this.root, 'class', 'power_supply', name)).catch((err) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
  }

  /** A /sys/class/hwmon/hwmon<n> entry with its `name` and attributes. */
  async hwmon(n: number, attrs: Record<string, string | number>): Promise<void> {
    const device = join(this.root, 'devices', 'i2c', `hwmon${n}`);
    await mkdir(device, { recursive: true });
    await this.write(device, attrs);
    await symlink(device, join(this.root, 'class', 'hwmon', `hwmon${n}`)).catch((err) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  private async write(dir: string, attrs: Record<string, string | number>): Promise<void> {
    for (const [file, value] of Object.entries(attrs)) await writeFile(join(dir, file), `${value}\n`);
  }
}
