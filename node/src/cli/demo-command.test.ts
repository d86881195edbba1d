/**
 * `fieldnode demo` (docs/demo-county.md): its options, the banner it prints once the county is up,
 * a stop on SIGINT, and `--fresh`, which starts over by removing the county's folder, and only a
 * county's folder. The county runs without socat here (an empty PATH), so this file needs none.
 */
import { EventEmitter } from 'node:events';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { silentLogger } from '../base/logger.js';
import { DEMO_PEOPLE } from '../demo/county-plan.js';
import type { RunningCounty } from '../demo/run-county.js';
import { TEST_PIN_PARAMS, TEST_TIMINGS, tempCountyDir } from '../demo/test/county-test-support.js';
import { type DemoCommandDeps, demoCommand } from './demo-command.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function folder(): Promise<string> {
  const { dir, remove } = await tempCountyDir();
  cleanups.push(remove);
  return dir;
}

/** Runs the command until the county is up, then stops it with SIGINT; resolves with what it printed. */
async function runOnce(
  cwd: string,
  args: string[],
): Promise<{ code: number; banner: string; county: RunningCounty }> {
  const signals = new EventEmitter();
  let banner = '';
  let county: RunningCounty | undefined;
  const deps: DemoCommandDeps = {
    signals: signals as unknown as NonNullable<DemoCommandDeps['signals']>,
    exit: () => {},
    out: (text) => {
      banner += text;
    },
    log: silentLogger,
    cwd,
    county: { timings: TEST_TIMINGS, pinParams: TEST_PIN_PARAMS, webPorts: 'free', path: '' },
    onRunning: (c) => {
      county = c;
      signals.emit('SIGINT', 'SIGINT');
    },
  };
  const code = await demoCommand(args, deps);
  if (county === undefined) throw new Error('the county never ran');
  return { code, banner, county };
}

async function pinsOf(dir: string): Promise<unknown> {
  return JSON.parse(await readFile(join(dir, '.fieldnode-demo', 'pins.json'), 'utf8')).pins;
}

describe('fieldnode demo', () => {
  it.each([
    [['--nope'], /unknown option --nope/],
    [['extra'], /demo takes no arguments, got extra/],
    [['--dir', ' '], /--dir needs a folder/],
  ])('refuses %j before it touches anything', async (args, message) => {
    const cwd = await folder();
    const err = await demoCommand(args, { cwd, log: silentLogger }).catch((e: unknown) => e);
    expect(isKitError(err, 'CLI_USAGE')).toBe(true);
    expect((err as Error).message).toMatch(message);
    await expect(access(join(cwd, '.fieldnode-demo'))).rejects.toThrow();
  });

  it('prints every node with its address and PIN and the guide, and stops on SIGINT', async () => {
    const cwd = await folder();
    const { code, banner, county } = await runOnce(cwd, []);
    expect(code).toBe(0);
    expect(county.paths.dir).toBe(join(cwd, '.fieldnode-demo'));
    for (const n of county.nodes) {
      expect(banner).toContain(`http://127.0.0.1:${n.webPort}/`);
      expect(banner).toContain(n.plan.name);
      expect(banner).toMatch(new RegExp(`${n.person.name}.*${n.person.pin}`));
    }
    expect(banner).toContain('以赵小红登录，填报一份初报');
    expect(banner).toContain('sign in as 赵小红, file a 初报');
    expect(banner).toContain('./.fieldnode-demo (made now');
    expect(banner).toContain('satellite: OFF without socat');
    expect(banner).not.toContain('--lan:');
  });

  it('--fresh starts over: new PINs and identities; without it the same ones', async () => {
    const cwd = await folder();
    await runOnce(cwd, []);
    const pins = await pinsOf(cwd);
    const identity = await readFile(join(cwd, '.fieldnode-demo/nodes/kit-2101/identity.json'), 'utf8');
    const again = await runOnce(cwd, []);
    expect(again.county.created).toBe(false);
    expect(await pinsOf(cwd)).toEqual(pins);

    const fresh = await runOnce(cwd, ['--fresh']);
    expect(fresh.code).toBe(0);
    expect(fresh.county.created).toBe(true);
    expect(await pinsOf(cwd)).not.toEqual(pins);
    expect(Object.keys((await pinsOf(cwd)) as object)).toHaveLength(DEMO_PEOPLE.length);
    expect(await readFile(join(cwd, '.fieldnode-demo/nodes/kit-2101/identity.json'), 'utf8')).not.toBe(
      identity,
    );
  });

  it('--fresh removes nothing from a folder that is not a county’s', async () => {
    const cwd = await folder();
    const mine = join(cwd, 'mine');
    await mkdir(mine);
    await writeFile(join(mine, 'thesis.tex'), 'years of work');
    const err = await demoCommand(['--fresh', '--dir', 'mine'], { cwd, log: silentLogger }).catch(
      (e: unknown) => e,
    );
    expect(isKitError(err, 'DEMO_DIR_FOREIGN')).toBe(true);
    expect(await readFile(join(mine, 'thesis.tex'), 'utf8')).toBe('years of work');
    // Nor does it make a county there without --fresh.
    const err2 = await demoCommand(['--dir', 'mine'], { cwd, log: silentLogger }).catch((e: unknown) => e);
    expect(isKitError(err2, 'DEMO_DIR_FOREIGN')).toBe(true);
    await expect(access(join(mine, 'county.json'))).rejects.toThrow();
  });

  it('--lan says the web ports are open to the network, and warns', async () => {
    const cwd = await folder();
    const { banner, county } = await runOnce(cwd, ['--lan']);
    expect(county.webHost).toBe('0.0.0.0');
    expect(banner).toContain('⚠ --lan');
    expect(banner).toContain('PINs cross it unencrypted');
  });
});
