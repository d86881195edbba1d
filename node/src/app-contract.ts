/**
 * What the command line needs from the composition root (docs/conventions.md §Layout and dependencies (app.ts), §Lifecycle and shutdown): a node
 * that starts, stops and reports its status. app.ts implements `createNode`; the start command
 * loads it lazily and the control socket serves `status()`. Kept apart from app.ts so the CLI,
 * the control socket and their tests depend on this contract, not on the store or the router.
 */

import type { Logger } from './base/logger.js';
import type { Config } from './config/schema.js';

export interface NodeStatus {
  node: { id: number; role: string; name?: string };
  startedAt: number;
  clock: { now: number; trusted: boolean; source: string };
  links: Array<{ id: string; kind: string; state: unknown; counters: unknown }>;
  queue: Record<string, number>;
}

export interface NodeApp {
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  status(): NodeStatus;
}

export type CreateNode = (config: Config, deps: { log: Logger }) => Promise<NodeApp>;
