/**
 * The `warnings` section of the configuration file (docs/conventions.md §Configuration;
 * docs/warnings.md §Escalation, §Answers travel together, docs/cap.md): how long the centre waits
 * for a person to answer before it acts, how many unconfirmed sends to a kit before the superiors
 * are called, how long at least between those sends, how long a kit gathers answers into one message, and the centre's CAP sender id.
 * What is left out keeps the policy's defaults.
 */
import type { Section } from './reader.js';

export const WARNINGS_KEYS = [
  'answer_within_s',
  'resends_before_superior',
  'resend_after_s',
  'answer_window_s',
  'cap_sender',
];

export interface WarningsConfig {
  /** A delivered call waits this long for its person before the re-alarm, and again before the superiors, ms. Default 5 min. */
  readonly answerWithinMs: number;
  /** Unconfirmed sends to a kit before its persons' superiors are called too. Default 2. */
  readonly resendsBeforeSuperior: number;
  /** The least time between two sends to a kit that has not confirmed, whatever the route's first hop, ms. Default 2 min. */
  readonly resendAfterMs: number;
  /** At a kit: answers made within this long of the first ride together in one ack, ms. Default 10 s. */
  readonly answerWindowMs: number;
  /** CAP `<sender>`: unique in the world, e.g. the county office's domain. Default `fieldnode-centre-<node id>`. */
  readonly capSender?: string;
}

export const DEFAULT_WARNINGS: WarningsConfig = {
  answerWithinMs: 5 * 60_000,
  resendsBeforeSuperior: 2,
  resendAfterMs: 2 * 60_000,
  answerWindowMs: 10_000,
};

export function parseWarningsSection(s: Section): WarningsConfig {
  const within = s.num('answer_within_s', 1, 24 * 3600);
  const resends = s.num('resends_before_superior', 0, 10);
  if (resends !== undefined && !Number.isInteger(resends))
    s.problem('resends_before_superior', 'expected a whole number of sends, 0 to 10');
  const resendAfterS = s.num('resend_after_s', 0, 24 * 3600);
  const windowS = s.num('answer_window_s', 0, 600);
  // CAP forbids spaces, commas and < & in a sender (docs/cap.md §2 The message).
  const sender = s.str('cap_sender', undefined, (v) =>
    /^[^\s,<&]+$/.test(v)
      ? undefined
      : 'a CAP sender has no spaces, commas, < or &: e.g. qxj.changsha.gov.cn',
  );
  return {
    answerWithinMs: within === undefined ? DEFAULT_WARNINGS.answerWithinMs : within * 1000,
    resendsBeforeSuperior: resends ?? DEFAULT_WARNINGS.resendsBeforeSuperior,
    resendAfterMs: resendAfterS === undefined ? DEFAULT_WARNINGS.resendAfterMs : resendAfterS * 1000,
    answerWindowMs: windowS === undefined ? DEFAULT_WARNINGS.answerWindowMs : windowS * 1000,
    ...(sender === undefined ? {} : { capSender: sender }),
  };
}
