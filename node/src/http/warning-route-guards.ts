/**
 * The checks the warning routes make once they know who asks and which warning (docs/api.md
 * §Warnings, §Roles), by warning-access.ts's rules: where the person may read warnings at all
 * (403 nowhere), and whether they may read this one (404 otherwise, as if it did not exist).
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-errors.js';
import type { ApiRouteContext } from './api-route-context.js';
import { type ApiPerson, allowsAny, type PermissionScope } from './people-directory.js';
import { readPermissions, seesCallBoard, warningReadScope, warningWithinScope } from './warning-access.js';
import type { WarningsService, WarningView } from './warnings-service.js';

/** Where the person signed in may read warnings; 403 when nowhere. */
export function readScope(
  ctx: ApiRouteContext,
  warnings: WarningsService,
  request: FastifyRequest,
): PermissionScope {
  const scope = warningReadScope(ctx.deps.people, request.person as ApiPerson, warnings.role);
  if (!allowsAny(scope))
    throw new ApiError(
      'API_FORBIDDEN',
      `your roles do not allow reading warnings (${readPermissions(warnings.role).join(' or ')})`,
    );
  return scope;
}

/** The warning with this id if the person may read it; 404 otherwise, as if it did not exist. */
export async function readableWarning(
  ctx: ApiRouteContext,
  warnings: WarningsService,
  request: FastifyRequest,
  id: string,
): Promise<WarningView> {
  const scope = readScope(ctx, warnings, request);
  const warning = await warnings.get(id);
  if (warning === undefined || !warningWithinScope(scope, warning))
    throw new ApiError('API_NOT_FOUND', `no warning ${id} that you may see`);
  return warning;
}

/** 403 unless the person may see the 叫应 board. */
export function mustSeeCallBoard(ctx: ApiRouteContext, request: FastifyRequest): void {
  if (!seesCallBoard(ctx.deps.people, request.person as ApiPerson))
    throw new ApiError(
      'API_FORBIDDEN',
      'the 叫应 board is for whoever holds warning.issue or report.view everywhere (the duty officer)',
    );
}
