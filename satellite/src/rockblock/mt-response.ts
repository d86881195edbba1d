/**
 * The RockBLOCK MT endpoint's answer and what each failure means (docs/iridium.md §2.3):
 * `OK,<mtId>` or `FAILED,<code>,<description>`, text/plain.
 */
import { KitError, type KitErrorCode } from '../../../node/src/base/errors.js';

export type MtResponse = { ok: true; mtId: string } | { ok: false; code: number; description: string };

/** How an MT attempt failed. */
export type MtFailureKind =
  | 'refused' // the endpoint answered FAILED,<code>,…
  | 'http' // a status other than 200
  | 'malformed' // a 200 whose body is neither OK nor FAILED
  | 'network' // no answer: refused connection, reset, DNS
  | 'timeout' // no answer within the timeout
  | 'aborted'; // the caller's signal

/** What a FAILED code means for the sender (§2.3 table). */
export interface MtCodeMeaning {
  description: string;
  /** 'never': this message will not go through as it is; 'later': it may once something changes. */
  retry: 'later' | 'never';
  /** The link failure code it maps to. */
  link: 'DEVICE_ERROR' | 'TOO_LARGE' | 'NACK';
}

/**
 * The documented codes. Credentials, line rental and credit are account matters an operator can
 * put right, so the message waits ('later'); an IMEI not on the account, bad hex, no data and an
 * over-long message will fail the same way every time ('never').
 */
export const MT_FAILURE_CODES: Readonly<Record<number, MtCodeMeaning>> = {
  10: { description: 'Invalid login credentials', retry: 'later', link: 'DEVICE_ERROR' },
  11: { description: 'No RockBLOCK with this IMEI found on your account', retry: 'never', link: 'NACK' },
  12: { description: 'RockBLOCK has no line rental', retry: 'later', link: 'DEVICE_ERROR' },
  13: { description: 'Your account has insufficient credit', retry: 'later', link: 'DEVICE_ERROR' },
  14: { description: 'Could not decode hex data', retry: 'never', link: 'NACK' },
  15: { description: 'Data too long', retry: 'never', link: 'TOO_LARGE' },
  16: { description: 'No data', retry: 'never', link: 'NACK' },
  99: { description: 'System Error', retry: 'later', link: 'DEVICE_ERROR' },
};

/** An undocumented code: assume the endpoint may recover. */
const UNKNOWN_CODE: MtCodeMeaning = {
  description: 'undocumented code',
  retry: 'later',
  link: 'DEVICE_ERROR',
};

export function mtCodeMeaning(code: number): MtCodeMeaning {
  return MT_FAILURE_CODES[code] ?? UNKNOWN_CODE;
}

const OK = /^OK,(\d{1,20})$/;
const FAILED = /^FAILED,(\d{1,4}),(.*)$/s;

/**
 * Parses the endpoint's body. Surrounding white space (a trailing newline) is ignored.
 *
 * @throws KitError ROCKBLOCK_MT_FAILED for any other body.
 */
export function parseMtResponse(text: string): MtResponse {
  const body = text.trim();
  const ok = OK.exec(body);
  if (ok) return { ok: true, mtId: ok[1] as string };
  const failed = FAILED.exec(body);
  if (failed) return { ok: false, code: Number(failed[1]), description: (failed[2] as string).trim() };
  throw new KitError(
    'ROCKBLOCK_MT_FAILED',
    `RockBLOCK MT: unexpected answer ${JSON.stringify(body.slice(0, 80))}`,
  );
}

/** Options of a {@link RockblockMtError}. */
export interface RockblockMtErrorDetail {
  kind: MtFailureKind;
  retry: 'later' | 'never';
  /** The FAILED code, when the endpoint gave one. */
  rockblockCode?: number;
  /** The HTTP status, when there was an answer. */
  httpStatus?: number;
  cause?: unknown;
}

/** An MT message the endpoint did not take. The message never contains credentials. */
export class RockblockMtError extends KitError {
  readonly kind: MtFailureKind;
  readonly retry: 'later' | 'never';
  readonly rockblockCode: number | undefined;
  readonly httpStatus: number | undefined;

  constructor(message: string, detail: RockblockMtErrorDetail) {
    const code: KitErrorCode = 'ROCKBLOCK_MT_FAILED';
    super(code, message, detail.cause === undefined ? undefined : { cause: detail.cause });
    this.name = 'RockblockMtError';
    this.kind = detail.kind;
    this.retry = detail.retry;
    this.rockblockCode = detail.rockblockCode;
    this.httpStatus = detail.httpStatus;
  }
}
