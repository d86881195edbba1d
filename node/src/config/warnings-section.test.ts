/**
 * The `warnings:` section (warnings-section.ts, docs/warnings.md §Escalation): its defaults, what it
 * takes, and every mistake reported at once, by key.
 */
import { expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { parseConfig } from './load.js';

const NODE = { node: { id: 1, role: 'centre' }, keys: {} };
const load = (warnings: unknown) => parseConfig({ ...NODE, warnings }, { baseDir: '/tmp' });

it('is the policy when the file says nothing: five minutes, two sends two minutes apart, ten seconds', () => {
  expect(parseConfig(NODE, { baseDir: '/tmp' }).warnings).toEqual({
    answerWithinMs: 300_000,
    resendsBeforeSuperior: 2,
    resendAfterMs: 120_000,
    answerWindowMs: 10_000,
  });
});

it('takes its keys in seconds', () => {
  const w = load({
    answer_within_s: 120,
    resends_before_superior: 0,
    resend_after_s: 45,
    answer_window_s: 5,
    cap_sender: 'qxj.cs.gov.cn',
  });
  expect(w.warnings).toEqual({
    answerWithinMs: 120_000,
    resendsBeforeSuperior: 0,
    resendAfterMs: 45_000,
    answerWindowMs: 5000,
    capSender: 'qxj.cs.gov.cn',
  });
});

it('reports every mistake at once, by key', () => {
  let message = '';
  try {
    load({
      answer_within_s: 0.5,
      resends_before_superior: 1.5,
      resend_after_s: -1,
      answer_window_s: -1,
      cap_sender: 'a b',
      escalate: 1,
    });
  } catch (err) {
    if (!isKitError(err, 'CONFIG_INVALID')) throw err;
    message = err.message;
  }
  for (const key of [
    'answer_within_s',
    'resends_before_superior',
    'resend_after_s',
    'answer_window_s',
    'cap_sender',
    'escalate',
  ])
    expect(message).toContain(`warnings.${key}`);
});
