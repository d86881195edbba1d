/**
 * The import's mapping, field by field (docs/cap.md §3 The mapping, §6 Import): what is carried,
 * what is carried the documented way and noted, and what is refused with which code.
 */
import { describe, expect, it } from 'vitest';
import { capAlertOf } from './cap-export.js';
import type { CapAlert, CapInfo } from './cap-model.js';
import type { CapReference } from './cap-warning-draft.js';
import { writeCapXml } from './cap-xml-writer.js';
import { imported, refusalMessages, refusals } from './test/expect-cap.js';
import { CANCEL, CONTEXT, ISSUE, REFERENCE_TIME, UPDATE } from './test/warnings.js';

/** R2 as CAP, with `change` applied to the alert and to its Chinese info. */
function cap(change: (alert: CapAlert, zh: CapInfo) => void = () => {}, warning = ISSUE): string {
  const alert = capAlertOf(warning, { ...CONTEXT, referencedSentAt: REFERENCE_TIME });
  change(alert, alert.infos[0] as CapInfo);
  return writeCapXml(alert);
}
const param = (valueName: string, value: string) => ({ valueName, value });
const THREAD = {
  ref: { origin: 1, seq: 57 },
  warning: { event: '11B03', level: 1, colour: 'red' as const, areas: [430121101], senderName: '某县气象台' },
};
const knowsR2 = (r: CapReference) => (r.identifier === 'fieldnode-1-57' ? THREAD : undefined);

describe('what the import forwards', () => {
  it('forwards Actual and Exercise; refuses Test, System and Draft', () => {
    expect(
      imported(
        cap((a) => {
          a.status = 'Exercise';
        }),
      ).exercise,
    ).toBe(true);
    expect(imported(cap()).exercise).toBe(false);
    for (const status of ['Test', 'System', 'Draft'] as const)
      expect(
        refusals(
          cap((a) => {
            a.status = status;
          }),
        ),
      ).toEqual(['CAP_NOT_FORWARDED /alert/status']);
  });

  it('forwards Alert, Update and Cancel; refuses Ack and Error', () => {
    for (const msgType of ['Ack', 'Error'] as const)
      expect(
        refusals(
          cap((a) => {
            a.msgType = msgType;
            a.references = `x,y,${a.sent}`;
          }),
          { resolveReference: knowsR2 },
        ),
      ).toEqual(['CAP_NOT_FORWARDED /alert/msgType']);
  });

  it('forwards only Public warnings', () => {
    expect(
      refusals(
        cap((a) => {
          a.scope = 'Private';
          a.addresses = 'centre';
        }),
      ),
    ).toEqual(['CAP_NOT_FORWARDED /alert/scope']);
    expect(
      refusals(
        cap((a) => {
          a.scope = 'Restricted';
          a.restriction = 'staff';
        }),
      ),
    ).toEqual(['CAP_NOT_FORWARDED /alert/scope']);
  });

  it('refuses a warning that has expired, when told the time', () => {
    expect(imported(cap(), { now: ISSUE.body.expires - 1 }).body.event).toBe('11B03');
    expect(refusals(cap(), { now: ISSUE.body.expires })).toEqual([
      'CAP_NOT_FORWARDED /alert/info[1]/expires',
    ]);
  });
});

describe('threads', () => {
  it('puts an update into the thread the centre knows, and refuses one it does not', () => {
    expect(imported(cap(undefined, UPDATE), { resolveReference: knowsR2 }).body.references).toEqual({
      origin: 1,
      seq: 57,
    });
    expect(refusals(cap(undefined, UPDATE))).toEqual(['CAP_REFERENCE_UNKNOWN /alert/references']);
    expect(refusalMessages(cap(undefined, UPDATE))).toMatch(
      /about yjj.changsha-county.example.cn,fieldnode-1-57, which this centre never forwarded/,
    );
  });

  it('refuses references into two threads', () => {
    const twoThreads = (r: CapReference) => ({
      ...THREAD,
      ref: { origin: 1, seq: r.identifier === 'fieldnode-1-57' ? 57 : 58 },
    });
    const xml = cap((a) => {
      a.references = `${a.references} ${CONTEXT.sender},fieldnode-1-58,${a.sent}`;
    }, UPDATE);
    expect(refusals(xml, { resolveReference: twoThreads })).toEqual(['CAP_UNMAPPABLE /alert/references']);
  });

  it('fills a bare Cancel from the thread it cancels', () => {
    const bare = cap((a) => {
      a.infos = [];
    }, CANCEL);
    const draft = imported(bare, { resolveReference: knowsR2 });
    expect(draft.body).toEqual({
      action: 'cancel',
      event: '11B03',
      level: 1,
      colour: 'red',
      areas: [430121101],
      roles: [],
      onset: CANCEL.createdAt,
      expires: CANCEL.createdAt + 86_400,
      instruction: '',
      references: { origin: 1, seq: 57 },
      senderName: '某县气象台',
    });
    expect(
      refusals(
        cap((a) => {
          a.infos = [];
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert']);
  });

  it('notes the references of an Alert, which starts its own thread', () => {
    const draft = imported(
      cap((a) => {
        a.references = `x,y,${a.sent}`;
      }),
    );
    expect(draft.body.references).toBeUndefined();
    expect(draft.notes.map((n) => n.path)).toContain('/alert/references');
  });
});

describe('the event, colour and level', () => {
  it('reads the colour and level however a Chinese sender writes them', () => {
    const read = (colour: string, level: string) => {
      const b = imported(
        cap((_, zh) => {
          zh.parameters = [param('CN-WarningColor', colour), param('cn-warninglevel', level)];
        }),
      ).body;
      return [b.colour, b.level];
    };
    expect(read('Orange', 'II')).toEqual(['orange', 2]);
    expect(read('橙色', 'Ⅱ')).toEqual(['orange', 2]);
    expect(read('黄', 'III级')).toEqual(['yellow', 3]);
    expect(read('blue', '4')).toEqual(['blue', 4]);
  });

  it('refuses a colour or level it does not understand, or two of them', () => {
    expect(
      refusals(
        cap((_, zh) => {
          zh.parameters = [param('CN-WarningColor', 'Purple')];
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]/parameter']);
    expect(
      refusals(
        cap((_, zh) => {
          zh.parameters = [param('CN-WarningLevel', 'V')];
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]/parameter']);
    expect(
      refusals(
        cap((_, zh) => {
          zh.parameters.push(param('CN-WarningColor', 'Blue'));
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]/parameter']);
  });

  it('keeps the colour when the severity disagrees, and says so', () => {
    const draft = imported(
      cap((_, zh) => {
        zh.severity = 'Minor';
      }),
    );
    expect(draft.body.colour).toBe('red');
    expect(draft.notes.find((n) => n.path === '/alert/info[1]/severity')?.message).toMatch(
      /severity Minor does not match colour red/,
    );
  });

  it('never takes the colour from the severity', () => {
    const draft = imported(
      cap((_, zh) => {
        zh.parameters = [];
      }),
    );
    expect([draft.body.colour, draft.body.level]).toEqual(['none', 0]);
  });

  it('reads an event code under either name, and refuses a malformed or a second one', () => {
    expect(
      imported(
        cap((_, zh) => {
          zh.eventCodes = [param('GB/T 35561', '11B06')];
        }),
      ).body.event,
    ).toBe('11B06');
    expect(
      refusals(
        cap((_, zh) => {
          zh.eventCodes = [param('CN-EventType', '暴雨')];
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]/eventCode']);
    expect(
      refusals(
        cap((_, zh) => {
          zh.eventCodes.push(param('CN-EventType', '11B06'));
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]/eventCode']);
  });

  it('carries weather without a code as 11B99 with its name, and refuses anything else without one', () => {
    const draft = imported(
      cap((_, zh) => {
        zh.eventCodes = [];
        zh.event = '  冻雨\n ';
      }),
    );
    expect(draft.body).toMatchObject({ event: '11B99', instruction: '冻雨: 危险区域人员立即转移' });
    expect(
      refusals(
        cap((_, zh) => {
          zh.eventCodes = [];
          zh.categories = ['Geo'];
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]/event']);
  });
});

describe('times and text', () => {
  it('takes the onset from onset, else effective, else sent; a missing expiry is a day after', () => {
    const at = (change: (zh: CapInfo) => void) => imported(cap((_, zh) => change(zh))).body;
    expect(
      at((zh) => {
        zh.onset = '2026-07-14T04:00:00+08:00';
      }).onset,
    ).toBe(REFERENCE_TIME + 2400);
    expect(
      at((zh) => {
        delete zh.onset;
        zh.effective = '2026-07-14T03:30:00+08:00';
      }).onset,
    ).toBe(REFERENCE_TIME + 600);
    const bare = at((zh) => {
      delete zh.onset;
      delete zh.effective;
      delete zh.expires;
    });
    expect([bare.onset, bare.expires]).toEqual([REFERENCE_TIME, REFERENCE_TIME + 86_400]);
    expect(
      imported(
        cap((_, zh) => {
          delete zh.expires;
        }),
        { missingExpiresS: 3600 },
      ).body.expires,
    ).toBe(REFERENCE_TIME + 3600);
  });

  it('refuses a warning that ends before it begins', () => {
    expect(
      refusals(
        cap((_, zh) => {
          zh.expires = zh.onset as string;
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]/expires']);
  });

  it('drops the indentation of pretty-printed text and cuts what is too long, noting it', () => {
    const long = '转移'.repeat(60);
    const draft = imported(
      cap((_, zh) => {
        zh.instruction = `\n      第一行  \n      ${long}\n    `;
        zh.senderName = ` 某县\n   气象台${'台'.repeat(30)} `;
      }),
    );
    expect(draft.body.instruction.startsWith('第一行\n转移')).toBe(true);
    expect(draft.body.instruction.endsWith('…')).toBe(true);
    expect(new TextEncoder().encode(draft.body.instruction).length).toBeLessThanOrEqual(300);
    expect(draft.body.senderName?.startsWith('某县 气象台台')).toBe(true);
    expect(new TextEncoder().encode(draft.body.senderName).length).toBeLessThanOrEqual(64);
    expect(draft.notes.map((n) => n.path)).toEqual(
      expect.arrayContaining(['/alert/info[1]/instruction', '/alert/info[1]/senderName']),
    );
  });
});

describe('areas', () => {
  it('reads codes in either form under each accepted name, once each', () => {
    const draft = imported(
      cap((_, zh) => {
        zh.areas = [
          {
            areaDesc: 'a',
            polygons: [],
            circles: [],
            geocodes: [param('GB/T 2260', '430121'), param('gb/t 10114', '430121101201')],
          },
          {
            areaDesc: 'b',
            polygons: [],
            circles: [],
            geocodes: [param('CPEAS Geographic Code', '430121000000'), param('FIPS', '06037')],
          },
        ];
      }),
    );
    expect(draft.body.areas).toEqual([430121, 430121101201]);
    expect(draft.notes.map((n) => n.message)).toContain(
      'geocode FIPS 06037 not carried: the wire names areas by administrative division code only',
    );
  });

  it('refuses a code that names no division, and more than 64 codes', () => {
    expect(
      refusals(
        cap((_, zh) => {
          zh.areas = [{ areaDesc: 'x', polygons: [], circles: [], geocodes: [param('GB/T 2260', '990000')] }];
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]/area[1]/geocode[1]']);
    const many = Array.from({ length: 65 }, (_, i) => ({
      areaDesc: 'x',
      polygons: [],
      circles: [],
      geocodes: [param('GB/T 2260', String(430121101001 + i))],
    }));
    expect(
      refusals(
        cap((_, zh) => {
          zh.areas = many;
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]']);
  });

  it('makes one circle enclose several shapes, and refuses one the wire cannot hold', () => {
    const shapes = (circles: string[], polygons: string[] = []) =>
      cap((_, zh) => {
        zh.areas = [{ areaDesc: 'x', polygons, circles, geocodes: [] }];
      });
    const draft = imported(shapes(['28,113 1', '28.1,113 2']));
    expect(draft.body.circle?.centre).toEqual({ lat: 28.05, lon: 113 });
    expect(draft.body.circle?.radiusM).toBeGreaterThanOrEqual(7560);
    expect(draft.body.circle?.radiusM).toBeLessThan(7600);
    expect(refusals(shapes(['20,100 0', '30,120 0']))).toEqual(['CAP_UNMAPPABLE /alert/info[1]']);
    expect(refusals(shapes(['28,113 1000.001']))).toEqual(['CAP_UNMAPPABLE /alert/info[1]']);
  });

  it('refuses a warning with no area the wire can carry', () => {
    expect(
      refusals(
        cap((_, zh) => {
          zh.areas = [{ areaDesc: '某地', polygons: [], circles: [], geocodes: [] }];
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert/info[1]']);
  });
});

describe('several infos', () => {
  it('carries the Chinese one, whatever its place, and notes the others', () => {
    const draft = imported(
      cap((a) => {
        a.infos.reverse();
      }),
    );
    expect(draft.body.event).toBe('11B03');
    expect(draft.notes.map((n) => n.message)).toContain(
      '<info> in en not carried: the wire carries one language',
    );
  });

  it('refuses two in one language: they are two warnings', () => {
    expect(
      refusals(
        cap((a, zh) => {
          a.infos = [zh, { ...zh }];
        }),
      ),
    ).toEqual(['CAP_UNMAPPABLE /alert']);
  });
});
