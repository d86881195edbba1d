/**
 * Child process of the store benchmark: queues 100,000 messages and prints the peak RSS in MiB
 * on its last line. Run apart so that the parent's own allocations do not count.
 */
import { cleanUp, peakRss } from './store-bench.js';

const mb = await peakRss();
await cleanUp();
process.stdout.write(`${mb}\n`);
