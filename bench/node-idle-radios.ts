/**
 * Child process of the kit's idle measure (node-idle.ts, docs/demo-county.md §Measured): the
 * demonstration county's LoRa mesh with its simulated Meshtastic radios (node/src/demo/county-mesh.ts),
 * exactly as `fieldnode demo` powers them on, on pseudo-terminals or TCP, but in a process of its
 * own, so that the kit's process holds the kit alone and its CPU time is the kit's.
 *
 *   node node-idle-radios.js DIR pty|tcp
 *
 * It says where each node's radio is, then runs until told to stop or until its parent is gone.
 */
import { silentLogger } from '../node/src/base/logger.js';
import { type RadioAddress, type RadioPath, startCountyMesh } from '../node/src/demo/county-mesh.js';
import { meshNodes } from '../node/src/demo/county-plan.js';
import { DemoPaths } from '../node/src/demo/demo-paths.js';

export type RadiosRequest = { type: 'stop' };
/** Each mesh node's radio: how its node reaches it, and its Meshtastic address. */
export type RadiosReply = {
  type: 'ready';
  radios: Array<{ id: number; address: RadioAddress; radioId: string }>;
};

const [dir, via] = process.argv.slice(2);
if (dir === undefined || (via !== 'pty' && via !== 'tcp'))
  throw new RangeError(`node-idle-radios: DIR pty|tcp, not ${process.argv.slice(2).join(' ')}`);
const mesh = await startCountyMesh({ paths: new DemoPaths(dir), via: via as RadioPath, log: silentLogger });
const stop = () => void mesh.close().then(() => process.exit(0));
process.on('message', (m: RadiosRequest) => {
  if (m.type === 'stop') stop();
});
// A benchmark that died leaves no radio running behind it.
process.on('disconnect', stop);
process.send?.({
  type: 'ready',
  radios: meshNodes().map((n) => ({ id: n.id, address: mesh.address(n.id), radioId: mesh.radioId(n.id) })),
} satisfies RadiosReply);
