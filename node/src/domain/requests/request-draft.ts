/**
 * Checking a request or a reply before it goes on air (docs/requests.md §The life of a request): what
 * the form gives, turned into the wire body it travels as (docs/wire-format.md §4.11). Every problem
 * is listed at once, with its field, a stable code, and a message in Chinese for the form and in
 * English for the log. Fields go through the wire's own codecs, so a body that passes here is one
 * the wire carries.
 */
import type { KitErrorCode } from '../../base/errors.js';
import { supplyItem } from '../../wire/codes/supply-items.js';
import type { GeoPoint, MessageRef } from '../../wire/field-codecs.js';
import {
  REQUEST_TYPES,
  REQUEST_URGENCIES,
  type RequestBody,
  type RequestReplyBody,
  requestFields,
  requestReplyFields,
} from '../../wire/kinds/request.js';
import type { FieldMap } from '../../wire/schema.js';
import type { RequestView, SupplyLine } from './request.js';
import './request-errors.js';
import { nextSteps, type ReplyStatus, STATUS_ZH } from './request-status.js';

export type RequestProblemCode = Extract<
  KitErrorCode,
  'REQUEST_FIELD_INVALID' | 'REQUEST_TEXT_TOO_LONG' | 'REQUEST_STATUS_INVALID'
>;

export interface RequestProblem {
  readonly code: RequestProblemCode;
  readonly field: string;
  readonly zh: string;
  readonly en: string;
}

/** A request as the form gives it; the requester is the person signed in. */
export interface RequestDraft {
  type: RequestBody['type'];
  urgency: RequestBody['urgency'];
  people?: number;
  items?: SupplyLine[];
  point?: GeoPoint;
  note?: string;
}

/** A reply as the form gives it: the step, and for a commit or dispatch what and when. */
export interface ReplyDraft {
  status: ReplyStatus;
  items?: SupplyLine[];
  /** Expected arrival, unix ms. */
  eta?: number;
  note?: string;
}

type Checked<B> = { ok: true; body: B } | { ok: false; problems: RequestProblem[] };

export function checkRequestDraft(draft: RequestDraft, o: { requester: number }): Checked<RequestBody> {
  const problems: RequestProblem[] = [];
  if (!(REQUEST_TYPES as readonly string[]).includes(draft.type))
    problems.push(invalid('type', '请选择请求类型', `${String(draft.type)} is not a request type`));
  if (!(REQUEST_URGENCIES as readonly string[]).includes(draft.urgency))
    problems.push(invalid('urgency', '请选择紧急程度', `${String(draft.urgency)} is not an urgency`));
  checkItems(draft.items, problems);
  const body: RequestBody = {
    type: draft.type,
    urgency: draft.urgency,
    ...(draft.people === undefined ? {} : { people: draft.people }),
    ...(draft.items === undefined || draft.items.length === 0 ? {} : { items: draft.items }),
    ...(draft.point === undefined ? {} : { point: draft.point }),
    requester: o.requester,
    ...noteOf(draft.note),
  };
  checkWire(requestFields, body, problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, body };
}

/** The body of `reply` to `request`, by `by`, at `now` (unix ms; an arrival must be after it). */
export function checkReply(
  request: RequestView,
  reply: ReplyDraft,
  o: { by: number; now: number },
): Checked<RequestReplyBody> {
  const problems: RequestProblem[] = [];
  if (!nextSteps(request.status).includes(reply.status))
    problems.push({
      code: 'REQUEST_STATUS_INVALID',
      field: 'status',
      zh: `这个请求已是“${STATUS_ZH[request.status]}”，不能再“${STATUS_ZH[reply.status] ?? reply.status}”`,
      en: `the request is ${request.status}: it cannot take the step ${String(reply.status)} (a request only moves forward)`,
    });
  checkItems(reply.items, problems);
  if (reply.items !== undefined && reply.status !== 'committed' && reply.status !== 'dispatched')
    problems.push(invalid('items', '只有承诺或调派时才写物资', `only a commit or a dispatch names items`));
  if (reply.eta !== undefined && reply.eta <= o.now - 60_000)
    problems.push(invalid('eta', '预计到达时间已过', 'the expected arrival is in the past'));
  const body: RequestReplyBody = {
    request: refOf(request.id),
    status: reply.status,
    ...(reply.items === undefined || reply.items.length === 0 ? {} : { items: reply.items }),
    ...(reply.eta === undefined ? {} : { eta: Math.round(reply.eta / 1000) }),
    person: o.by,
    ...noteOf(reply.note),
  };
  checkWire(requestReplyFields, body, problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, body };
}

export function refOf(id: string): MessageRef {
  const [origin, seq] = id.split('/').map(Number) as [number, number];
  return { origin, seq };
}

function checkItems(items: readonly SupplyLine[] | undefined, problems: RequestProblem[]): void {
  for (const [i, line] of (items ?? []).entries()) {
    if (!Number.isInteger(line.item) || supplyItem(line.item) === undefined)
      problems.push(
        invalid(`items.${i}.item`, '请选择物资', `${line.item} is not a supply item of the table`),
      );
    if (!Number.isInteger(line.quantity) || line.quantity < 1)
      problems.push(
        invalid(`items.${i}.quantity`, '数量应为正整数', 'a quantity is a whole number of at least 1'),
      );
  }
}

function noteOf(text: string | undefined): { note?: string } {
  const t = text?.trim();
  return t === undefined || t === '' ? {} : { note: t };
}

/** Every field through the wire's codec: what the wire refuses is a problem of its field. */
function checkWire(fields: FieldMap, body: object, problems: RequestProblem[]): void {
  const seen = new Set(problems.map((p) => p.field.split('.')[0]));
  for (const [name, field] of Object.entries(fields)) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined || seen.has(name)) continue;
    try {
      (field.codec as { encode(v: unknown, p: string, c: { createdAt: number }): unknown }).encode(
        value,
        name,
        {
          createdAt: 0,
        },
      );
    } catch (err) {
      const en = (err as Error).message;
      problems.push(
        name === 'note'
          ? {
              code: 'REQUEST_TEXT_TOO_LONG',
              field: name,
              zh: `说明最多300字节（约100个汉字），现在${Buffer.byteLength(String(value))}字节`,
              en,
            }
          : invalid(name, FIELD_ZH[name] ?? '这一项不能发送', en),
      );
    }
  }
}

const FIELD_ZH: Readonly<Record<string, string>> = {
  people: '人数应为0至一千万的整数',
  items: '物资最多16项',
  point: '位置不对：纬度−90至90，经度−180至180',
  eta: '预计到达时间不对',
};

function invalid(field: string, zh: string, en: string): RequestProblem {
  return { code: 'REQUEST_FIELD_INVALID', field, zh, en };
}
