/**
 * Export: a warning as the node holds it → CAP 1.2 XML (docs/cap.md §3 The mapping, §8 Export).
 *
 * The message keeps the warning's identity (identifier from origin and sequence, `sent` its creation
 * time on the county's clock), says whether it is real, an exercise (the envelope's 演练 flag) or a
 * test, and carries one `<info>` in Chinese and one in English. The result meets the schema and the
 * conditional rules (checked here before anything is returned) and is at most 64 KiB, so this
 * codec's own import reads it back.
 */
import { KitError } from '../../../base/errors.js';
import { eventName } from '../../../wire/codes/event-codes.js';
import { checkWarning, type WarningBody } from '../../../wire/kinds/warning.js';
import type { MessageOf } from '../../../wire/message.js';
import { fullAreaCode, readAreaCode } from '../../roster/area-code.js';
import type { AreaDirectory } from '../../roster/area-directory.js';
import { renderWarningHeadline } from '../../warning-headline.js';
import './cap-errors.js';
import { formatCircle } from './cap-geo.js';
import type { CapAlert, CapArea, CapCertainty, CapInfo, CapUrgency, CapValuePair } from './cap-model.js';
import { problemsText } from './cap-problem.js';
import { checkCapRules } from './cap-rules.js';
import { formatCapTime } from './cap-time.js';
import {
  COLOUR_PARAMETER,
  COLOUR_WORDS,
  capIdentifier,
  categoryOf,
  EVENT_CODE_NAME,
  GEOCODE_NAME,
  LEVEL_NUMERALS,
  LEVEL_PARAMETER,
  SEVERITY_BY_COLOUR,
} from './cap-vocabulary.js';
import { MAX_CAP_BYTES } from './cap-xml-reader.js';
import { writeCapXml } from './cap-xml-writer.js';

export interface CapExportContext {
  /** `<sender>`: the county centre's CAP sender id, unique in the world (e.g. its domain). No default. */
  sender: string;
  /** The issuer's name (its key's name): `<senderName>` when the warning names no office. No default. */
  issuerName: string;
  /** Names of the areas, for `<areaDesc>`; a code it does not name is written as the code. */
  areas: AreaDirectory;
  /** The county's IANA time zone, for every time written. Default Asia/Shanghai. */
  timeZone?: string;
  /** For an update or cancel: when the thread's issue was sent (its creation time, unix seconds). */
  referencedSentAt?: number;
  /** Status Test: a technical test every receiver disregards. Default false. */
  test?: boolean;
  /**
   * Scope Private to these recipients (e.g. a partner centre's 叫应 system); an item with a space
   * is quoted. Default none: the warning is Public (docs/cap.md §3.4 Scope).
   */
  addresses?: readonly string[];
}

const SECONDS_PER_HOUR = 3600;
const MSG_TYPES: Readonly<Record<WarningBody['action'], CapAlert['msgType']>> = {
  issue: 'Alert',
  update: 'Update',
  cancel: 'Cancel',
};
const utf8 = new TextEncoder();

/** The CAP 1.2 XML of `warning`. Throws KitError CAP_EXPORT_INVALID or CAP_TOO_LARGE. */
export function exportCap(warning: MessageOf<'warning'>, context: CapExportContext): string {
  const alert = capAlertOf(warning, context);
  const problems = checkCapRules(alert);
  if (problems.length > 0)
    throw new KitError(
      'CAP_EXPORT_INVALID',
      `warning ${capIdentifier(warning)} would break CAP 1.2:\n${problemsText(problems)}`,
    );
  const xml = writeCapXml(alert);
  const size = utf8.encode(xml).length;
  if (size > MAX_CAP_BYTES)
    throw new KitError(
      'CAP_TOO_LARGE',
      `warning ${capIdentifier(warning)} makes ${size} bytes of CAP, over the ${MAX_CAP_BYTES}-byte limit receivers read: name fewer areas (a county instead of its townships)`,
    );
  return xml;
}

/** The CAP alert of `warning`, before its rules are checked. */
export function capAlertOf(warning: MessageOf<'warning'>, ctx: CapExportContext): CapAlert {
  const body = warning.body;
  const problem = checkWarning(body);
  if (problem !== undefined) throw invalid(warning, problem);
  for (const area of body.areas) {
    const read = readAreaCode(area);
    if (!read.ok || read.code !== area)
      throw invalid(
        warning,
        `area ${area} is not an area code: ${read.ok ? 'not in its short form' : read.problem}`,
      );
  }
  const zone = ctx.timeZone;
  const alert: CapAlert = {
    identifier: capIdentifier(warning),
    sender: ctx.sender,
    sent: formatCapTime(warning.createdAt, zone),
    status: ctx.test === true ? 'Test' : warning.flags.includes('exercise') ? 'Exercise' : 'Actual',
    msgType: MSG_TYPES[body.action],
    scope: ctx.addresses === undefined ? 'Public' : 'Private',
    codes: [],
    infos: [info(warning, ctx, 'zh'), info(warning, ctx, 'en')],
    signatures: 0,
  };
  if (ctx.addresses !== undefined)
    alert.addresses = ctx.addresses.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ');
  if (body.references !== undefined) {
    if (ctx.referencedSentAt === undefined)
      throw invalid(
        warning,
        `a ${body.action} references its thread's issue ${capIdentifier(body.references)}: give referencedSentAt, when that issue was sent`,
      );
    alert.references = `${ctx.sender},${capIdentifier(body.references)},${formatCapTime(ctx.referencedSentAt, zone)}`;
  }
  return alert;
}

function info(warning: MessageOf<'warning'>, ctx: CapExportContext, lang: 'zh' | 'en'): CapInfo {
  const body = warning.body;
  const senderName = body.senderName ?? ctx.issuerName;
  const headline = renderWarningHeadline({ ...body, senderName });
  const names = eventName(body.event) ?? { zh: `事件${body.event}`, en: `event ${body.event}` };
  const parameters: CapValuePair[] = [];
  if (body.colour !== 'none')
    parameters.push({ valueName: COLOUR_PARAMETER, value: COLOUR_WORDS[body.colour].cap });
  const numeral = LEVEL_NUMERALS[body.level - 1];
  if (numeral !== undefined) parameters.push({ valueName: LEVEL_PARAMETER, value: numeral });
  const onset = formatCapTime(body.onset, ctx.timeZone);
  return {
    language: lang === 'zh' ? 'zh-CN' : 'en',
    categories: [categoryOf(body.event)],
    event: names[lang],
    responseTypes: [],
    urgency: urgencyOf(warning),
    severity: SEVERITY_BY_COLOUR[body.colour],
    certainty: certaintyOf(body),
    eventCodes: [{ valueName: EVENT_CODE_NAME, value: body.event }],
    effective: onset,
    onset,
    expires: formatCapTime(body.expires, ctx.timeZone),
    senderName,
    headline: headline[lang],
    instruction: body.instruction,
    parameters,
    resources: [],
    areas: areasOf(body, ctx.areas, lang),
  };
}

/** Act now once it has begun, within the hour soon, later in the future; a cancel is past. */
function urgencyOf(warning: MessageOf<'warning'>): CapUrgency {
  if (warning.body.action === 'cancel') return 'Past';
  const lead = warning.body.onset - warning.createdAt;
  return lead <= 0 ? 'Immediate' : lead <= SECONDS_PER_HOUR ? 'Expected' : 'Future';
}

/** A warning says the hazard is likely; its cancel, that it no longer is. */
function certaintyOf(body: WarningBody): CapCertainty {
  return body.action === 'cancel' ? 'Unlikely' : 'Likely';
}

function areasOf(body: WarningBody, directory: AreaDirectory, lang: 'zh' | 'en'): CapArea[] {
  const areas: CapArea[] = body.areas.map((code) => ({
    areaDesc: directory.name(code) ?? (lang === 'zh' ? `行政区划${code}` : `area ${code}`),
    polygons: [],
    circles: [],
    geocodes: [{ valueName: GEOCODE_NAME, value: fullAreaCode(code) }],
  }));
  if (body.circle !== undefined) {
    const km = body.circle.radiusM / 1000;
    const { lat, lon } = body.circle.centre;
    areas.push({
      areaDesc: lang === 'zh' ? `以${lat},${lon}为中心半径${km}公里范围` : `within ${km} km of ${lat},${lon}`,
      polygons: [],
      circles: [formatCircle(body.circle)],
      geocodes: [],
    });
  }
  return areas;
}

function invalid(warning: MessageOf<'warning'>, why: string): KitError {
  return new KitError(
    'CAP_EXPORT_INVALID',
    `warning ${capIdentifier(warning)} cannot be exported as CAP: ${why}`,
  );
}
