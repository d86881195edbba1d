/**
 * A valid CAP alert → a warning draft for the wire, or why it cannot be one (docs/cap.md §3 The
 * mapping, §6 Import). Each field is either carried, carried in the documented way (noted), or a
 * reason to refuse; the draft always passes the wire's own warning check.
 */
import { checkWarning, type WarningBody } from '../../../wire/kinds/warning.js';
import { bodyFromInfo, capUnix, DEFAULT_MISSING_EXPIRES_S, type Refuse } from './cap-info-mapping.js';
import type { CapAlert, CapInfo } from './cap-model.js';
import type { CapProblem } from './cap-problem.js';
import { parseReferences } from './cap-rules.js';
import { clip } from './cap-text.js';
import type { CapMappingOptions, CapNote, CapReferenceTarget, CapWarningDraft } from './cap-warning-draft.js';

export type { CapMappingOptions };

export type CapMapping = { ok: true; draft: CapWarningDraft } | { ok: false; problems: CapProblem[] };

const ACTIONS: Partial<Record<CapAlert['msgType'], WarningBody['action']>> = {
  Alert: 'issue',
  Update: 'update',
  Cancel: 'cancel',
};

export function warningFromCap(alert: CapAlert, options: CapMappingOptions = {}): CapMapping {
  const problems: CapProblem[] = [];
  const notes: CapNote[] = [];
  const refuse = (code: CapProblem['code'], path: string, message: string) =>
    problems.push({ code, path, message });
  const sent = capUnix(alert.sent);

  if (alert.status !== 'Actual' && alert.status !== 'Exercise')
    refuse(
      'CAP_NOT_FORWARDED',
      '/alert/status',
      `status ${alert.status}: only Actual warnings and Exercise drills are forwarded`,
    );
  const action = ACTIONS[alert.msgType];
  if (action === undefined)
    refuse(
      'CAP_NOT_FORWARDED',
      '/alert/msgType',
      `type ${alert.msgType} is an answer, not a warning: only Alert, Update and Cancel are forwarded`,
    );
  if (alert.scope !== 'Public')
    refuse(
      'CAP_NOT_FORWARDED',
      '/alert/scope',
      `scope ${alert.scope}: a forwarded warning reaches everyone in its areas, so only Public warnings are forwarded`,
    );

  let target: CapReferenceTarget | undefined;
  if (action === 'update' || action === 'cancel') target = resolve(alert, options, refuse);
  else if (alert.references !== undefined)
    notes.push({
      path: '/alert/references',
      message: 'references of an Alert not carried: a new warning starts its own thread',
    });

  const chosen = chooseInfo(alert, refuse, notes);
  let body: Omit<WarningBody, 'issuer'> | undefined;
  if (chosen !== undefined) {
    body = bodyFromInfo(
      chosen.info,
      chosen.path,
      { action: action ?? 'issue', sent, target, options },
      refuse,
      notes,
    );
  } else if (action === 'cancel' && target !== undefined) {
    // A Cancel may come bare: it names what it cancels, and that thread knows the rest.
    const onset = sent;
    const { event, level, colour, areas, circle, senderName } = target.warning;
    body = {
      action,
      event,
      level,
      colour,
      areas: [...areas],
      roles: [],
      onset,
      expires: onset + (options.missingExpiresS ?? DEFAULT_MISSING_EXPIRES_S),
      instruction: '',
      references: target.ref,
    };
    if (circle !== undefined) body.circle = circle;
    if (senderName !== undefined) body.senderName = senderName;
    notes.push({
      path: '/alert',
      message: 'a Cancel without <info>: event, colour, level and areas taken from the thread it cancels',
    });
  } else if (alert.infos.length === 0 && action !== 'cancel') {
    refuse('CAP_UNMAPPABLE', '/alert', 'no <info>: the message says nothing to warn of');
  }
  if (body !== undefined && problems.length === 0) {
    const wrong = checkWarning({ ...body, issuer: 0 });
    if (wrong !== undefined)
      refuse('CAP_UNMAPPABLE', chosen?.path ?? '/alert', `the wire refuses the warning: ${wrong}`);
  }
  noteDropped(alert, chosen?.path, notes);
  if (problems.length > 0 || body === undefined) return { ok: false, problems };
  return {
    ok: true,
    draft: {
      imported: true,
      source: {
        format: 'CAP 1.2',
        sender: alert.sender,
        identifier: alert.identifier,
        sentText: alert.sent,
        sent,
      },
      exercise: alert.status === 'Exercise',
      body,
      notes,
    },
  };
}

function resolve(
  alert: CapAlert,
  options: CapMappingOptions,
  refuse: Refuse,
): CapReferenceTarget | undefined {
  const refs = parseReferences(alert.references ?? '');
  const found = refs.map((r) => options.resolveReference?.(r)).filter((t) => t !== undefined);
  const first = found[0];
  if (first === undefined) {
    const named = refs
      .map((r) => clip(`${r.sender},${r.identifier}`, 60))
      .slice(0, 3)
      .join(' ');
    refuse(
      'CAP_REFERENCE_UNKNOWN',
      '/alert/references',
      `the ${alert.msgType} is about ${named || 'nothing named'}, which this centre never forwarded: forward the original warning first`,
    );
    return undefined;
  }
  if (found.some((t) => t.ref.origin !== first.ref.origin || t.ref.seq !== first.ref.seq)) {
    refuse(
      'CAP_UNMAPPABLE',
      '/alert/references',
      `the ${alert.msgType} references warnings of different threads; a wire warning updates one thread`,
    );
    return undefined;
  }
  return first;
}

/** The `<info>` carried: the first in Chinese, else the first. Several in its language are several warnings. */
function chooseInfo(
  alert: CapAlert,
  refuse: Refuse,
  notes: CapNote[],
): { info: CapInfo; path: string } | undefined {
  if (alert.infos.length === 0) return undefined;
  const language = (i: CapInfo) => (i.language ?? 'en-US').trim().toLowerCase();
  let index = alert.infos.findIndex((i) => language(i).startsWith('zh'));
  if (index < 0) index = 0;
  const info = alert.infos[index] as CapInfo;
  const same = alert.infos.filter((i) => language(i) === language(info)).length;
  if (same > 1)
    refuse(
      'CAP_UNMAPPABLE',
      '/alert',
      `${same} <info> blocks in ${clip(language(info))}: that is ${same} warnings, and a wire warning is one; send them as separate messages`,
    );
  alert.infos.forEach((other, i) => {
    if (i !== index)
      notes.push({
        path: `/alert/info[${i + 1}]`,
        message: `<info> in ${clip(language(other))} not carried: the wire carries one language`,
      });
  });
  return { info, path: `/alert/info[${index + 1}]` };
}

/** One note per element of the message and of the `<info>` carried that has no place on the wire. */
function noteDropped(alert: CapAlert, infoPath: string | undefined, notes: CapNote[]): void {
  const drop = (path: string, what: string) =>
    notes.push({ path, message: `${what} not carried: the wire has no field for it` });
  for (const name of ['source', 'note', 'incidents'] as const)
    if (alert[name] !== undefined) drop(`/alert/${name}`, `<${name}>`);
  if (alert.codes.length > 0) drop('/alert/code', '<code>');
  if (alert.signatures > 0)
    notes.push({ path: '/alert', message: 'XML signature not verified and not carried' });
  alert.infos.forEach((info, i) => {
    const path = `/alert/info[${i + 1}]`;
    if (path !== infoPath) return;
    for (const name of ['audience', 'description', 'web', 'contact'] as const)
      if (info[name] !== undefined) drop(`${path}/${name}`, `<${name}>`);
    if (info.resources.length > 0) drop(`${path}/resource`, '<resource>');
    if (info.responseTypes.length > 0) drop(`${path}/responseType`, '<responseType>');
  });
}
