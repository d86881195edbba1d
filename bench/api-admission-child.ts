/**
 * Child process of the API benchmark (docs/api.md §Measured): the store benchmark's admission load
 * (store-durable.ts concurrentDurable: a gateway taking messages from 32 callers of submit() and 32
 * kits on its mesh link at once, each admission synced, all handed on to its IP link) run round
 * after round on its own LevelDB in a temp directory, beside the centre, until told to stop. Each
 * round's figures go to the parent, after a first message saying that the load has started.
 */
import { concurrentDurable } from './store-durable.js';

export interface AdmissionRound {
  admittedPerSec: number;
  p99: number;
}

let stopping = false;
process.on('message', (m: { type: 'stop' }) => {
  if (m.type === 'stop') stopping = true;
});
// Its parent gone, it ends after the round under way, which removes its store.
process.on('disconnect', () => {
  stopping = true;
});
process.send?.({ type: 'started' });
while (!stopping) {
  const r = await concurrentDurable();
  if (process.connected)
    process.send?.({ type: 'round', round: { admittedPerSec: r.admittedPerSec, p99: r.steady.p99 } });
}
process.exit(0);
