/**
 * A kit's modem to the county centre and back, every real piece in between (docs/iridium.md
 * §7.4, §7.5): the kit's modem driver speaks AT to the modem simulator (sim/iridium/modem-sim.ts)
 * over an in-process duplex pair; the modem simulator's SBDIX reaches the simulated Iridium
 * network; the simulated RockBLOCK cloud pushes the MO message to the centre's RockblockLink over
 * HTTP on 127.0.0.1, signed with the test key; the centre's MT message goes through the MT API,
 * the gateway queue and a ring alert back to the modem. Simulated time runs 1000× faster, so a
 * 20-second session takes 20 ms.
 */
import { describe, expect, it } from 'vitest';
import { RealClock } from '../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { referenceFrames } from '../../../node/src/wire/fixtures/reference-frames.js';
import { IridiumModemSim } from '../../sim/iridium/modem-sim.js';
import { SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { rockblockCentre } from '../../test/support/rockblock-centre.js';
import { ModemDriver } from '../modem/modem-driver.js';
import { runSbdExchange } from '../modem/sbd-exchange.js';

const KIT_IMEI = '300434060000777';

describe('kit modem → simulated Iridium and RockBLOCK → centre link, and back', () => {
  it('carries a fieldnode report up and a warning down', async () => {
    const clock = new RealClock(1000);
    const network = new SimulatedIridiumNetwork({ clock });
    const { cloud, link: centre } = await rockblockCentre({ network, imeis: [KIT_IMEI] });
    const modem = new IridiumModemSim({ clock, network, imei: KIT_IMEI, sessionMs: [5_000, 20_000] });
    const [host, device] = createDuplexPair();
    modem.attach(device);
    const driver = new ModemDriver({
      port: host,
      ringAlerts: true,
      pollIntervalMs: 5,
      pollTimeoutMs: 50,
      powerUpTimeoutMs: 2_000,
      commandTimeoutMs: 1_000,
      sessionTimeoutMs: 2_000,
      writeTimeoutMs: 1_000,
      signalTimeoutMs: 1_000,
    });
    try {
      await centre.start();
      expect((await driver.start()).imei).toBe(KIT_IMEI);
      const report = referenceFrames()[0]?.frame as Uint8Array;
      const warning = referenceFrames()[1]?.frame as Uint8Array;

      // Up: the report, from the kit's IMEI.
      const atCentre = new Promise<{ bytes: Uint8Array; from: string | undefined }>((resolve) =>
        centre.once('frame', (f) => resolve({ bytes: f.bytes, from: f.meta?.from })),
      );
      const up = await runSbdExchange(driver, { payload: report });
      expect(up.outcome).toEqual({ kind: 'success' });
      expect(await atCentre).toEqual({ bytes: report, from: KIT_IMEI });

      // Down: the warning, through a ring alert and SBDIXA.
      const ring = new Promise<void>((resolve) => driver.once('ring', resolve));
      expect(await centre.send(warning, { to: KIT_IMEI })).toMatchObject({ ok: true });
      await ring;
      const down = await runSbdExchange(driver, { answerRing: true });
      expect(down.mt).toEqual(warning);
      expect(down.session).toMatchObject({ mtStatus: 1, mtQueued: 0 });
      expect(network.account(KIT_IMEI)).toMatchObject({ moMessages: 1, mailboxChecks: 1, mtDelivered: 1 });
    } finally {
      await driver.close();
      modem.close();
      await centre.stop();
      await cloud.close();
      network.close();
    }
  });
});
