/**
 * Child process of the store benchmark: queues 100,000 messages, then starts the node again
 * (store-durable.ts queued()), and prints the peak RSS in MiB and the restart time in ms as JSON
 * on its last line. Run apart, with the daemon's V8 flags, so that the parent's own allocations
 * do not count.
 */
import { queued } from './store-durable.js';
import { cleanUp } from './store-nodes.js';

const result = await queued(100_000);
await cleanUp();
process.stdout.write(`${JSON.stringify(result)}\n`);
