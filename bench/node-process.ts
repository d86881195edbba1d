/**
 * The node under test in a process of its own (docs/api.md §Measured, docs/ui.md §Measured),
 * started with the V8 flags its daemon runs with where it runs (node/src/cli/node-flags.ts: a
 * kit's on a Pi, V8's defaults at the centre), so that its process holds the node alone and its
 * CPU time is the node's: http-node-child.ts.
 *
 * Its CPU time is read from outside, in /proc/PID/stat (every thread's, in the kernel's 10 ms
 * ticks; proc-usage.ts): a node answering 50 requests of 100 ms each handles them all in one turn
 * of its event loop, so a question put to it over IPC would be answered seconds late.
 */
import { fork } from 'node:child_process';
import { CENTRE_NODE_FLAGS, KIT_NODE_FLAGS } from '../node/src/cli/node-flags.js';
import type { NodeChildReply, NodeChildRequest } from './http-node-child.js';
import { cpuMsOf } from './proc-usage.js';

export interface NodeProcess {
  origin: string;
  port: number;
  /** How the centre was filled (api-centre.ts), ms. */
  fill: Record<string, number> | undefined;
  /** The node process's CPU time so far, ms (NaN where there is no /proc). */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/** The centre or a kit, started in its own process; resolves once it listens. */
export async function startNodeProcess(which: 'centre' | 'kit'): Promise<NodeProcess> {
  const child = fork(new URL('./http-node-child.js', import.meta.url).pathname, [which], {
    execArgv: [...(which === 'centre' ? CENTRE_NODE_FLAGS : KIT_NODE_FLAGS)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ready = await new Promise<Extract<NodeChildReply, { type: 'ready' }>>((resolve, reject) => {
    child.once('message', (m: NodeChildReply) =>
      m.type === 'ready' ? resolve(m) : reject(new Error(m.type)),
    );
    void exited.then((code) => reject(new Error(`the ${which} exited (${code}) before it was ready`)));
  });
  return {
    origin: ready.origin,
    port: ready.port,
    fill: ready.fill,
    cpuMs: () => cpuMsOf(child.pid),
    async stop() {
      child.send({ type: 'stop' } satisfies NodeChildRequest);
      await exited;
    },
  };
}
