/**
 * The DirectIP MO server for tests over real TCP on loopback (satellite/src/directip/mo-server.ts;
 * docs/iridium.md §3.1, docs/centre-doors.md §DirectIP): a listening server with what it takes and
 * what it refuses recorded, an MO message that carries a fieldnode frame, and a gateway that
 * delivers bytes in chunks and reads the answer.
 */
import { connect } from 'node:net';
import { referenceFrames } from '../../../node/src/wire/fixtures/reference-frames.js';
import { recordingLogger } from '../../sim/recording-logger.js';
import { encodeMo, type MoMessage } from '../../src/directip/mo.js';
import {
  DirectIpMoServer,
  type DirectIpMoServerOptions,
  type MoRejection,
  type ReceivedMo,
} from '../../src/directip/mo-server.js';

/** The frame the MO messages below carry: the first reference frame. */
export const MO_FRAME = referenceFrames()[0]?.frame as Uint8Array;

export interface MoServerRig {
  s: DirectIpMoServer;
  port: number;
  log: ReturnType<typeof recordingLogger>;
  mos: ReceivedMo[];
  rejected: MoRejection[];
}

const servers: DirectIpMoServer[] = [];

/** A server listening on a free port of `host`; {@link closeMoServers} closes it. */
export async function moServer(opts: DirectIpMoServerOptions = {}, host?: string): Promise<MoServerRig> {
  const log = recordingLogger();
  const s = new DirectIpMoServer({ log, ...opts });
  servers.push(s);
  const { port } = await s.listen(0, host);
  const mos: ReceivedMo[] = [];
  const rejected: MoRejection[] = [];
  s.on('mo', (m) => mos.push(m));
  s.on('rejected', (r) => rejected.push(r));
  return { s, port, log, mos, rejected };
}

/** Closes every server made by {@link moServer}: for afterEach. */
export async function closeMoServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close()));
}

/** An MO message from a test modem carrying `payload` (none when null), MOMSN 12 unless `over` says. */
export function referenceMo(
  over: Partial<MoMessage['header']> = {},
  payload: Uint8Array | null = MO_FRAME,
): Uint8Array {
  const header = {
    cdrReference: 7,
    imei: '300434060000010',
    sessionStatus: 0,
    momsn: 12,
    mtmsn: 0,
    sessionTime: 1_784_000_000,
    ...over,
  };
  return encodeMo(payload ? { header, payload } : { header });
}

export interface DeliverOptions {
  /** Half-close our end after the last chunk. */
  end?: boolean;
  /** Pause between chunks, ms. Default 5. */
  pauseMs?: number;
  /** Fail if the server has not closed by then, ms. Default 2000. */
  timeoutMs?: number;
}

/**
 * Connects, writes `chunks` with a pause between, and resolves with all the server sent back once
 * the connection closes or fails.
 */
export function deliverInChunks(
  port: number,
  chunks: Uint8Array[],
  opts: DeliverOptions = {},
): Promise<Uint8Array> {
  const { end = false, pauseMs = 5, timeoutMs = 2000 } = opts;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    socket.on('data', (c: Buffer) => got.push(c));
    socket.on('error', () => resolve(new Uint8Array(Buffer.concat(got))));
    socket.on('close', () => resolve(new Uint8Array(Buffer.concat(got))));
    socket.on('connect', async () => {
      for (const c of chunks) {
        // Closed by the server part-way through (a refusal): what it sent is the answer.
        if (!socket.writable) return;
        socket.write(c);
        await new Promise((r) => setTimeout(r, pauseMs));
      }
      if (end) socket.end();
    });
    setTimeout(() => reject(new Error(`no close within ${timeoutMs / 1000} s`)), timeoutMs);
  });
}
