/**
 * The `warnings:` section (warnings-section.ts, docs/warnings.md §Escalation): its defaults, what it
 * takes, and every mistake reported at once, by key.
 */
import { expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { parseConfig } from './load.js';

const NODE = { node: { id: 1, role: 'centre' }, keys: {} };
const load = (warnings: unknown) => parseConfig({ ...NODE, warnings }, { baseDir: '/tmp' });

it('is the policy when the file says nothing: five minutes, two sends, ten seconds', () => {
  expect(parseConfig(NODE, { baseDir: '/tmp' }).warnings).toEqual({
    answerWithinMs: 300_000,
    resendsBeforeSuperior: 2,
    answerWindowMs: 10_000,
  });
});

it('takes its keys in seconds', () => {
  const w = load({
    answer_within_s: 120,
    resends_before_superior: 0,
    answer_window_s: 5,
    cap_sender: 'qxj.cs.gov.cn',
  });
  expect(w.warnings).toEqual({
    answerWithinMs: 120_000,
    resendsBeforeSuperior: 0,
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
    'answer_window_s',
    'cap_sender',
    'escalate',
  ])
    expect(message).toContain(`warnings.${key}`);
});
