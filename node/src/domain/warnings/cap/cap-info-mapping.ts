/**
 * One CAP `<info>` → the wire's warning body (docs/cap.md §3.1 Field by field): the event, colour,
 * level, times, texts and areas of the block the import carries, each carried, carried the
 * documented way and noted, or refused.
 */
import { isEventCode } from '../../../wire/codes/event-codes.js';
import type { WarningBody } from '../../../wire/kinds/warning.js';
import { mapAreas } from './cap-area-mapping.js';
import type { CapInfo } from './cap-model.js';
import type { CapProblem } from './cap-problem.js';
import { clip, normaliseLine, normaliseText, truncateUtf8 } from './cap-text.js';
import { parseCapTime } from './cap-time.js';
import {
  COLOUR_PARAMETER,
  EVENT_CODE_NAMES_READ,
  LEVEL_PARAMETER,
  OTHER_WEATHER,
  readColour,
  readLevel,
  SEVERITY_BY_COLOUR,
} from './cap-vocabulary.js';
import type { CapMappingOptions, CapNote, CapReferenceTarget } from './cap-warning-draft.js';

export const DEFAULT_MISSING_EXPIRES_S = 24 * 3600;
const U32 = 0xffff_ffff;
/** The wire's text bounds (docs/wire-format.md §4.2). */
const INSTRUCTION_BYTES = 300;
const SENDER_NAME_BYTES = 64;

export type Refuse = (code: CapProblem['code'], path: string, message: string) => void;

/** A CAP time the schema check has read, as unix seconds. */
export function capUnix(text: string): number {
  const t = parseCapTime(text);
  // The schema check has read every time already.
  if (!t.ok) throw new RangeError(`unchecked CAP time ${text}`);
  return t.unix;
}

export interface InfoContext {
  action: WarningBody['action'];
  sent: number;
  target: CapReferenceTarget | undefined;
  options: CapMappingOptions;
}

/** The wire body one `<info>` makes, every problem refused and every loss noted. */
export function bodyFromInfo(
  info: CapInfo,
  path: string,
  ctx: InfoContext,
  refuse: Refuse,
  notes: CapNote[],
): Omit<WarningBody, 'issuer'> | undefined {
  const fallback = ctx.action === 'cancel' ? ctx.target?.warning : undefined;
  let instruction = normaliseText(info.instruction ?? '');

  // The event: its code, or for weather without one 11B99 with the event's words kept.
  const codes = info.eventCodes.filter((e) =>
    EVENT_CODE_NAMES_READ.some((n) => n.toLowerCase() === e.valueName.trim().toLowerCase()),
  );
  for (const e of info.eventCodes)
    if (!codes.includes(e))
      notes.push({
        path: `${path}/eventCode`,
        message: `event code ${clip(e.valueName)} ${clip(e.value)} not carried: the wire knows GB/T 35561 codes only`,
      });
  const distinct = [...new Set(codes.map((e) => e.value.trim()))];
  let event: string | undefined;
  if (distinct.length > 1)
    refuse(
      'CAP_UNMAPPABLE',
      `${path}/eventCode`,
      `several event codes (${distinct.map((d) => clip(d, 20)).join(', ')}): a wire warning has one`,
    );
  else if (distinct[0] !== undefined) {
    if (isEventCode(distinct[0])) event = distinct[0];
    else
      refuse(
        'CAP_UNMAPPABLE',
        `${path}/eventCode`,
        `event code ${JSON.stringify(distinct[0].slice(0, 20))} is not two digits, a capital letter and two digits (11B03)`,
      );
  } else if (info.categories.includes('Met')) {
    event = OTHER_WEATHER;
    const words = normaliseLine(info.event);
    instruction = instruction === '' ? words : `${words}: ${instruction}`;
    notes.push({
      path: `${path}/event`,
      message: `no GB/T 35561 code: a Met event is carried as ${OTHER_WEATHER} (other weather), its name "${words.slice(0, 40)}" put before the instruction`,
    });
  } else if (fallback !== undefined) {
    event = fallback.event;
  } else {
    refuse(
      'CAP_UNMAPPABLE',
      `${path}/event`,
      `${JSON.stringify(normaliseLine(info.event).slice(0, 40))} (${info.categories.join(', ')}) has no GB/T 35561 event code (eventCode ${EVENT_CODE_NAMES_READ[0]}), and the wire names an event by its code only`,
    );
  }

  const colour = oneParameter(info, COLOUR_PARAMETER, path, readColour, refuse) ?? fallback?.colour ?? 'none';
  const level = oneParameter(info, LEVEL_PARAMETER, path, readLevel, refuse) ?? fallback?.level ?? 0;
  if (colour !== 'none' && info.severity !== SEVERITY_BY_COLOUR[colour])
    notes.push({
      path: `${path}/severity`,
      message: `severity ${info.severity} does not match colour ${colour} (${SEVERITY_BY_COLOUR[colour]}); the colour is kept`,
    });

  const onsetText = info.onset ?? info.effective;
  const onset = onsetText === undefined ? ctx.sent : capUnix(onsetText);
  let expires: number;
  if (info.expires !== undefined) expires = capUnix(info.expires);
  else {
    const lifetime = ctx.options.missingExpiresS ?? DEFAULT_MISSING_EXPIRES_S;
    expires = onset + lifetime;
    notes.push({ path, message: `no <expires>: set to ${lifetime / 3600} h after the onset` });
  }
  for (const [name, t] of [
    ['onset', onset],
    ['expires', expires],
  ] as const)
    if (t < 0 || t > U32)
      refuse(
        'CAP_UNMAPPABLE',
        `${path}/${name}`,
        `${name} lies outside 1970–2106, which the wire cannot write`,
      );
  if (expires <= onset) refuse('CAP_UNMAPPABLE', `${path}/expires`, 'the warning expires before it begins');
  if (ctx.options.now !== undefined && expires <= ctx.options.now)
    refuse(
      'CAP_NOT_FORWARDED',
      `${path}/expires`,
      `the warning expired at ${info.expires?.trim() ?? 'its default expiry'}`,
    );

  const cut = truncateUtf8(instruction, INSTRUCTION_BYTES);
  if (cut.truncated)
    notes.push({
      path: `${path}/instruction`,
      message: `instruction cut to ${INSTRUCTION_BYTES} bytes, the wire's limit`,
    });
  const name =
    info.senderName === undefined
      ? fallback?.senderName
      : truncateUtf8(normaliseLine(info.senderName), SENDER_NAME_BYTES);
  if (typeof name === 'object' && name.truncated)
    notes.push({
      path: `${path}/senderName`,
      message: `sender name cut to ${SENDER_NAME_BYTES} bytes, the wire's limit`,
    });
  const senderName = typeof name === 'object' ? name.text : name;

  const areaProblems: CapProblem[] = [];
  const where = mapAreas(info.areas, path, areaProblems, notes);
  for (const p of areaProblems) refuse(p.code, p.path, p.message);
  if (
    ctx.action !== 'cancel' &&
    where.areas.length === 0 &&
    where.circle === undefined &&
    areaProblems.length === 0
  )
    refuse(
      'CAP_UNMAPPABLE',
      path,
      'no area the wire can carry: it needs an administrative division code (geocode CPEAS Geographic Code or GB/T 2260) or a circle or polygon',
    );

  if (event === undefined) return undefined;
  const body: Omit<WarningBody, 'issuer'> = {
    action: ctx.action,
    event,
    level,
    colour,
    areas: where.areas,
    roles: [],
    onset,
    expires,
    instruction: cut.text,
  };
  if (senderName !== undefined && senderName !== '') body.senderName = senderName;
  if (ctx.target !== undefined) body.references = ctx.target.ref;
  if (where.circle !== undefined) body.circle = where.circle;
  return body;
}

/** The one value of a parameter, read; a second, different value or one not understood is refused. */
function oneParameter<T>(
  info: CapInfo,
  name: string,
  path: string,
  read: (text: string) => T | undefined,
  refuse: Refuse,
): T | undefined {
  const values = [
    ...new Set(
      info.parameters
        .filter((p) => p.valueName.trim().toLowerCase() === name.toLowerCase())
        .map((p) => p.value.trim()),
    ),
  ];
  if (values.length > 1) {
    refuse(
      'CAP_UNMAPPABLE',
      `${path}/parameter`,
      `${name} given as ${values.map((v) => clip(v, 20)).join(' and ')}: a warning has one`,
    );
    return undefined;
  }
  if (values[0] === undefined) return undefined;
  const value = read(values[0]);
  if (value === undefined)
    refuse(
      'CAP_UNMAPPABLE',
      `${path}/parameter`,
      `${name} ${JSON.stringify(values[0].slice(0, 20))} is not understood`,
    );
  return value;
}
