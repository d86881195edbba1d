/**
 * Waiting for the demonstration county's links (docs/demo-county.md §Starting and stopping): every node's every
 * link up, as its status shows it, or the wait's end. A link still down then is not an error: the
 * county runs, its supervisors keep trying, and the banner names what is down and why.
 */
import type { NodeApp } from '../app-contract.js';

const POLL_MS = 100;

function isUp(state: unknown): boolean {
  return (state as { status?: unknown } | undefined)?.status === 'up';
}

/** Resolves once every link of every node is up, or after `timeoutMs`, or when `signal` aborts. */
export async function untilLinksUp(
  apps: readonly NodeApp[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (apps.some((a) => a.status().links.some((l) => !isUp(l.state)))) {
    signal?.throwIfAborted();
    if (Date.now() >= end) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The links down now, as `node 3001 sat0: reason (detail)`. */
export function linksDown(nodes: ReadonlyArray<{ plan: { id: number }; app: NodeApp }>): string[] {
  const out: string[] = [];
  for (const { plan, app } of nodes) {
    for (const l of app.status().links) {
      if (isUp(l.state)) continue;
      const s = l.state as { status?: string; reason?: string; detail?: string };
      const why = [s.reason ?? s.status, s.detail].filter(Boolean).join(': ');
      out.push(`node ${plan.id} ${l.id}: ${why || 'not up'}`);
    }
  }
  return out;
}
