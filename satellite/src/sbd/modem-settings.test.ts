/**
 * The RockBLOCK 9603 profile settings against the modem simulator (modem-settings.ts;
 * docs/profiles.md §The RockBLOCK 9603 profile): what differs is written and stored with AT&W0 and
 * AT&Y0, the report comes from the read-back, verify writes nothing, and a modem that refuses a
 * command fails with the AT channel's code rather than a report of success.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { IridiumModemSim, type ModemSimOptions } from '../../sim/iridium/modem-sim.js';
import { ScriptedNetwork } from '../../sim/iridium/scripted-network.js';
import { AtChannel } from '../at/at-channel.js';
import { applyModemSettings, readModemSettings, verifyModemSettings } from './modem-settings.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function modem(options: Partial<ModemSimOptions> = {}): { at: AtChannel; sent: string[] } {
  const clock = new VirtualClock();
  const sim = new IridiumModemSim({
    clock,
    network: new ScriptedNetwork({ clock }),
    epochMs: Date.UTC(2024, 4, 24),
    ...options,
  });
  const [host, device] = createDuplexPair();
  sim.attach(device);
  // What the host wrote, as the modem's end reads it.
  const sent: string[] = [];
  device.on('data', (chunk: Buffer) =>
    sent.push(
      ...chunk
        .toString('latin1')
        .split('\r')
        .filter((c) => c !== ''),
    ),
  );
  const at = new AtChannel(host, { timeoutMs: 1000 });
  cleanups.push(() => at.close());
  return { at, sent };
}

describe('RockBLOCK 9603 settings', () => {
  it('writes what differs, stores it, and reports from the read-back', async () => {
    const { at, sent } = modem();
    const report = await applyModemSettings(at, { ringAlerts: true, sessionTimeoutS: 90 });
    expect(report.ok).toBe(true);
    expect(report.written).toEqual(['AT+SBDMTA=1', 'AT+SBDST=90', 'AT&W0', 'AT&Y0']);
    expect(report.fields).toEqual([
      { field: 'rockblock.ring_alerts', wanted: true, before: false, after: true, status: 'applied' },
      { field: 'rockblock.session_timeout_s', wanted: 90, before: 0, after: 90, status: 'applied' },
    ]);
    expect(report.imei).toMatch(/^\d{15}$/);
    expect(sent).toContain('AT&W0');
    expect(await readModemSettings(at)).toEqual({ ringAlerts: true, sessionTimeoutS: 90 });
  });

  it('a modem that already matches is only read', async () => {
    const { at, sent } = modem({ ringAlerts: true });
    const report = await applyModemSettings(at, { ringAlerts: true });
    expect(report).toMatchObject({ ok: true, written: [] });
    expect(report.fields.map((f) => f.status)).toEqual(['already']);
    expect(sent.filter((c) => c.startsWith('AT+SBDMTA='))).toEqual([]);
  });

  it('verify writes nothing and reports the difference', async () => {
    const { at, sent } = modem();
    const report = await verifyModemSettings(at, { ringAlerts: true, sessionTimeoutS: 0 });
    expect(report.ok).toBe(false);
    expect(report.fields.map((f) => [f.field, f.status])).toEqual([
      ['rockblock.ring_alerts', 'mismatch'],
      ['rockblock.session_timeout_s', 'already'],
    ]);
    expect(sent.filter((c) => /^AT(\+SBDMTA=|\+SBDST=|&W|&Y)/.test(c))).toEqual([]);
  });

  it('a modem that refuses the session timeout fails with the AT error, never a report of success', async () => {
    const { at } = modem({ refuses: ['+SBDST'] });
    await expect(applyModemSettings(at, { sessionTimeoutS: 60 })).rejects.toMatchObject({ code: 'AT_ERROR' });
  });
});
