/** Tests for private-dirs.ts: the data and store directories are made, or repaired to, mode 0700. */
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
import { isKitError } from '../base/errors.js';
import { securePrivateDirs } from './private-dirs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-dirs-'));
});
afterEach(async () => {
  await chmod(dir, 0o700).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

async function failure(dirs: string[]): Promise<unknown> {
  return securePrivateDirs(dirs, recordingLogger().log).then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('securePrivateDirs', () => {
  it('makes missing directories with mode 0700, quietly', async () => {
    const data = join(dir, 'a', 'data');
    const { log, lines } = recordingLogger();
    await securePrivateDirs([data, join(data, 'store')], log);
    expect(await modeOf(data)).toBe(0o700);
    expect(await modeOf(join(data, 'store'))).toBe(0o700);
    expect(lines).toEqual([]);
  });

  it('tells which directories it made, parent first, and not those that existed', async () => {
    await mkdir(join(dir, 'a'));
    const data = join(dir, 'a', 'b', 'data');
    const made: string[] = [];
    await securePrivateDirs([data, join(data, 'store')], recordingLogger().log, {
      made: (d) => made.push(d),
    });
    expect(made).toEqual([join(dir, 'a', 'b'), data, join(data, 'store')]);
    const again: string[] = [];
    await securePrivateDirs([data, join(data, 'store')], recordingLogger().log, {
      made: (d) => again.push(d),
    });
    expect(again).toEqual([]);
  });

  it('repairs directories open to group or others to 0700 and warns once for each', async () => {
    const data = join(dir, 'data');
    await mkdir(join(data, 'store'), { recursive: true });
    await chmod(data, 0o755);
    await chmod(join(data, 'store'), 0o775);
    const { log, lines } = recordingLogger();
    await securePrivateDirs([data, join(data, 'store')], log);
    expect(await modeOf(data)).toBe(0o700);
    expect(await modeOf(join(data, 'store'))).toBe(0o700);
    expect(lines.map((l) => [l.level, l.obj])).toEqual([
      ['warn', { dir: data, was: '0755' }],
      ['warn', { dir: join(data, 'store'), was: '0775' }],
    ]);
  });

  it('leaves a directory that is private already as it is', async () => {
    await chmod(dir, 0o500);
    const { log, lines } = recordingLogger();
    await securePrivateDirs([dir], log);
    expect(await modeOf(dir)).toBe(0o500);
    expect(lines).toEqual([]);
  });

  it('refuses a shared directory with the sticky bit, and leaves it as it was', async () => {
    await chmod(dir, 0o1777);
    const err = await failure([dir]);
    expect(isKitError(err, 'KEYS_INSECURE')).toBe(true);
    expect((err as Error).message).toContain('is a shared directory (mode 1777, sticky bit, like /tmp)');
    expect(await modeOf(dir)).toBe(0o1777);
  });

  it('says when the path is not a directory', async () => {
    const file = join(dir, 'file');
    await writeFile(file, '');
    const err = await failure([file]);
    expect(isKitError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain(`data_dir: cannot use ${file} as a directory`);
  });
});
