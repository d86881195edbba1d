/**
 * Child process of the API and UI benchmarks (docs/api.md §Measured, docs/ui.md §Measured): the
 * node under test, alone in a process started with the daemon's V8 flags, as `fieldnode start`
 * runs (node/src/cli/bin.ts). `centre`: the filled centre of api-centre.ts; `kit`: a village kit
 * (http-node.ts). It says where it listens, and stops when told or when its parent is gone.
 */
import { startCentre } from './api-centre.js';
import { type HttpNode, startHttpNode, VILLAGE } from './http-node.js';

export type NodeChildRequest = { type: 'stop' };
export type NodeChildReply = { type: 'ready'; origin: string; port: number; fill?: Record<string, number> };

const send = (m: NodeChildReply) => process.send?.(m);
const which = process.argv[2];
let node: HttpNode;
let fill: Record<string, number> | undefined;
if (which === 'centre') {
  const centre = await startCentre();
  node = centre;
  fill = centre.fill;
} else if (which === 'kit') {
  node = await startHttpNode({ id: 2107, role: 'kit', area: VILLAGE, name: '青龙村应急点' });
} else throw new RangeError(`http-node-child: centre or kit, not ${which}`);

const stop = () => void node.stop().then(() => process.exit(0));
process.on('message', (m: NodeChildRequest) => {
  if (m.type === 'stop') stop();
});
// A benchmark that died leaves no node running behind it.
process.on('disconnect', stop);
send({ type: 'ready', origin: node.origin, port: node.port, ...(fill ? { fill } : {}) });
