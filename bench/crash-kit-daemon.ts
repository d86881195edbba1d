/**
 * The crash rig's kit (docs/store-and-forward.md §Crashes and the deliveries journal): the real
 * daemon, `fieldnode start --config FILE` (node/src/cli/start-command.ts around node/src/app.ts),
 * with a villager who writes a report every few milliseconds once the node has started. The daemon
 * has no other way in for a report yet, so this is the one addition.
 *
 * It logs, as the daemon logs everything, one line when a report is stored (submit() resolved: it is
 * on disk) and one when the kit learns that a report is in custody elsewhere or received at the
 * centre: the rig reads these to know what the kit held as confirmed before each kill. Each report
 * carries a tag of its own in its note (`RUN-N`, RUN given by the rig for each spawn), so the rig
 * can tell the report it was told is stored from another that took its id after a crash.
 *
 *     node crash-kit-daemon.js CONFIG SUBMIT_EVERY_MS RUN     (0 ms: write nothing, only run)
 */

import { createNode } from '../node/src/app.js';
import type { NodeApp } from '../node/src/app-contract.js';
import { startCommand } from '../node/src/cli/start-command.js';
import type { NodeCore } from '../node/src/core/node-core.js';
import { CONFIRMED, SUBMITTED } from './crash-daemon.js';

const [config, every, run] = process.argv.slice(2);
const everyMs = Number(every ?? 0);
if (config === undefined || !Number.isFinite(everyMs) || run === undefined) {
  process.stderr.write('usage: crash-kit-daemon.js CONFIG SUBMIT_EVERY_MS RUN\n');
  process.exit(2);
}

process.exitCode = await startCommand(['--config', config], {
  createNode: async (cfg, deps) => {
    const app = (await createNode(cfg, deps)) as NodeApp & { core: NodeCore };
    const log = deps.log.child({ mod: 'crash-rig' });
    app.core.on('state', (meta) => {
      if (meta.local && meta.kindCode === 1 && (meta.state === 'custody' || meta.state === 'received'))
        log.info({ msgId: meta.id, state: meta.state }, CONFIRMED);
    });
    let writing = true;
    let written: Promise<void> = Promise.resolve();
    const write = async () => {
      for (let n = 0; writing; n++) {
        const tag = `${run}-${n}`;
        const msgId = await app.core.submit({
          kind: 'report',
          body: { stage: 'initial', hazard: 0x12, indicators: { affected: n }, note: tag },
          dest: { to: 'centre' },
          priority: 1,
          lifetimeMin: 60,
        });
        log.info({ msgId, tag }, SUBMITTED);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    };
    return {
      async start(signal) {
        await app.start(signal);
        if (everyMs > 0)
          written = write().catch((err: unknown) => log.error({ err }, 'crash rig: writing reports stopped'));
      },
      async stop() {
        writing = false;
        await written;
        await app.stop();
      },
      status: () => app.status(),
      release: (item) => app.release(item),
    };
  },
});
