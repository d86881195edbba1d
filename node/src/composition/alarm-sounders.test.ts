/**
 * From the `alarm:` section to sound (alarm-sounders.ts; docs/warnings.md §The alarm at the kit):
 * the configured sounders, built by the factory and driven by the alarm controller on the wall
 * clock, play through stand-in aplay, espeak-ng and gpioset programs, and all stop when a person
 * answers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { parseConfig } from '../config/load.js';
import { AlarmController } from '../domain/warnings/alarm/alarm-controller.js';
import { kitWarning } from '../domain/warnings/alarm/alarm-fixtures.js';
import { alive, eventually, type FakeTools, fakeTools } from '../sounders/test/fake-tools.js';
import { soundersFromConfig } from './alarm-sounders.js';

let tools: FakeTools;
let dir: string;
beforeEach(async () => {
  tools = await fakeTools();
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-alarm-'));
});
afterEach(async () => {
  await tools.remove();
  await rm(dir, { recursive: true, force: true });
});

describe('the configured sounders', () => {
  it('are built in order, each its own type, with the settings of the file', async () => {
    const config = parseConfig(
      {
        node: { id: 2107, role: 'kit' },
        alarm: {
          sounders: [
            { type: 'recorded', file: 'events.jsonl' },
            { type: 'pi-audio' },
            { type: 'gpio-buzzer', line: 17 },
          ],
        },
      },
      { baseDir: dir },
    );
    const sounders = await soundersFromConfig(config.alarm, { log: silentLogger, path: tools.dir });
    expect(sounders.map((s) => s.kind)).toEqual(['recorded', 'pi-audio', 'gpio-buzzer']);
  });

  it('sound a red warning on every sounder until a person answers, then all stop at once', async () => {
    await tools.add('aplay', 'cat > $IN\nexec sleep 30');
    await tools.add('espeak-ng', "cat > $IN\nprintf 'RIFF'");
    await tools.add(
      'gpioset',
      'if [ "$1" = "--version" ]; then echo "gpioset (libgpiod) v2.1.3"; exit 0; fi\nexec sleep 600',
    );
    const config = parseConfig(
      {
        node: { id: 2107, role: 'kit' },
        alarm: {
          siren_s: 2,
          sounders: [
            { type: 'pi-audio', device: 'plughw:CARD=Headphones' },
            { type: 'gpio-buzzer', line: 17 },
            { type: 'recorded', file: 'events.jsonl' },
          ],
        },
      },
      { baseDir: dir },
    );
    const sounders = await soundersFromConfig(config.alarm, { log: silentLogger, path: tools.dir });
    const alarm = new AlarmController({ ...config.alarm, sounders, log: silentLogger });
    await alarm.start();
    alarm.warning(kitWarning({ body: { expires: Math.floor(Date.now() / 1000) + 3600 } }));
    await eventually(async () => (await tools.calls('aplay')).length === 1);
    await eventually(async () => (await tools.calls('gpioset')).some((c) => c.args.at(-1) === '17=1'));
    const [player] = await tools.calls('aplay');
    expect(player?.args).toEqual(['-q', '-D', 'plughw:CARD=Headphones', '-t', 'wav']);
    expect(alive(player?.pid ?? 0)).toBe(true);

    alarm.answered({ warning: '1/10', person: 11 });
    await eventually(() => !alive(player?.pid ?? 0), 3000);
    await eventually(async () => (await tools.calls('gpioset')).at(-1)?.args.at(-1) === '17=0');
    expect(alarm.status()).toMatchObject({ warnings: [{ state: 'answered' }] });
    expect((await tools.calls('espeak-ng')).length).toBe(0);

    await alarm.close();
    const holders = (await tools.calls('gpioset')).filter((c) => c.args[0] !== '--version');
    expect(holders.map((c) => c.pid).filter(alive)).toEqual([]);
    const events = (await readFile(join(dir, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).event);
    expect(events).toEqual(['siren', 'stop']);
  });
});
