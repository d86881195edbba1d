import { expect, it } from 'vitest';
import { silentLogger } from '../../../base/logger.js';
import { RecordedSounder } from '../../../sounders/recorded-sounder.js';
import { CentreAlarm } from './centre-alarm.js';

it('sounds each new 未叫应 once, saying who and where, and says several arriving together at once', async () => {
  const sounder = new RecordedSounder({ log: silentLogger });
  const alarm = new CentreAlarm({ sounders: [sounder], log: silentLogger });
  await alarm.start();
  alarm.unanswered({ who: '甲一村责任人', where: '甲一村', drill: false });
  alarm.unanswered({ who: '甲二村责任人', where: '甲二村', drill: false });
  alarm.unanswered({ who: '乙一村责任人', where: '乙一村', drill: false });
  await alarm.settled();
  const said = sounder.events.filter((e) => e.event === 'speak').map((e) => (e as { zh: string }).zh);
  const sirens = sounder.events.filter((e) => e.event === 'siren');
  // The first at once; the two that came while it sounded, together in the next.
  expect(said).toEqual([
    '未叫应：甲一村甲一村责任人，已报上级。',
    '未叫应：甲二村甲二村责任人、乙一村乙一村责任人，已报上级。',
  ]);
  expect(sirens.map((e) => (e as { pattern: string }).pattern)).toEqual(['orange', 'orange']);
  expect(alarm.announced).toBe(2);
  await alarm.close();
});

it("a drill's silence is announced as a drill, with the drill's own pattern", async () => {
  const sounder = new RecordedSounder({ log: silentLogger });
  const alarm = new CentreAlarm({ sounders: [sounder], log: silentLogger });
  alarm.unanswered({ who: '#13', where: '甲二村', drill: true });
  await alarm.settled();
  const speak = sounder.events.find((e) => e.event === 'speak') as { zh: string; drill: boolean };
  expect(speak.zh.startsWith('演练！')).toBe(true);
  expect(speak.drill).toBe(true);
  expect((sounder.events.find((e) => e.event === 'siren') as { pattern: string }).pattern).toBe('drill');
  await alarm.close();
  alarm.unanswered({ who: '#13', where: '甲二村', drill: true });
  expect(alarm.announced).toBe(1);
});
