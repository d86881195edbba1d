/**
 * The alarm at the kit decides when to sound, which pattern and when to stop (docs/warnings.md
 * §The alarm at the kit), on a stepping clock, driving the real recorded sounder: red and orange
 * until a person here answers, cancel, supersede and expiry stop it, yellow and blue chime once,
 * the centre's re-alarm sounds again, a drill has its own pattern and says so, the most urgent
 * sounds first.
 */
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/recording-logger.js';
import { type Logger, silentLogger } from '../../../base/logger.js';
import { SteppingClock } from '../../../link/clock.js';
import { RecordedSounder } from '../../../sounders/recorded-sounder.js';
import { AlarmController } from './alarm-controller.js';
import { CENTRE, followUp, INSTRUCTION, kitWarning, T0 } from './alarm-fixtures.js';
import type { Sounder } from './sounder.js';

const S = 1000;
const MIN = 60 * S;

function rig(o: { extra?: Sounder[]; log?: Logger } = {}) {
  const clock = new SteppingClock(T0);
  const recorded = new RecordedSounder({ now: () => clock.now(), log: silentLogger });
  const alarm = new AlarmController({
    sounders: [recorded, ...(o.extra ?? [])],
    clock,
    log: o.log ?? silentLogger,
  });
  /** The events from `since` (ms after T0) on, as "ms event detail". */
  const heard = (since = 0) =>
    recorded.events
      .filter((e) => e.at - T0 >= since)
      .map((e) =>
        e.event === 'siren'
          ? `${e.at - T0} siren ${e.pattern} ${e.ms}`
          : e.event === 'speak'
            ? `${e.at - T0} speak${e.drill ? ' drill' : ''}`
            : `${e.at - T0} stop`,
      );
  const sirens = (since = 0) => heard(since).filter((line) => line.includes(' siren '));
  const spoken = () => recorded.events.flatMap((e) => (e.event === 'speak' ? [e.zh] : []));
  return { clock, recorded, alarm, heard, sirens, spoken };
}

describe('a red or orange warning', () => {
  it.each([
    ['red', 1],
    ['orange', 2],
  ] as const)(
    '%s sounds in cycles (siren 8 s, the headline, 4 s of silence) until a person here answers',
    async (colour, level) => {
      const { clock, alarm, heard, spoken } = rig();
      alarm.warning(kitWarning({ body: { colour, level } }));
      await clock.run(30 * S);
      expect(heard()).toEqual([
        `0 siren ${colour} 8000`,
        '8000 speak',
        `12000 siren ${colour} 8000`,
        '20000 speak',
        `24000 siren ${colour} 8000`,
      ]);
      // The first cycle says what to do; later ones the headline alone, and how to stop it.
      const [first, second] = spoken();
      expect(first).toContain(INSTRUCTION);
      expect(second).not.toContain(INSTRUCTION);
      expect(second).toContain(
        colour === 'red' ? '暴雨红色预警，一级，特别严重' : '暴雨橙色预警，二级，严重',
      );
      expect(second).toContain('请责任人到应急点确认收到');

      alarm.answered({ warning: { origin: CENTRE, seq: 10 }, person: 11 });
      await clock.run(10 * MIN);
      // Stopped mid-siren, at once, and nothing after.
      expect(heard(30 * S)).toEqual(['30000 stop']);
      expect(alarm.status().warnings[0]).toMatchObject({ state: 'answered', answered: [11] });
    },
  );

  it('keeps sounding for an hour when nobody answers, one cycle every 12 s', async () => {
    const { clock, alarm, sirens } = rig();
    alarm.warning(kitWarning());
    await clock.run(60 * MIN);
    // At 0 and every 12 s up to the hour itself.
    expect(sirens()).toHaveLength(301);
    expect(sirens().at(-1)).toBe('3600000 siren red 8000');
    expect(alarm.status().sounding).toEqual({ warning: '1/10', pattern: 'red', drill: false });
  });

  it('stops when the warning is cancelled, and sounds the all-clear once', async () => {
    const { clock, alarm, heard, spoken } = rig();
    alarm.warning(kitWarning());
    await clock.run(15 * S);
    alarm.warning(followUp('cancel', 12));
    await clock.run(10 * MIN);
    expect(heard(15 * S)).toEqual(['15000 stop', '15000 siren all-clear 2000', '17000 speak']);
    expect(spoken().at(-1)).toMatch(/^某县气象台解除暴雨红色预警，一级，特别严重。/);
    expect(alarm.status().warnings).toEqual([]);
  });

  it('stops when the warning expires, and never sounds one that arrives expired', async () => {
    const { clock, alarm, heard } = rig();
    alarm.warning(kitWarning({ body: { expires: (T0 + 20 * S) / 1000 } }));
    await clock.run(10 * MIN);
    expect(heard()).toEqual(['0 siren red 8000', '8000 speak', '12000 siren red 8000', '20000 stop']);
    expect(alarm.status().warnings).toEqual([]);

    const t = clock.now() - T0;
    alarm.warning(kitWarning({ seq: 20, body: { expires: (T0 + 5 * MIN) / 1000 } }));
    await clock.run(MIN);
    expect(heard(t)).toEqual([]);
  });

  it('stops when an update supersedes it, and sounds the update by its own colour', async () => {
    const { clock, alarm, heard } = rig();
    alarm.warning(kitWarning());
    await clock.run(10 * S);
    alarm.warning(followUp('update', 11, { body: { colour: 'yellow', level: 3 } }));
    await clock.run(10 * MIN);
    expect(heard(10 * S)).toEqual(['10000 stop', '10000 siren yellow 1280', '11280 speak']);
    expect(alarm.status().warnings).toMatchObject([{ warning: '1/11', state: 'chimed' }]);
  });

  it('takes an answer to the issue as an answer here after an update, but not one to another warning', async () => {
    const { clock, alarm, sirens } = rig();
    alarm.warning(kitWarning());
    alarm.warning(followUp('update', 11));
    await clock.run(5 * S);
    alarm.answered({ warning: '1/99', person: 11 });
    await clock.run(20 * S);
    expect(sirens(5 * S)).not.toEqual([]);
    alarm.answered({ warning: '1/10', person: 11 });
    await clock.run(MIN);
    expect(sirens(26 * S)).toEqual([]);
  });

  it('does not sound again after a restart when a person here answered it before', async () => {
    const { clock, alarm, heard } = rig();
    alarm.warning(kitWarning({ answered: [12] }));
    await clock.run(MIN);
    expect(heard()).toEqual([]);
    expect(alarm.status().warnings).toMatchObject([{ state: 'answered', answered: [12] }]);
  });

  it('sounds a warning without a colour by its level: I repeats, III chimes', async () => {
    const { clock, alarm, sirens } = rig();
    alarm.warning(kitWarning({ body: { colour: 'none', level: 1 } }));
    await clock.run(30 * S);
    expect(sirens()).toEqual(['0 siren red 8000', '12000 siren red 8000', '24000 siren red 8000']);
    const other = rig();
    other.alarm.warning(kitWarning({ body: { colour: 'none', level: 3 } }));
    await other.clock.run(MIN);
    expect(other.sirens()).toEqual(['0 siren yellow 1280']);
  });
});

describe('a yellow or blue warning', () => {
  it.each([
    ['yellow', 3, 1280],
    ['blue', 4, 1000],
  ] as const)('%s chimes once with its headline and never again', async (colour, level, ms) => {
    const { clock, alarm, heard, spoken } = rig();
    alarm.warning(kitWarning({ body: { colour, level } }));
    await clock.run(30 * MIN);
    expect(heard()).toEqual([`0 siren ${colour} ${ms}`, `${ms} speak`]);
    expect(spoken()[0]).toContain(INSTRUCTION);
    expect(spoken()[0]).not.toContain('确认收到');
  });
});

describe("the centre's re-alarm", () => {
  it('sounds an answered red warning again, announced as such, until a person answers again', async () => {
    const { clock, alarm, sirens, spoken } = rig();
    alarm.warning(kitWarning());
    await clock.run(5 * S);
    alarm.answered({ warning: { origin: CENTRE, seq: 10 }, person: 12 });
    await clock.run(5 * MIN);
    alarm.realarm({ warning: '1/10', persons: [11] });
    await clock.run(30 * S);
    expect(sirens(10 * S).length).toBe(3);
    expect(spoken().at(-1)).toMatch(/^再次提醒！/);
    alarm.answered({ warning: { origin: CENTRE, seq: 10 }, person: 11 });
    const t = clock.now() - T0;
    await clock.run(10 * MIN);
    expect(sirens(t)).toEqual([]);
  });

  it('chimes a yellow warning once more', async () => {
    const { clock, alarm, sirens } = rig();
    alarm.warning(kitWarning({ body: { colour: 'yellow', level: 3 } }));
    await clock.run(5 * MIN);
    alarm.realarm({ warning: '1/10', persons: [11] });
    await clock.run(5 * MIN);
    expect(sirens()).toEqual(['0 siren yellow 1280', '300000 siren yellow 1280']);
  });

  it('is not sounded for persons who all answered here already, nor for a superseded or unknown warning', async () => {
    const { log, lines } = recordingLogger();
    const { clock, alarm, sirens } = rig({ log });
    alarm.warning(kitWarning());
    alarm.answered({ warning: '1/10', person: 11 });
    alarm.realarm({ warning: '1/10', persons: [11] });
    alarm.realarm({ warning: '1/77', persons: [11] });
    await clock.run(MIN);
    alarm.warning(followUp('update', 11, { answered: [12] }));
    alarm.realarm({ warning: '1/10', persons: [11] });
    await clock.run(MIN);
    expect(sirens()).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'alarm: re-alarm of 1/10 not sounded: answered-here',
        'alarm: re-alarm of 1/77, a warning not current here; nothing to sound',
        'alarm: re-alarm of 1/10 not sounded: superseded',
      ]),
    );
  });
});

describe('a drill', () => {
  it('sounds the drill pattern, never the siren, and is announced as a drill before and after', async () => {
    const { clock, alarm, heard, spoken } = rig();
    alarm.warning(kitWarning({ drill: true }));
    await clock.run(15 * S);
    expect(heard()).toEqual(['0 siren drill 8000', '8000 speak drill', '12000 siren drill 8000']);
    expect(spoken()[0]).toMatch(/^演练！演练！某县气象台发布暴雨红色预警.*这是演练，不是真实预警。$/);
    alarm.answered({ warning: '1/10', person: 11 });
    await clock.run(MIN);
    expect(heard(15 * S)).toEqual(['15000 stop']);
  });

  it('gives way to any real warning, even a yellow one, and resumes after it', async () => {
    const { clock, alarm, heard } = rig();
    alarm.warning(kitWarning({ drill: true }));
    await clock.run(2 * S);
    alarm.warning(kitWarning({ seq: 20, body: { colour: 'yellow', level: 3, issuer: 4 } }));
    await clock.run(20 * S);
    expect(heard()).toEqual([
      '0 siren drill 8000',
      '2000 stop',
      '2000 siren yellow 1280',
      '3280 speak',
      '3280 siren drill 8000',
      '11280 speak drill',
      '15280 siren drill 8000',
    ]);
  });
});

describe('several warnings at once', () => {
  it('a red one interrupts an orange one at once; the orange resumes once the red is answered', async () => {
    const { clock, alarm, heard } = rig();
    alarm.warning(kitWarning({ body: { colour: 'orange', level: 2 } }));
    await clock.run(3 * S);
    alarm.warning(kitWarning({ seq: 20, body: { issuer: 4 } }));
    await clock.run(10 * S);
    alarm.answered({ warning: '1/20', person: 11 });
    await clock.run(10 * S);
    expect(heard()).toEqual([
      '0 siren orange 8000',
      '3000 stop',
      '3000 siren red 8000',
      '11000 speak',
      '13000 stop',
      '13000 siren orange 8000',
      '21000 speak',
    ]);
  });

  it('two red ones take turns, a cycle each, so both headlines are heard', async () => {
    const { clock, alarm, recorded } = rig();
    alarm.warning(kitWarning({ body: { event: '11B03' } }));
    alarm.warning(kitWarning({ seq: 20, body: { issuer: 4, event: '11B37' } }));
    await clock.run(40 * S);
    const events = recorded.events.flatMap((e) =>
      e.event === 'speak' ? [e.zh.includes('暴雨') ? 'rainstorm' : 'geological'] : [],
    );
    expect(events).toEqual(['rainstorm', 'geological', 'rainstorm']);
  });

  it('a yellow chime waits for the red to be answered, then chimes', async () => {
    const { clock, alarm, sirens } = rig();
    alarm.warning(kitWarning());
    alarm.warning(kitWarning({ seq: 20, body: { issuer: 4, colour: 'yellow', level: 3 } }));
    await clock.run(20 * S);
    alarm.answered({ warning: '1/10', person: 11 });
    await clock.run(MIN);
    expect(sirens()).toEqual(['0 siren red 8000', '12000 siren red 8000', '20000 siren yellow 1280']);
  });
});

describe('sounders', () => {
  it('a hung sounder is stopped once its siren has run 5 s over, logged once, and the others go on', async () => {
    const { log, lines } = recordingLogger();
    const stops: number[] = [];
    let clockRef: SteppingClock | undefined;
    const hung: Sounder = {
      kind: 'hung',
      start: async () => {},
      siren: () => new Promise<void>(() => {}),
      speak: async () => {},
      stop: async () => {
        stops.push((clockRef?.now() ?? 0) - T0);
      },
      close: async () => {},
    };
    const { clock, alarm, heard } = rig({ extra: [hung], log });
    clockRef = clock;
    alarm.warning(kitWarning());
    await clock.run(40 * S);
    expect(heard()).toEqual([
      '0 siren red 8000',
      '13000 speak',
      '17000 siren red 8000',
      '30000 speak',
      '34000 siren red 8000',
    ]);
    expect(stops).toEqual([13_000, 30_000]);
    expect(lines.filter((l) => l.msg.includes('did not finish its siren'))).toHaveLength(1);
  });

  it('are started with the alarm and closed with it; nothing sounds after close', async () => {
    const { clock, alarm, recorded, sirens } = rig();
    await alarm.start();
    alarm.warning(kitWarning());
    await clock.run(S);
    await alarm.close();
    alarm.warning(kitWarning({ seq: 20, body: { issuer: 4 } }));
    await clock.run(MIN);
    expect(sirens()).toEqual(['0 siren red 8000']);
    expect(recorded.events.at(-1)?.event).toBe('stop');
  });
});
