/**
 * The HTTP status of the team and text error codes (docs/api.md §Teams, §Texts): the domain throws
 * KitErrors, and the routes hand them on as ApiErrors with the status that says whose fault it is
 * (the shared table in api-errors.ts answers 500 for a code it does not list).
 */
import { KitError } from '../base/errors.js';
import '../domain/teams/team-errors.js';
import '../domain/texts/text-errors.js';
import { ApiError } from './api-errors.js';

const STATUS: Readonly<Record<string, number>> = {
  TEAM_UNKNOWN: 404,
  TEAM_TASK_UNKNOWN: 404,
  TEAM_STEP_INVALID: 409,
  TEAM_TASK_INVALID: 400,
  TEAM_NOT_HERE: 409,
  TEXT_TOO_LONG: 400,
  TEXT_DESTINATION_INVALID: 400,
};

/** Runs `fn`, turning a team or text KitError into the ApiError the reply needs. */
export async function withTeamErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const status = err instanceof KitError && !(err instanceof ApiError) ? STATUS[err.code] : undefined;
    if (status === undefined) throw err;
    throw new ApiError((err as KitError).code, (err as KitError).message, { status, cause: err });
  }
}
