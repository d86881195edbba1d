/**
 * What the route modules share (docs/api.md §Wiring): the server's deps, its sessions, keys and
 * stores, made once by api-server.ts.
 */
import type { Logger } from '../base/logger.js';
import type { AuditDraft } from '../domain/audit/audit-entry.js';
import type { ApiServerDeps } from './api-deps.js';
import type { EventHub } from './event-hub.js';
import type { Idempotency } from './idempotency.js';
import type { PinDelay } from './pin-delay.js';
import type { SessionStore } from './sessions.js';

export interface ApiRouteContext {
  deps: ApiServerDeps;
  log: Logger;
  sessions: SessionStore;
  cookieKey: Buffer;
  /** Cookies carry Secure: the node is reached over HTTPS (a public origin says so). */
  cookieSecure: boolean;
  pinDelay: PinDelay;
  /** Idempotency keys kept in memory: sign-in and sign-out. */
  memoryKeys: Idempotency;
  /** Idempotency keys kept on disk: filing reports, issuing and answering warnings, which must happen once across restarts. */
  reportKeys: Idempotency;
  hub: EventHub;
  ready: () => boolean;
  /** Monotonic ms. */
  monotonic: () => number;
  /**
   * Records an action in the audit log. Never throws: an audit log that cannot be written must not
   * stop a report in an emergency; the failure is logged as an error for the operator.
   */
  audit(draft: AuditDraft): Promise<void>;
}
