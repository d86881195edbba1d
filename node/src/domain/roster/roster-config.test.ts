import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { Problems, Section } from '../../config/reader.js';
import { SourcePositions } from '../../config/source-positions.js';
import { checkRosterConfig, parseRosterSection, ROSTER_SECTION_KEYS } from './roster-config.js';

const areas = { '430121': '长沙县', '430121101': '甲镇', '430121101201': '甲村', '430121101202': '乙村' };

describe('the roster section', () => {
  it('reads areas and people, area codes in either form, to the typed roster', () => {
    const { roster, problems } = checkRosterConfig({
      areas: { ...areas, '430121102000': '乙镇' },
      people: [
        { id: 1, name: '赵敏', phone: '0731-8400 0000', roles: ['duty-officer', 'admin'], areas: [430121] },
        { id: 3, name: ' 张伟 ', roles: ['info-officer'], areas: ['430121101201'] },
        {
          id: 12,
          name: '李娜',
          phone: '+86 139 0000 0012',
          roles: ['grid-member'],
          areas: [430121101202, '430121101'],
        },
      ],
    });
    expect(problems).toEqual([]);
    expect(roster.areas).toContainEqual({ code: 430121102, name: '乙镇' });
    expect(roster.people).toEqual([
      { id: 1, name: '赵敏', phone: '0731-8400 0000', roles: ['duty-officer', 'admin'], areas: [430121] },
      { id: 3, name: '张伟', roles: ['info-officer'], areas: [430121101201] },
      {
        id: 12,
        name: '李娜',
        phone: '+86 139 0000 0012',
        roles: ['grid-member'],
        areas: [430121101202, 430121101],
      },
    ]);
  });

  it('is empty when absent', () => {
    expect(checkRosterConfig(undefined)).toEqual({ roster: { areas: [], people: [] }, problems: [] });
  });

  it('reports every problem at once, each with its path', () => {
    const { problems } = checkRosterConfig({
      areas: { '430121': '长沙县', '43012': '错', '430121000000': '又一个', '430121101201': '' },
      people: [
        { id: 1, name: '赵敏', roles: ['duty-oficer'], areas: [430121] },
        { id: 1, name: '这个名字太长了这个名字太长了这个名字太长了', roles: [], areas: [430121999999] },
        {
          id: 70000,
          name: 'ok',
          phone: 13800000000,
          roles: ['admin', 'admin'],
          areas: [430121, '430121000000'],
        },
        { name: 'x\ty', roles: 'admin', areas: [] },
        {
          id: 5,
          name: '王强',
          roles: ['admin'],
          areas: [430121],
          pin: '123456',
          pin_hash: '$scrypt$…',
          nmae: 1,
        },
      ],
      extra: true,
    });
    expect(problems).toEqual([
      'roster.extra: unknown key',
      'roster.areas.43012: not an area code: 5 digits; an area code has 6 (county), 9 (township) or 12 (village)',
      'roster.areas.430121000000: the same area as 430121',
      'roster.areas.430121101201: expected text, found text ""',
      'roster.people[0].roles[0]: expected one of info-officer, grid-member, flood-responsible, village-committee, ' +
        'team-leader, duty-officer, admin, found text "duty-oficer" (did you mean duty-officer?)',
      'roster.people[1].name: 63 bytes of UTF-8; a name is at most 48 (16 Chinese characters), as a roster on air carries it',
      'roster.people[1].roles: at least one role',
      "roster.people[1].areas[0]: 430121999999 is not named in the roster's areas: add it there",
      'roster.people[2].id: expected a whole number from 1 to 65535, found 70000',
      'roster.people[2].phone: write it as text, in quotes ("13800000000"), so that no leading 0 or + is lost',
      'roster.people[2].roles[1]: admin is listed twice',
      'roster.people[2].areas[1]: 430121 is listed twice',
      'roster.people[3].id: required',
      'roster.people[3].name: no control characters (tabs, line breaks)',
      'roster.people[3].roles: expected a list, found text "admin"',
      'roster.people[3].areas: at least one area',
      'roster.people[4].nmae: unknown key (did you mean name?)',
      'roster.people[4].pin: PINs are never written here: an admin sets them on the node, which keeps only their hash (docs/domain-model.md §PINs)',
      'roster.people[4].pin_hash: PINs are never written here: an admin sets them on the node, which keeps only their hash (docs/domain-model.md §PINs)',
    ]);
  });

  it('refuses an id used twice, naming the first use', () => {
    const { problems } = checkRosterConfig({
      areas,
      people: [
        { id: 7, name: 'a', roles: ['admin'], areas: [430121] },
        { id: 7, name: 'b', roles: ['admin'], areas: [430121] },
      ],
    });
    expect(problems).toEqual(['roster.people[1].id: 7 is already the id of roster.people[0]']);
  });

  it('fits the configuration loader: problems carry the line and column of the file', () => {
    const text = [
      'node: { id: 1 }',
      'roster:',
      '  areas:',
      '    "430121": 长沙县',
      '  people:',
      '    - id: 1',
      '      name: 赵敏',
      '      roles: [admin]',
      '      areas: [430122]',
      '',
    ].join('\n');
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const problems = new Problems(new SourcePositions(doc, lines));
    const root = Section.of(problems, doc.toJS(), '', ['node', 'roster']);
    parseRosterSection(root.section('roster', ROSTER_SECTION_KEYS));
    expect(problems.list).toEqual([
      "9:15 roster.people[0].areas[0]: 430122 is not named in the roster's areas: add it there",
    ]);
  });
});
