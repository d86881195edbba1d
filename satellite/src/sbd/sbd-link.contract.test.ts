/**
 * The shared link contract (node/src/link/contract.ts) for the SBD link over the real path of a
 * kit: the AT driver on a real pseudo-terminal (socat) through the real serialport package, the
 * modem simulator on the pty's other end, the simulated Iridium network and RockBLOCK cloud
 * (satellite/test/support/satellite-world.ts).
 *
 * The peer is the county centre's RockBLOCK link: what the gateway's modem sends reaches it as a
 * signed webhook over HTTP on 127.0.0.1; what it sends goes through the RockBLOCK MT API into the
 * gateway's MT queue, rings the modem, and comes back on the link's next session. The contract's
 * frames are arbitrary bytes (the link sends them alone, as given), so the centre's receiver hands
 * on every payload. The link holds nothing (holds are the core's): every frame goes at once.
 *
 * The suite runs twice: on the simulated 9603, and on a modem without the commands that only
 * inform (MINIMAL_MODEM: ERROR to AT+CGMR, AT+CSQ, AT-MSSTM; docs/iridium.md §7.1 "Required and
 * optional commands").
 */
import { describe } from 'vitest';
import { runLinkContract } from '../../../node/src/link/contract.js';
import { needsSystemTool } from '../../../node/src/link/needs-system-tool.js';
import { SOCAT } from '../../../node/src/link/system-tool.js';
import { MODEM_PROFILES } from '../../sim/iridium/modem-sim-profiles.js';
import { satelliteWorld } from '../../test/support/satellite-world.js';

// Skipped without socat, and named in the run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

describe.skipIf(socat === undefined)('SBD link over a socat pty', () => {
  for (const [profile, modem] of Object.entries(MODEM_PROFILES)) {
    runLinkContract(
      `iridium-sbd: driver on a pty, modem simulator (${profile}), simulated network, RockBLOCK centre link`,
      async () => {
        const w = await satelliteWorld({ anyPayload: true, modem });
        return { link: w.sbd, peer: w.centre, teardown: () => w.teardown() };
      },
      { timeoutMs: 10_000 },
    );
  }
});
