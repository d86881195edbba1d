/**
 * Export (docs/cap.md §8 Export): every message exported here meets the OASIS CAP 1.2 schema, run
 * by xmllint, and the conditional rules; each test then checks what its case must get right.
 */
import { describe, expect, it } from 'vitest';
import { kitFailure, kitOutcome } from '../../../../test/kit-errors.js';
import { AreaDirectory } from '../../roster/area-directory.js';
import { exportCap } from './cap-export.js';
import { expectValidCap } from './test/expect-cap.js';
import {
  AREAS,
  CANCEL,
  CONTEXT,
  COUNTY,
  ISSUE,
  NO_OFFICE,
  REFERENCE_TIME,
  TOWNSHIPS,
  UPDATE,
  VILLAGE,
  warning,
} from './test/warnings.js';

const REFERENCED = { ...CONTEXT, referencedSentAt: REFERENCE_TIME };

describe('exporting a warning as CAP 1.2', () => {
  it('issues R2 as an Alert: identity, county time, Chinese then English, severity by colour', async () => {
    const xml = exportCap(ISSUE, CONTEXT);
    const alert = await expectValidCap(xml);
    expect(alert).toMatchObject({
      identifier: 'fieldnode-1-57',
      sender: 'yjj.changsha-county.example.cn',
      sent: '2026-07-14T03:20:00+08:00',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
    });
    expect(alert.references).toBeUndefined();
    expect(alert.addresses).toBeUndefined();
    expect(alert.infos.map((i) => i.language)).toEqual(['zh-CN', 'en']);
    const [zh, en] = alert.infos;
    expect(zh).toMatchObject({
      categories: ['Met'],
      event: '暴雨',
      urgency: 'Immediate',
      severity: 'Extreme',
      certainty: 'Likely',
      eventCodes: [{ valueName: 'CN-EventType', value: '11B03' }],
      effective: '2026-07-14T03:20:00+08:00',
      onset: '2026-07-14T03:20:00+08:00',
      expires: '2026-07-14T09:20:00+08:00',
      senderName: '某县气象台',
      headline: '某县气象台发布暴雨红色预警[I级/特别严重]',
      instruction: '危险区域人员立即转移',
      parameters: [
        { valueName: 'CN-WarningColor', value: 'Red' },
        { valueName: 'CN-WarningLevel', value: 'I' },
      ],
    });
    expect(zh?.areas).toEqual(
      TOWNSHIPS.map((code) => ({
        areaDesc: AREAS.name(code),
        polygons: [],
        circles: [],
        geocodes: [{ valueName: 'CPEAS Geographic Code', value: `${code}000` }],
      })),
    );
    expect(en).toMatchObject({
      event: 'rainstorm',
      severity: 'Extreme',
      headline: expect.stringContaining('red rainstorm warning issued (level I'),
    });
    // Severity is never the colour, the colour never the severity.
    expect(xml).not.toMatch(/<severity>(Red|红)/);
  });

  it('maps every colour to its severity and leaves out what a warning without colour or level lacks', async () => {
    const expected = {
      red: 'Extreme',
      orange: 'Severe',
      yellow: 'Moderate',
      blue: 'Minor',
      none: 'Unknown',
    } as const;
    for (const [colour, severity] of Object.entries(expected) as [keyof typeof expected, string][]) {
      const alert = await expectValidCap(
        exportCap(warning({ colour, level: colour === 'none' ? 0 : 3 }), CONTEXT),
      );
      expect(alert.infos[0]?.severity).toBe(severity);
      const names = alert.infos[0]?.parameters.map((p) => p.valueName);
      expect(names).toEqual(colour === 'none' ? [] : ['CN-WarningColor', 'CN-WarningLevel']);
    }
  });

  it('updates: Update, references the issue as sender,identifier,sent, orange level II', async () => {
    const alert = await expectValidCap(exportCap(UPDATE, REFERENCED));
    expect(alert.msgType).toBe('Update');
    expect(alert.identifier).toBe('fieldnode-1-61');
    expect(alert.sent).toBe('2026-07-14T05:20:00+08:00');
    expect(alert.references).toBe('yjj.changsha-county.example.cn,fieldnode-1-57,2026-07-14T03:20:00+08:00');
    expect(alert.infos[0]).toMatchObject({
      severity: 'Severe',
      headline: '某县气象台更新暴雨橙色预警[II级/严重]',
    });
    expect(alert.infos[0]?.parameters.map((p) => p.value)).toEqual(['Orange', 'II']);
  });

  it('cancels: Cancel with references, urgency Past, certainty Unlikely, headline 解除', async () => {
    const alert = await expectValidCap(exportCap(CANCEL, REFERENCED));
    expect(alert.msgType).toBe('Cancel');
    expect(alert.references).toBe('yjj.changsha-county.example.cn,fieldnode-1-57,2026-07-14T03:20:00+08:00');
    expect(alert.infos[0]).toMatchObject({
      urgency: 'Past',
      certainty: 'Unlikely',
      headline: '某县气象台解除暴雨红色预警[I级/特别严重]',
    });
  });

  it('marks a drill (the envelope exercise flag) Exercise, and a technical test Test', async () => {
    const drill = warning({}, { flags: ['exercise'] });
    expect((await expectValidCap(exportCap(drill, CONTEXT))).status).toBe('Exercise');
    expect((await expectValidCap(exportCap(ISSUE, { ...CONTEXT, test: true }))).status).toBe('Test');
    expect((await expectValidCap(exportCap(ISSUE, CONTEXT))).status).toBe('Actual');
  });

  it('writes a circle as its own area, latitude first, radius in km', async () => {
    const circle = { centre: { lat: 28.2282, lon: 112.9388 }, radiusM: 5500 };
    const alert = await expectValidCap(exportCap(warning({ areas: [], circle }), CONTEXT));
    expect(alert.infos[0]?.areas).toEqual([
      {
        areaDesc: '以28.2282,112.9388为中心半径5.5公里范围',
        polygons: [],
        circles: ['28.2282,112.9388 5.5'],
        geocodes: [],
      },
    ]);
    expect(alert.infos[1]?.areas[0]?.areaDesc).toBe('within 5.5 km of 28.2282,112.9388');
  });

  it('writes one area per code, any level, padded to 12 digits, named from the directory or by code', async () => {
    const unnamed = 430121104;
    const alert = await expectValidCap(exportCap(warning({ areas: [COUNTY, VILLAGE, unnamed] }), CONTEXT));
    expect(alert.infos[0]?.areas.map((a) => [a.areaDesc, a.geocodes[0]?.value])).toEqual([
      ['长沙县', '430121000000'],
      ['金鹰村', '430121101201'],
      ['行政区划430121104', '430121104000'],
    ]);
    expect(alert.infos[1]?.areas[2]?.areaDesc).toBe('area 430121104');
  });

  it('escapes what XML must escape, and the text comes back as it was', async () => {
    const instruction = '立即转移<到>"安全"区域 & \'高地\'；]]> 勿涉水';
    const senderName = 'A&B <气象台>';
    const named = warning({ instruction, senderName, areas: [TOWNSHIPS[0]] });
    const directory = new AreaDirectory([{ code: TOWNSHIPS[0], name: '星沙<街道>&"东"' }]);
    const xml = exportCap(named, { ...CONTEXT, areas: directory });
    expect(xml).toContain('立即转移&lt;到&gt;&quot;安全&quot;区域 &amp; &apos;高地&apos;；]]&gt; 勿涉水');
    const alert = await expectValidCap(xml);
    expect(alert.infos[0]?.instruction).toBe(instruction);
    expect(alert.infos[0]?.senderName).toBe(senderName);
    expect(alert.infos[0]?.headline).toBe('A&B <气象台>发布暴雨红色预警[I级/特别严重]');
    expect(alert.infos[0]?.areas[0]?.areaDesc).toBe('星沙<街道>&"东"');
  });

  it('replaces what XML 1.0 cannot hold at all, and keeps a carriage return', async () => {
    const alert = await expectValidCap(exportCap(warning({ instruction: 'a\u0007b\rc\ud800d' }), CONTEXT));
    expect(alert.infos[0]?.instruction).toBe('a\ufffdb\rc\ufffdd');
  });

  it('names the issuer when the warning names no office', async () => {
    const alert = await expectValidCap(exportCap(NO_OFFICE, CONTEXT));
    expect(alert.infos[0]?.senderName).toBe('长沙县应急管理局');
    expect(alert.infos[0]?.headline).toBe('长沙县应急管理局发布暴雨红色预警[I级/特别严重]');
  });

  it('gives a code outside the table its number as a name and category Other', async () => {
    const alert = await expectValidCap(exportCap(warning({ event: '11D01' }), CONTEXT));
    expect(alert.infos[0]).toMatchObject({
      categories: ['Other'],
      event: '事件11D01',
      eventCodes: [{ value: '11D01' }],
    });
  });

  it('is Private, with the addresses given, only when the caller names recipients', async () => {
    const alert = await expectValidCap(
      exportCap(ISSUE, { ...CONTEXT, addresses: ['city-eoc', 'partner centre'] }),
    );
    expect(alert.scope).toBe('Private');
    expect(alert.addresses).toBe('city-eoc "partner centre"');
    // Naming who must answer (roles) does not make a public warning private.
    expect(ISSUE.body.roles.length).toBeGreaterThan(0);
    expect((await expectValidCap(exportCap(ISSUE, CONTEXT))).scope).toBe('Public');
  });

  it('writes times on the county clock it is given, UTC as -00:00', async () => {
    const utc = await expectValidCap(exportCap(ISSUE, { ...CONTEXT, timeZone: 'UTC' }));
    expect(utc.sent).toBe('2026-07-13T19:20:00-00:00');
    const urumqi = await expectValidCap(exportCap(ISSUE, { ...CONTEXT, timeZone: 'Asia/Urumqi' }));
    expect(urumqi.sent).toBe('2026-07-14T01:20:00+06:00');
  });

  it('says urgency by how soon the warning begins', async () => {
    const at = (lead: number) =>
      warning({ onset: REFERENCE_TIME + lead, expires: REFERENCE_TIME + lead + 3600 });
    const urgency = async (lead: number) =>
      (await expectValidCap(exportCap(at(lead), CONTEXT))).infos[0]?.urgency;
    expect(await urgency(0)).toBe('Immediate');
    expect(await urgency(3600)).toBe('Expected');
    expect(await urgency(3601)).toBe('Future');
  });
});

describe('a warning that cannot be exported', () => {
  it('needs the issue’s sent time for an update or cancel', () => {
    expect(kitOutcome(() => exportCap(UPDATE, CONTEXT))).toMatch(
      /^CAP_EXPORT_INVALID: .*give referencedSentAt/,
    );
  });

  it('refuses a sender CAP forbids, with the rule broken', () => {
    expect(kitOutcome(() => exportCap(ISSUE, { ...CONTEXT, sender: 'county centre' }))).toMatch(
      /^CAP_EXPORT_INVALID: .*CAP_RULE \/alert\/sender: <sender> holds white space/s,
    );
  });

  it('refuses an area that is digits but no division', () => {
    expect(kitOutcome(() => exportCap(warning({ areas: [990101] }), CONTEXT))).toMatch(
      /^CAP_EXPORT_INVALID: .*area 990101/,
    );
  });

  it('refuses a body the wire itself refuses', () => {
    expect(kitOutcome(() => exportCap(warning({ expires: REFERENCE_TIME }), CONTEXT))).toMatch(
      /^CAP_EXPORT_INVALID: .*expire after its onset/,
    );
  });

  it('refuses to write more than receivers read', async () => {
    const areas = Array.from({ length: 64 }, (_, i) => 430121101001 + i);
    const long = new AreaDirectory(areas.map((code) => ({ code, name: '很长的村名'.repeat(60) })));
    const failure = await kitFailure(
      Promise.resolve().then(() => exportCap(warning({ areas }), { ...CONTEXT, areas: long })),
    );
    expect(failure.code).toBe('CAP_TOO_LARGE');
    expect(failure.message).toMatch(/over the 65536-byte limit/);
  });
});
