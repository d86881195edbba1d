/**
 * A stand-in for the composition root in tests of the command line and the control socket: it
 * implements the NodeApp contract (node/src/app-contract.ts) with a fixed status and records
 * what was asked of it. No store, no links.
 */
import type { NodeApp, NodeStatus, ReleaseItem } from '../src/app-contract.js';

export function stubStatus(): NodeStatus {
  return {
    node: { id: 2107, role: 'kit', name: '青山村应急点' },
    startedAt: Date.UTC(2026, 6, 13, 19, 0, 0),
    clock: { now: Date.UTC(2026, 6, 13, 19, 20, 0), trusted: true, source: 'gps' },
    links: [
      {
        id: 'udp0',
        kind: 'ip',
        state: { status: 'up', since: Date.UTC(2026, 6, 13, 19, 1, 0) },
        counters: { txFrames: 12, rxFrames: 9, txBytes: 840, rxBytes: 610, errors: 0 },
      },
      {
        id: 'sat0',
        kind: 'iridium-sbd',
        state: {
          status: 'down',
          reason: 'no-service',
          detail: 'CSQ 0',
          since: Date.UTC(2026, 6, 13, 19, 5, 0),
        },
        counters: { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 3 },
      },
    ],
    queue: { p0: 1, p1: 4, p2: 0, p3: 0 },
  };
}

export interface StubNodeOptions {
  /** start() waits for this signal's abort (and then rejects) instead of resolving. */
  hangOnStart?: boolean;
  /** start() rejects with this. */
  startError?: Error;
}

export class StubNodeApp implements NodeApp {
  readonly calls: string[] = [];
  current: NodeStatus = stubStatus();

  constructor(private readonly opts: StubNodeOptions = {}) {}

  async start(signal?: AbortSignal): Promise<void> {
    this.calls.push('start');
    if (this.opts.startError) throw this.opts.startError;
    if (this.opts.hangOnStart) {
      await new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
  }

  async stop(): Promise<void> {
    this.calls.push('stop');
  }

  status(): NodeStatus {
    return this.current;
  }

  /** What was released, in order. */
  readonly released: ReleaseItem[] = [];

  async release(item: ReleaseItem): Promise<string[]> {
    this.calls.push('release');
    this.released.push(item);
    return [`${item.bytes.length} B: taken in (stub)`];
  }
}
