/**
 * The RockBLOCK push receiver for tests over real HTTP on 127.0.0.1
 * (satellite/src/rockblock/push-receiver.ts; docs/iridium.md §2.1, docs/centre-doors.md §The push
 * receiver): a listening receiver that trusts the simulator's test key, with what it hands on,
 * quarantines and refuses recorded; a session that carries a fieldnode frame; and a POST that
 * reads the status.
 */
import { referenceFrames } from '../../../node/src/wire/fixtures/reference-frames.js';
import { recordingLogger } from '../../sim/recording-logger.js';
import { PUSH_CONTENT_TYPE, type PushInput } from '../../sim/rockblock/push-request.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from '../../sim/rockblock/test-key.js';
import type { QuarantinedPayload } from '../../src/centre/quarantine.js';
import {
  type PushRejection,
  type ReceivedPush,
  RockblockPushReceiver,
  type RockblockPushReceiverOptions,
} from '../../src/rockblock/push-receiver.js';

/** The frame the sessions below carry: the first reference frame. */
export const PUSH_FRAME = referenceFrames()[0]?.frame as Uint8Array;
/** The test modem's IMEI. */
export const PUSH_IMEI = '300434060000010';

export interface PushReceiverRig {
  r: RockblockPushReceiver;
  port: number;
  /** Where to POST pushes, on the path the doors use. */
  url: string;
  log: ReturnType<typeof recordingLogger>;
  pushes: ReceivedPush[];
  quarantined: QuarantinedPayload[];
  rejected: PushRejection[];
}

const receivers: RockblockPushReceiver[] = [];

/** A listening receiver; {@link closePushReceivers} closes it. */
export async function pushReceiver(opts: RockblockPushReceiverOptions = {}): Promise<PushReceiverRig> {
  const log = recordingLogger();
  const r = new RockblockPushReceiver({ key: TEST_ROCK7_PUBLIC_KEY_PEM, log, ...opts });
  receivers.push(r);
  const { port } = await r.listen(0);
  const pushes: ReceivedPush[] = [];
  const quarantined: QuarantinedPayload[] = [];
  const rejected: PushRejection[] = [];
  r.on('push', (p) => pushes.push(p));
  r.on('quarantine', (q) => quarantined.push(q));
  r.on('rejected', (x) => rejected.push(x));
  return { r, port, url: `http://127.0.0.1:${port}/rockblock/mo`, log, pushes, quarantined, rejected };
}

/** Closes every receiver made by {@link pushReceiver}: for afterEach. */
export async function closePushReceivers(): Promise<void> {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
}

/** A session of the test modem carrying {@link PUSH_FRAME}, MOMSN 12 unless `over` says. */
export function pushInput(over: Partial<PushInput> = {}): PushInput {
  return {
    imei: PUSH_IMEI,
    serial: 20001,
    momsn: 12,
    at: Date.UTC(2026, 6, 13, 19, 20, 5),
    data: PUSH_FRAME,
    latitude: 28.1234,
    longitude: 112.9876,
    cepKm: 3,
    ...over,
  };
}

/** POSTs `body` to `url`; resolves with the status once the answer is read. */
export async function post(url: string, body: string, contentType = PUSH_CONTENT_TYPE.json): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  await res.arrayBuffer();
  return res.status;
}
