import { describe, expect, it } from 'vitest';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import { CountyTime } from '../county-time.js';
import { addVersion, withStartedAt } from './incident-chain.js';
import { R1_AT, r1Incident, reportMessage, version } from './incident-fixtures.js';
import { QUICK_REPORT_HEADERS, quickReportCsv } from './quick-report-csv.js';
import { reportRules, DEFAULT_REPORT_RULES as rules } from './report-rules.js';
import { parseCsv } from './test/csv-reader.js';

const china = new CountyTime();
const HOUR = 3_600_000;
const column = (name: string) => QUICK_REPORT_HEADERS.indexOf(name);

describe('the quick-report CSV', () => {
  const incident = withStartedAt(
    r1Incident(
      reportMessage(310, R1_AT + 5 * HOUR, {
        indicators: { affected: 1300, cropsLostHa: 12.5 },
        note: '=1+1 山洪再起, "二次" 来袭\r\n下游转移',
        asOf: china.parse('2026-07-14 08:00') / 1000,
      }),
    ),
    china.parse('2026-07-14 02:00'),
  );

  it('has the form columns with units, in Chinese', () => {
    const [header] = parseCsv(quickReportCsv([incident], rules));
    expect(header).toEqual(QUICK_REPORT_HEADERS);
    expect(header?.slice(0, 4)).toEqual(['灾害过程编号', '版本', '报告阶段', '演练']);
    expect(header).toContain('受灾人口(人)');
    expect(header).toContain('紧急转移安置人口(累计)(人)');
    expect(header).toContain('紧急转移安置人口(实时)(人)');
    expect(header).toContain('倒塌房屋(户)');
    expect(header).toContain('直接经济损失(万元)');
  });

  it('writes one row per incident with its standing figures, times on the county clock', () => {
    const rows = parseCsv(quickReportCsv([incident], rules));
    expect(rows).toHaveLength(2);
    const row = rows[1] as string[];
    expect(row[column('灾害过程编号')]).toBe('2107/305');
    expect(row[column('版本')]).toBe('2');
    expect(row[column('报告阶段')]).toBe('续报');
    expect(row[column('灾种')]).toBe('洪涝/山洪');
    expect(row[column('行政区划代码')]).toBe('430121101201');
    expect(row[column('乡镇代码')]).toBe('430121101');
    expect(row[column('报送时间')]).toBe('2026-07-14T08:20:00+08:00');
    expect(row[column('数据截至时间')]).toBe('2026-07-14T08:00:00+08:00');
    expect(row[column('灾害发生时间')]).toBe('2026-07-14T02:00:00+08:00');
    expect(row[column('受灾人口(人)')]).toBe('1300');
    expect(row[column('因灾死亡人口(人)')]).toBe('2');
    expect(row[column('农作物绝收面积(公顷)')]).toBe('12.5');
    expect(row[column('直接经济损失(万元)')]).toBe('');
  });

  it('keeps commas, quotes and line breaks of a note, and defuses a formula', () => {
    const row = parseCsv(quickReportCsv([incident], rules))[1] as string[];
    expect(row[column('情况说明')]).toBe('\'=1+1 山洪再起, "二次" 来袭\r\n下游转移');
  });

  it('writes every version when asked, with the figures after each', () => {
    const rows = parseCsv(quickReportCsv([incident], rules, { rows: 'versions' }));
    expect(
      rows.slice(1).map((r) => [r[column('版本')], r[column('报告阶段')], r[column('受灾人口(人)')]]),
    ).toEqual([
      ['1', '初报', '1250'],
      ['2', '续报', '1300'],
    ]);
    const first = rows[1] as string[];
    expect(first[column('四断情况')]).toBe('断路、断电');
    expect(first[column('急需')]).toBe('饮用水、住所、医疗');
    expect(first[column('纬度')]).toBe('28.2282');
    expect(first[column('经度')]).toBe('112.9388');
    expect(first[column('报告人')]).toBe('1');
  });

  it('names reporters when told their names, and writes times in the configured zone', () => {
    const london = reportRules({ timeZone: 'Europe/London' });
    const row = parseCsv(quickReportCsv([incident], london, { reporterName: () => '张三' }))[1] as string[];
    expect(row[column('报送时间')]).toBe('2026-07-14T01:20:00+01:00');
    const named = parseCsv(
      quickReportCsv([r1Incident()], rules, { reporterName: () => '张三' }),
    )[1] as string[];
    expect(named[column('报告人')]).toBe('张三');
  });

  it('leaves drills out unless asked for them', () => {
    const drill = addVersion(undefined, version({ ...R1, seq: 700, flags: ['exercise'] })).incident;
    expect(parseCsv(quickReportCsv([incident, drill], rules))).toHaveLength(2);
    const drills = parseCsv(quickReportCsv([incident, drill], rules, { exercise: true }));
    expect(drills.map((r) => r[column('演练')])).toEqual(['演练', '是']);
  });
});
