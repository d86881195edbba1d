/**
 * The GPIO buzzer (gpio-buzzer-sounder.ts, docs/warnings.md §The alarm at the kit, "gpio-buzzer")
 * with a stand-in gpioset on a temporary PATH: each run a real process that holds "the line" until
 * it is killed, as gpioset does, and logs what it was asked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { beatEdges, GpioBuzzerSounder, holdArgs, libgpiodMajor } from './gpio-buzzer-sounder.js';
import { alive, eventually, type FakeTools, fakeTools, keptLog } from './test/fake-tools.js';

let tools: FakeTools;
beforeEach(async () => {
  tools = await fakeTools();
});
afterEach(async () => {
  await tools.remove();
});

/** gpioset of libgpiod `version`: answers --version, else holds until killed. */
const gpioset = (version = 'v2.1.3') =>
  tools.add(
    'gpioset',
    `if [ "$1" = "--version" ]; then echo "gpioset (libgpiod) ${version}"; exit 0; fi\nexec sleep 600`,
  );

/** The values gpioset was asked to hold, in order (its --version call left out). */
async function held(): Promise<string[]> {
  return (await tools.calls('gpioset')).filter((c) => c.args[0] !== '--version').map((c) => c.args.join(' '));
}

async function holders(): Promise<number[]> {
  return (await tools.calls('gpioset')).filter((c) => c.args[0] !== '--version').map((c) => c.pid);
}

describe('the beat', () => {
  it('follows the pattern for the length asked and always ends off', () => {
    expect(beatEdges('red', 700)).toEqual([
      { at: 0, on: true },
      { at: 150, on: false },
      { at: 300, on: true },
      { at: 450, on: false },
      { at: 600, on: true },
      { at: 700, on: false },
    ]);
    expect(beatEdges('yellow', 1000).map((e) => `${e.at}${e.on ? '+' : '-'}`)).toEqual([
      '0+',
      '150-',
      '250+',
      '400-',
    ]);
    expect(beatEdges('drill', 8000).filter((e) => e.on)).toHaveLength(4 * 2);
  });

  it('holds the line as each libgpiod wants it', () => {
    expect(libgpiodMajor('gpioset (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski')).toBe(1);
    expect(libgpiodMajor('gpioset (libgpiod) v2.1.3')).toBe(2);
    expect(holdArgs(1, 'gpiochip0', 17, 1)).toEqual(['--mode=signal', 'gpiochip0', '17=1']);
    expect(holdArgs(2, 'gpiochip4', 17, 0)).toEqual(['-c', 'gpiochip4', '17=0']);
  });
});

describe('the gpio-buzzer sounder', () => {
  it('holds the line off from the start, beats a siren, and keeps one holder at a time', async () => {
    await gpioset();
    const { log, lines } = keptLog();
    const buzzer = new GpioBuzzerSounder({ line: 17, path: tools.dir, log });
    await buzzer.start();
    await eventually(async () => (await held()).length === 1);
    expect(await held()).toEqual(['-c gpiochip0 17=0']);
    const started = Date.now();
    await buzzer.siren('red', 700);
    expect(Date.now() - started).toBeGreaterThanOrEqual(690);
    // A holder logs its call as it starts: wait for the last one's.
    await eventually(async () => (await held()).length === 7);
    expect(await held()).toEqual([
      '-c gpiochip0 17=0',
      '-c gpiochip0 17=1',
      '-c gpiochip0 17=0',
      '-c gpiochip0 17=1',
      '-c gpiochip0 17=0',
      '-c gpiochip0 17=1',
      '-c gpiochip0 17=0',
    ]);
    const pids = await holders();
    expect(pids.map(alive)).toEqual([false, false, false, false, false, false, true]);
    await buzzer.close();
    expect(alive(pids.at(-1) ?? 0)).toBe(false);
    expect(lines).toEqual([]);
  });

  it("speaks libgpiod 1's arguments to gpioset 1.6 and drives an active-low buzzer low", async () => {
    await gpioset('v1.6.3');
    const { log } = keptLog();
    const buzzer = new GpioBuzzerSounder({
      chip: 'gpiochip4',
      line: 22,
      activeLow: true,
      path: tools.dir,
      log,
    });
    await buzzer.start();
    // Each holder is waited for (it logs as it starts), since the next one replaces it at once.
    await eventually(async () => (await held()).length === 1);
    await buzzer.siren('blue', 300);
    await eventually(async () => (await held()).length === 3);
    await buzzer.close();
    expect(await held()).toEqual([
      '--mode=signal gpiochip4 22=1',
      '--mode=signal gpiochip4 22=0',
      '--mode=signal gpiochip4 22=1',
    ]);
  });

  it('stops mid-siren at once and holds the line off', async () => {
    await gpioset();
    const { log } = keptLog();
    const buzzer = new GpioBuzzerSounder({ line: 17, path: tools.dir, log });
    await buzzer.start();
    await eventually(async () => (await held()).length === 1);
    const sounding = buzzer.siren('orange', 8000);
    await eventually(async () => (await held()).length === 2);
    await buzzer.stop();
    await sounding;
    await eventually(async () => (await held()).length === 3);
    const after = await held();
    expect(after).toEqual(['-c gpiochip0 17=0', '-c gpiochip0 17=1', '-c gpiochip0 17=0']);
    await new Promise((r) => setTimeout(r, 600));
    expect(await held()).toEqual(after);
    const pids = await holders();
    expect(pids.filter(alive)).toEqual([pids.at(-1)]);
    await buzzer.close();
    expect(pids.filter(alive)).toEqual([]);
  });

  it('without gpioset: says so once and the siren resolves at once', async () => {
    const { log, lines } = keptLog();
    const buzzer = new GpioBuzzerSounder({ line: 17, path: tools.dir, log });
    await buzzer.start();
    const started = Date.now();
    await buzzer.siren('red', 8000);
    expect(Date.now() - started).toBeLessThan(1000);
    await buzzer.close();
    expect(lines.map((l) => l.msg)).toEqual([
      "alarm: gpioset is not installed: apt install gpiod (not found on PATH; the alarm's GPIO buzzer need it); the other sounds go on without it",
    ]);
  });

  it('says once that gpioset cannot take the line, with its own words', async () => {
    await tools.add(
      'gpioset',
      'if [ "$1" = "--version" ]; then echo "gpioset (libgpiod) v2.1.3"; exit 0; fi\necho "gpioset: unable to request lines on chip \'/dev/gpiochip0\': Device or resource busy" >&2\nexit 1',
    );
    const { log, lines } = keptLog();
    const buzzer = new GpioBuzzerSounder({ line: 17, path: tools.dir, log });
    await buzzer.start();
    await buzzer.siren('red', 400);
    await eventually(() => lines.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    await buzzer.close();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        "alarm: gpio-buzzer (gpioset, gpiochip0 line 17) exited with 1: gpioset: unable to request lines on chip '/dev/gpiochip0': Device or resource busy; the other sounds go on, and it is tried again at the next",
      ],
    ]);
  });
});
