/** Send results as link outcomes (§2.5), and the radio config check (§2.3), as tables. */
import { describe, expect, it } from 'vitest';
import { RebroadcastMode, RoutingError } from './constants.js';
import type { DeviceInfo } from './device-info.js';
import type { SessionSendResult } from './device-session-types.js';
import { checkRadioConfig } from './radio-config-check.js';
import { sendOutcomeOf } from './send-outcome.js';

const id = 0xdeadbeef;

describe('sendOutcomeOf', () => {
  const table: [SessionSendResult, object][] = [
    [
      { kind: 'ack', id, from: 1 },
      { ok: true, ref: 'deadbeef:ack' },
    ],
    [
      { kind: 'implicit-ack', id, from: 2 },
      { ok: true, ref: 'deadbeef:relayed' },
    ],
    [
      { kind: 'queued', id },
      { ok: true, ref: 'deadbeef:queued' },
    ],
    [{ kind: 'nak', id, error: RoutingError.NO_RESPONSE, from: 1, local: false }, { ok: true }],
    [
      { kind: 'nak', id, error: RoutingError.MAX_RETRANSMIT, from: 2, local: true },
      { retry: 'later', code: 'NACK' },
    ],
    [
      { kind: 'nak', id, error: RoutingError.TOO_LARGE, from: 2, local: true },
      { retry: 'never', code: 'TOO_LARGE' },
    ],
    [
      { kind: 'nak', id, error: RoutingError.NO_INTERFACE, from: 2, local: true },
      { retry: 'later', code: 'DEVICE_ERROR' },
    ],
    [
      { kind: 'nak', id, error: RoutingError.PKI_FAILED, from: 2, local: true },
      { retry: 'later', code: 'NACK' },
    ],
    [
      { kind: 'nak', id, error: RoutingError.NOT_AUTHORIZED, from: 1, local: false },
      { retry: 'never', code: 'NACK' },
    ],
    [
      { kind: 'nak', id, error: RoutingError.RATE_LIMIT_EXCEEDED, from: 2, local: true },
      { retry: 'later', code: 'BUSY' },
    ],
    [
      { kind: 'nak', id, error: 99, from: 1, local: false },
      { retry: 'later', code: 'NACK' },
    ],
    [
      { kind: 'queue-refused', id, res: 32 },
      { retry: 'later', code: 'BUSY' },
    ],
    [
      { kind: 'queue-refused', id, res: 35 },
      { retry: 'later', code: 'DEVICE_ERROR' },
    ],
    [
      { kind: 'queue-refused', id, res: RoutingError.TOO_LARGE },
      { retry: 'never', code: 'TOO_LARGE' },
    ],
    [
      { kind: 'timeout', id, waitingFor: 'queue-status' },
      { retry: 'later', code: 'TIMEOUT' },
    ],
    [
      { kind: 'timeout', id, waitingFor: 'routing' },
      { retry: 'later', code: 'TIMEOUT' },
    ],
    [
      { kind: 'lost', id, reason: 'device rebooted' },
      { retry: 'later', code: 'LINK_DOWN' },
    ],
    [
      { kind: 'refused', reason: 'too-large', detail: '' },
      { retry: 'never', code: 'TOO_LARGE' },
    ],
    [
      { kind: 'refused', reason: 'not-ready', detail: '' },
      { retry: 'later', code: 'LINK_DOWN' },
    ],
    [
      { kind: 'refused', reason: 'window-full', detail: '' },
      { retry: 'later', code: 'BUSY' },
    ],
    [
      { kind: 'refused', reason: 'too-many-pending', detail: '' },
      { retry: 'later', code: 'BUSY' },
    ],
  ];
  for (const [result, expected] of table) {
    it(`${result.kind} ${JSON.stringify(result).slice(0, 70)}`, () => {
      expect(sendOutcomeOf(result)).toMatchObject(expected);
    });
  }
});

describe('checkRadioConfig', () => {
  const info = (over: Partial<DeviceInfo> = {}): DeviceInfo => ({
    nonce: 1,
    nodeNum: 1,
    nodeId: '!00000001',
    rebootCount: 0,
    minAppVersion: 0,
    pioEnv: '',
    channels: [
      { index: 0, role: 1, name: '' },
      { index: 1, role: 0, name: '' },
    ],
    moduleConfigs: [],
    nodes: [],
    completedAt: 0,
    ...over,
  });
  const lora = {
    usePreset: true,
    modemPreset: 0,
    bandwidth: 0,
    spreadFactor: 0,
    codingRate: 0,
    hopLimit: 3,
    overrideDutyCycle: false,
  };

  it('refuses a disabled or missing channel', () => {
    expect(checkRadioConfig(info(), 0).mismatch).toBeUndefined();
    expect(checkRadioConfig(info(), 1).mismatch).toBe('channel 1 is disabled on the radio');
    expect(checkRadioConfig(info(), 5).mismatch).toBe('channel 5 is missing on the radio');
  });

  it('warns about a radio that will not transmit or will drop custom portnums', () => {
    expect(checkRadioConfig(info({ lora: { ...lora, region: 3, txEnabled: true } }), 0).warnings).toEqual([]);
    expect(
      checkRadioConfig(info({ lora: { ...lora, region: 0, txEnabled: true } }), 0).warnings,
    ).toHaveLength(1);
    const core = info({ device: { role: 2, rebroadcastMode: RebroadcastMode.CORE_PORTNUMS_ONLY } });
    expect(checkRadioConfig(core, 0).warnings[0]?.message).toContain('CORE_PORTNUMS_ONLY');
  });
});
