/**
 * Tests for the DirectIP MT client (mt-client.ts; docs/iridium.md §3.1, §3.3) against the
 * simulated DirectIP gateway and scripted TCP servers on 127.0.0.1: one message per connection,
 * the confirmation's status mapped, and every way of getting no confirmation.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectIpGatewaySim } from '../../sim/directip/directip-gateway.js';
import { SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { MT_FLAG, type MtMessage } from './mt.js';
import { DirectIpMtClient } from './mt-client.js';
import { readMessage } from './read-message.js';

const IMEI = '300434060000010';
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function gateway() {
  const network = new SimulatedIridiumNetwork({ maxQueued: 2 });
  const sim = new DirectIpGatewaySim({ network, imeis: [IMEI] });
  const { port } = await sim.listenMt(0);
  cleanup.push(
    () => network.close(),
    () => sim.close(),
  );
  network.attachRing(IMEI, () => {});
  return { network, sim, client: new DirectIpMtClient({ host: '127.0.0.1', port, timeoutMs: 1000 }) };
}

async function tcp(onConnection: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => {
    for (const s of sockets) s.destroy(); // a silent server never reads, so never sees the close
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as { port: number }).port;
}

const msg = (
  over: Partial<MtMessage['header']> = {},
  payload: Uint8Array | null = Uint8Array.of(1, 2, 3),
): MtMessage => ({
  header: { clientMessageId: 0x4d736731, imei: IMEI, flags: 0, ...over },
  ...(payload ? { payload } : {}),
});

describe('DirectIpMtClient', () => {
  it('gets the queue position back, and the gateway queues the payload', async () => {
    const { client, network } = await gateway();
    const first = await client.send(msg());
    expect(first).toMatchObject({
      kind: 'confirmed',
      confirmation: { clientMessageId: 0x4d736731, imei: IMEI, status: 1 },
      meaning: { ok: true },
    });
    expect(first.kind === 'confirmed' && first.confirmation.autoIdReference).toBeGreaterThan(0);
    expect(await client.send(msg({ clientMessageId: 2 }))).toMatchObject({ confirmation: { status: 2 } });
    expect(network.queued(IMEI)).toBe(2);
  });

  it('maps the gateway statuses: queue full, unknown and invalid IMEI, oversize, flags, MTMSN range', async () => {
    const { client } = await gateway();
    await client.send(msg());
    await client.send(msg());
    const status = async (m: MtMessage) => {
      const r = await client.send(m);
      return r.kind === 'confirmed' ? [r.confirmation.status, r.meaning.ok, r.meaning.retry] : r.kind;
    };
    expect(await status(msg())).toEqual([-5, false, 'later']);
    expect(await status(msg({ imei: '300434069999999' }))).toEqual([-2, false, 'never']);
    expect(await status(msg({ imei: '30043406000001x' }))).toEqual([-1, false, 'never']);
    expect(await status(msg({ flags: MT_FLAG.flushQueue }, new Uint8Array(271)))).toEqual([
      -3,
      false,
      'never',
    ]);
    expect(await status(msg({ flags: MT_FLAG.assignMtmsn, clientMessageId: 70_000 }))).toEqual([
      -11,
      false,
      'never',
    ]);
    expect(await status(msg({}, null))).toEqual([-4, false, 'never']);
    expect(await status(msg({ flags: MT_FLAG.flushQueue }, null))).toEqual([0, true, undefined]);
    expect(await status(msg({ flags: MT_FLAG.sendRingAlert }, null))).toEqual([0, true, undefined]);
  });

  it('refuses flag combinations the protocol forbids before connecting', async () => {
    const { client } = await gateway();
    await expect(
      client.send(msg({ flags: MT_FLAG.sendRingAlert | MT_FLAG.assignMtmsn }, null)),
    ).rejects.toThrow(RangeError);
  });

  it('sends exactly one message per connection and waits for the confirmation', async () => {
    const seen: Uint8Array[] = [];
    const port = await tcp((socket) => {
      void readMessage(socket, 1000).then(({ message }) => {
        seen.push(message);
        // Confirm after a pause: the client must wait for it.
        setTimeout(() => {
          socket.end(
            Uint8Array.from(
              Buffer.from(`01001c440019${'4d736731'}${Buffer.from(IMEI).toString('hex')}0000e4690001`, 'hex'),
            ),
          );
        }, 30);
      });
    });
    const client = new DirectIpMtClient({ host: '127.0.0.1', port });
    const r = await client.send(msg());
    expect(r).toMatchObject({ kind: 'confirmed', confirmation: { autoIdReference: 0xe469, status: 1 } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.subarray(0, 6)).toEqual(Uint8Array.of(0x01, 0x00, 0x1e, 0x41, 0x00, 0x15));
  });

  it('reports a malformed confirmation, a silent gateway, a closed port and an abort as values', async () => {
    const garbage = await tcp((socket) => {
      socket.on('data', () => socket.end(Uint8Array.of(0x01, 0x00, 0x04, 0x05, 0x00, 0x01, 0x01)));
    });
    expect(await new DirectIpMtClient({ host: '127.0.0.1', port: garbage }).send(msg())).toMatchObject({
      kind: 'malformed',
    });
    const silent = await tcp(() => {});
    expect(
      await new DirectIpMtClient({ host: '127.0.0.1', port: silent, timeoutMs: 50 }).send(msg()),
    ).toMatchObject({
      kind: 'timeout',
    });
    const closedPort = await tcp(() => {});
    await cleanup.pop()?.();
    expect(await new DirectIpMtClient({ host: '127.0.0.1', port: closedPort }).send(msg())).toMatchObject({
      kind: 'network',
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
    const controller = new AbortController();
    const sending = new DirectIpMtClient({ host: '127.0.0.1', port: silent }).send(msg(), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    expect(await sending).toMatchObject({ kind: 'aborted' });
  });
});
