/**
 * The handover file (kit-handover.ts; docs/kits.md §Open items): written and read back whole, with
 * the open requests, tasks, shelter counts and hazards beside the incidents, every way it can be wrong named
 * with its line, a message of one kind never taken as another's, and any text at all read with
 * nothing but a KitError (fast-check: the file comes from a USB stick).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitOutcome, mutatedBytes, onlyKitErrors } from '../../../test/kit-errors.js';
import { Z1, Z2 } from '../../wire/fixtures/hazard-messages.js';
import { Q1, Q2 } from '../../wire/fixtures/request-messages.js';
import { S1 } from '../../wire/fixtures/shelter-messages.js';
import { T1 } from '../../wire/fixtures/team-messages.js';
import { encodeMessage, type Message } from '../../wire/message.js';
import { R1_AT, r1Incident, reportMessage } from '../reports/incident-fixtures.js';
import { type Handover, handoverText, parseHandover } from './kit-handover.js';

const incident = {
  ...r1Incident(reportMessage(306, R1_AT + 3600_000, { indicators: { affected: 1300 } })),
  node: 2111,
};
const handover: Handover = {
  from: 2107,
  to: 2111,
  area: 430121101201,
  madeAt: R1_AT + 86_400_000,
  incidents: [incident],
};

const frameOf = (m: Message) => Buffer.from(encodeMessage(m, { scheme: 'none' })).toString('hex');
/**
 * The same handover with a request and its reply (one refused), a task, a shelter's last count and
 * a hazard with the centre's verification.
 */
const full: Handover = {
  ...handover,
  requests: [
    { at: R1_AT + 3600_000, frame: frameOf(Q1) },
    { at: R1_AT + 5400_000, frame: frameOf(Q2), refused: 'for the test' },
  ],
  tasks: [{ at: R1_AT + 7200_000, frame: frameOf(T1) }],
  rollcalls: [{ at: R1_AT + 9000_000, frame: frameOf(S1) }],
  hazards: [
    { at: R1_AT + 9600_000, frame: frameOf(Z1) },
    { at: R1_AT + 10_800_000, frame: frameOf(Z2) },
  ],
};

describe('the handover file', () => {
  it('reads back what was written', () => {
    const text = handoverText(handover);
    expect(text.split('\n')[0]).toBe(
      `{"format":"fieldnode-handover","version":1,"from":2107,"to":2111,"area":430121101201,"madeAt":${handover.madeAt},"incidents":1}`,
    );
    expect(parseHandover(text, 'h.jsonl')).toEqual(handover);
    expect(parseHandover(handoverText({ ...handover, incidents: [] }), 'h')).toEqual({
      ...handover,
      incidents: [],
    });
  });

  it('reads back the open requests, tasks, shelter counts and hazards, each line tagged with what it is for', () => {
    const text = handoverText(full);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      incidents: 1,
      requests: 2,
      tasks: 1,
      rollcalls: 1,
      hazards: 2,
    });
    expect(lines.slice(2).map((l) => JSON.parse(l).t)).toEqual([
      'request',
      'request',
      'task',
      'rollcall',
      'hazard',
      'hazard',
    ]);
    expect(parseHandover(text, 'h')).toEqual(full);
    // A file written before these were carried has no counts for them, and reads as it did.
    const old = `${text.split('\n')[0]?.replace(/,"requests":2,"tasks":1,"rollcalls":1,"hazards":2/, '')}\n${lines[1]}\n`;
    expect(parseHandover(old, 'h')).toEqual(handover);
    // Nor does one written before hazards were carried, with the other open items.
    const { hazards: _, ...before } = full;
    expect(parseHandover(handoverText(before), 'h')).toEqual(before);
    expect(handoverText(before)).not.toMatch(/"t":"hazard"|"hazards"/);
  });

  it('never takes a message of one kind for another’s, nor a frame that does not decode', () => {
    const text = handoverText(full);
    const lines = text.trim().split('\n');
    // The task's frame under a request's tag: a kit would put a task into its request book.
    const swapped = [
      ...lines.slice(0, 4),
      lines[4]?.replace('"t":"task"', '"t":"request"'),
      ...lines.slice(5),
    ];
    const head = (lines[0] as string).replace('"requests":2,"tasks":1', '"requests":3,"tasks":0');
    expect(kitOutcome(() => parseHandover([head, ...swapped.slice(1)].join('\n'), 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:5: frame: a request line holds a task',
    );
    const cut = lines.map((l, i) =>
      i === 3 ? l.replace(/"frame":"([0-9a-f]{8})[0-9a-f]*"/, '"frame":"$1"') : l,
    );
    expect(kitOutcome(() => parseHandover(cut.join('\n'), 'h'))).toMatch(
      /^KIT_HANDOVER_INVALID: h:4: frame: /,
    );
    // A hazard line must hold a hazard: not a roll-call, not an incident's report.
    expect(kitOutcome(() => parseHandover(text.replace('"t":"rollcall"', '"t":"hazard"'), 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:6: frame: a hazard line holds a rollcall',
    );
    const report = frameOf(reportMessage(307, R1_AT + 7200_000, {}));
    const withReport = lines.map((l, i) =>
      i === 7 ? l.replace(/"frame":"[0-9a-f]*"/, `"frame":"${report}"`) : l,
    );
    expect(kitOutcome(() => parseHandover(withReport.join('\n'), 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:8: frame: a hazard line holds a report',
    );
    // And a hazard's frame under another tag is refused as well.
    const hazardAsTask = lines.map((l, i) =>
      i === 4 ? l.replace(/"frame":"[0-9a-f]*"/, `"frame":"${frameOf(Z1)}"`) : l,
    );
    expect(kitOutcome(() => parseHandover(hazardAsTask.join('\n'), 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:5: frame: a task line holds a hazard',
    );
    expect(kitOutcome(() => parseHandover(text.replace('"t":"rollcall"', '"t":"photo"'), 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:6: t: expected request, task, rollcall or hazard, found "photo"',
    );
    expect(kitOutcome(() => parseHandover(lines.slice(0, 7).join('\n'), 'h'))).toMatch(
      /^KIT_HANDOVER_INVALID: h:1: the header says 1 incidents and 6 messages of open items, the file holds 6 lines/,
    );
  });

  it('says what is wrong, and where', () => {
    const text = handoverText(handover);
    const [head, line] = text.split('\n') as [string, string];
    expect(kitOutcome(() => parseHandover('', 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: empty: not a handover file (fieldnode kits replace --handover makes one)',
    );
    expect(kitOutcome(() => parseHandover('fieldnode-kit-key 1\n', 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: not a handover file: its first line is not JSON',
    );
    expect(kitOutcome(() => parseHandover(`${head}\n`, 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: the header says 1 incidents, the file holds 0: is it cut short?',
    );
    expect(kitOutcome(() => parseHandover(head.replace('"version":1', '"version":2'), 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: version 2: this fieldnode reads version 1',
    );
    expect(kitOutcome(() => parseHandover(`${head.replace('"to":2111', '"to":-1')}\n${line}\n`, 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: to: expected a node id, found -1',
    );
    expect(kitOutcome(() => parseHandover(`${head}\n${line.replace('"natural"', '"war"')}\n`, 'h'))).toMatch(
      /^KIT_HANDOVER_INVALID: h:2: type/,
    );
  });

  it('reads any bytes with nothing but a KitError (5,000 cases)', () => {
    const valid = new TextEncoder().encode(handoverText(full));
    fc.assert(
      fc.property(mutatedBytes(fc.constant(valid)), (bytes) =>
        onlyKitErrors(() => parseHandover(new TextDecoder().decode(bytes), 'h')),
      ),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string(), (s) => onlyKitErrors(() => parseHandover(s, 'h'))),
      { numRuns: 2000 },
    );
  });
});
