/**
 * What the security integration tests share (docs/security.md): a county of real cores (the centre
 * behind a gateway over IP, kits on the gateway's mesh), and a forger's tools: frames built with
 * the real encoder under keys the forger holds (a kit's own, a stolen kit's) or none, random tags,
 * forged hop tags, and injection on the air from any address.
 */

import { randomBytes } from 'node:crypto';
import type { NodeCore } from '../../src/core/node-core.js';
import { publicKeyFromRaw, sign } from '../../src/crypto/ed25519.js';
import { hopTag } from '../../src/crypto/hop-tag.js';
import { deriveRelayKey } from '../../src/crypto/kit-keys.js';
import { deriveNodeMacKey, macTag } from '../../src/crypto/mac.js';
import {
  createFakeLinkPair,
  createFakeMedium,
  type FakeLink,
  type FakeMedium,
} from '../../src/link/fake-link.js';
import type { MessageMeta } from '../../src/store/records.js';
import { unpackBatch } from '../../src/wire/batch.js';
import {
  FIXTURE_ISSUER_ID,
  FIXTURE_ISSUER_KEY,
  FIXTURE_ISSUER_PUBLIC,
} from '../../src/wire/fixtures/fixture-keys.js';
import { wrapHopTagged } from '../../src/wire/hop-tagged.js';
import type { WarningBody } from '../../src/wire/kinds/warning.js';
import { type Authenticator, decodeFrame, encodeMessage, type Message } from '../../src/wire/message.js';
import { CENTRE, type NodeSpec, SECRET, type TestNetwork, type TestNode } from './harness.js';

export const GATEWAY = 3001;
/** The township the gateway serves; its kits are villages in it. */
export const TOWNSHIP = 430121101;
export const VILLAGE = 430121101201;
/** Unix seconds, now. */
export const nowS = (): number => Math.floor(Date.now() / 1000);

/** The end-to-end key and the relay key of kit `n`, as the centre derives them (a thief's loot). */
export const kitKey = (n: number): Uint8Array => deriveNodeMacKey(SECRET, n);
export const relayKeyOf = (n: number): Uint8Array => deriveRelayKey(kitKey(n), n);

export const mac = (key: Uint8Array): Authenticator => ({ scheme: 'mac', trailer: (b) => macTag(key, b) });
/** A MAC trailer of random bytes: a forger without the key. */
export const randomMac: Authenticator = { scheme: 'mac', trailer: () => new Uint8Array(randomBytes(8)) };
export const noAuth: Authenticator = { scheme: 'none' };
export const signedBy = (key: Parameters<typeof sign>[0]): Authenticator => ({
  scheme: 'signature',
  trailer: (b) => sign(key, b),
});
export const issuerSigned = signedBy(FIXTURE_ISSUER_KEY);
export const randomTag = (): Uint8Array => new Uint8Array(randomBytes(4));

/** A frame in its hop-tagged container (docs/wire-format.md §6.4). */
export function withHopTag(tag: Uint8Array, frame: Uint8Array): Uint8Array {
  return wrapHopTagged(tag, frame);
}

/** A frame with the hop tag its origin kit would make, under that kit's relay key. */
export function genuinelyTagged(kit: number, frame: Uint8Array): Uint8Array {
  return withHopTag(hopTag(relayKeyOf(kit), frame), frame);
}

/** The message frame in a payload heard on the air (its hop-tag container taken off). */
export function peel(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0x03 ? bytes.subarray(5) : bytes;
}

/** The message ids in a payload (a batch, a hop-tagged frame or a bare one); [] for anything else. */
export function idsIn(bytes: Uint8Array): string[] {
  try {
    return unpackBatch(bytes).map((e) => {
      const env = decodeFrame(peel(e)).envelope;
      return `${env.origin}/${env.seq}`;
    });
  } catch {
    return [];
  }
}

/** Issuer 3 of the fixtures, with the powers to sign warnings and control messages, on every node. */
export function provisionIssuer(net: TestNetwork, validUntil?: number): void {
  net.issuers.set(FIXTURE_ISSUER_ID, {
    publicKey: publicKeyFromRaw(FIXTURE_ISSUER_PUBLIC),
    powers: ['warning', 'control'],
    ...(validUntil !== undefined ? { validUntil } : {}),
  });
}

/** A message's envelope fields with defaults: created now by a trusted clock, no flags. */
export function envelope(origin: number, seq: number, over: Partial<Message> = {}) {
  return {
    origin,
    seq,
    createdAt: nowS(),
    clockUntrusted: false,
    priority: 1 as const,
    lifetimeMin: 60,
    dest: { to: 'centre' as const },
    flags: [],
    ...over,
  };
}

/** A report frame of kit `origin` under `auth`. */
export function reportFrame(origin: number, seq: number, auth: Authenticator, affected = seq, priority = 1) {
  return encodeMessage(
    {
      kind: 'report',
      ...envelope(origin, seq, { priority: priority as 0 | 1 }),
      body: { stage: 'initial', hazard: 0x12, indicators: { affected } },
    } as Message,
    auth,
  );
}

/** The body of a warning of issuer 3 to the village, valid from now for six hours. */
export function warningBody(
  action: 'issue' | 'update' | 'cancel' = 'issue',
  references?: { origin: number; seq: number },
  createdAt = nowS(),
) {
  return {
    action,
    issuer: FIXTURE_ISSUER_ID,
    event: '11B03',
    level: 1,
    colour: 'red' as WarningBody['colour'],
    areas: [VILLAGE],
    roles: [4],
    onset: createdAt,
    expires: createdAt + 6 * 3600,
    instruction: action === 'cancel' ? '解除预警' : '危险区域人员立即转移',
    ...(references ? { references } : {}),
  };
}

/** A warning frame from the centre under `auth` (a genuine one: `issuerSigned`). */
export function warningFrame(
  seq: number,
  auth: Authenticator,
  body = warningBody(),
  over: Partial<Message> = {},
) {
  return encodeMessage(
    {
      kind: 'warning',
      ...envelope(CENTRE, seq, {
        priority: 0,
        lifetimeMin: 360,
        dest: { to: 'area', area: VILLAGE },
        createdAt: body.onset,
        ...over,
      }),
      body,
    } as Message,
    auth,
  );
}

/** A `delivered` receipt from `origin` to `to`, covering `ids`, under `auth`. */
export function receiptFrame(
  origin: number,
  seq: number,
  to: number,
  ids: ReadonlyArray<{ origin: number; seq: number }>,
  auth: Authenticator,
) {
  return encodeMessage(
    {
      kind: 'receipt',
      ...envelope(origin, seq, { dest: { to: 'node', node: to }, flags: ['noReceipt'] }),
      body: { ranges: ids.map((i) => ({ origin: i.origin, from: i.seq, to: i.seq })), scope: 'delivered' },
    } as Message,
    auth,
  );
}

/** The same frame with its kind byte changed to one no version knows (still a well-formed frame). */
export function unknownKind(frame: Uint8Array, code = 0xe7): Uint8Array {
  const out = Uint8Array.from(frame);
  out[1] = code;
  return out;
}

/** (origin, seq) of a message id. */
export function idOf(id: string): { origin: number; seq: number } {
  const [origin, seq] = id.split('/').map(Number) as [number, number];
  return { origin, seq };
}

/** Reports made by a kit core as the field does: `affected` tells them apart. */
export function sos(affected: number) {
  return {
    kind: 'report' as const,
    body: { stage: 'initial' as const, hazard: 0x12, indicators: { affected, dead: 1 } },
    dest: { to: 'centre' as const },
    priority: 0 as const,
    lifetimeMin: 60,
  };
}

export interface County {
  net: TestNetwork;
  medium: FakeMedium;
  /** The gateway's end of its IP link to the centre, and the centre's. */
  gatewayIp: FakeLink;
  centreIp: FakeLink;
  gatewayMesh: FakeLink;
  kitLinks: Map<number, FakeLink>;
  centre: TestNode;
  gateway: TestNode;
  kit(id: number): TestNode;
  /** Plays `bytes` on the mesh from address `from`: every radio in range hears it. */
  air(bytes: Uint8Array, from?: string): void;
}

export const kitAddress = (id: number): string => `K${id}`;

/**
 * A county: the centre (1) behind gateway 3001 over IP (address C ↔ G), kits on the gateway's mesh
 * (address K<id>), each kit holding only its own keys and the gateway the relay keys of its kits.
 * Nothing is started: the caller adds what it needs, then calls `start()`.
 */
export async function county(
  net: TestNetwork,
  kits: readonly number[],
  opts: {
    centre?: Partial<NodeSpec>;
    gateway?: Partial<NodeSpec>;
    kit?: (id: number) => Partial<NodeSpec>;
    /** The kits whose relay keys the gateway holds; default: all of them. */
    gatewayRelayFor?: readonly number[];
    /** Start the IP link between gateway and centre; default true. */
    ipUp?: boolean;
  } = {},
): Promise<County & { start(): Promise<void> }> {
  const medium = createFakeMedium();
  const [gatewayIp, centreIp] = createFakeLinkPair({ ids: ['g-ip', 'c-ip'], from: ['G', 'C'] });
  const gatewayMesh = medium.attach({ id: 'g-mesh', from: 'G' });
  const kitLinks = new Map(kits.map((id) => [id, medium.attach({ id: `k${id}`, from: kitAddress(id) })]));
  const centre = await net.add({
    id: CENTRE,
    links: [{ link: centreIp, costClass: 'ip', neighbours: { G: GATEWAY } }],
    routes: [{ target: { to: 'default' }, link: 'c-ip', nextHop: 'G', cost: 0, source: 'config' }],
    ...opts.centre,
  });
  const gateway = await net.add({
    id: GATEWAY,
    area: TOWNSHIP,
    links: [
      { link: gatewayIp, costClass: 'ip', neighbours: { C: CENTRE } },
      {
        link: gatewayMesh,
        costClass: 'mesh',
        neighbours: Object.fromEntries(kits.map((id) => [kitAddress(id), id])),
      },
    ],
    routes: [
      { target: { to: 'centre' }, link: 'g-ip', nextHop: 'C', cost: 0, source: 'config' },
      { target: { to: 'all' }, link: 'g-mesh', cost: 0, source: 'config' },
      ...kits.map((id) => ({
        target: { to: 'node' as const, node: id },
        link: 'g-mesh',
        nextHop: kitAddress(id),
        cost: 0,
        source: 'config' as const,
      })),
    ],
    relayFor: opts.gatewayRelayFor ?? kits,
    ...opts.gateway,
  });
  for (const id of kits) {
    await net.add({
      id,
      area: VILLAGE,
      links: [{ link: kitLinks.get(id) as FakeLink, costClass: 'mesh', neighbours: { G: GATEWAY } }],
      routes: [{ target: { to: 'centre' }, link: `k${id}`, nextHop: 'G', cost: 0, source: 'config' }],
      relayFor: [],
      ...opts.kit?.(id),
    });
  }
  const radios = [gatewayMesh, ...kitLinks.values()];
  return {
    net,
    medium,
    gatewayIp,
    centreIp,
    gatewayMesh,
    kitLinks,
    centre,
    gateway,
    kit: (id) => net.node(id),
    air(bytes, from = 'X') {
      for (const radio of radios) if (radio.address !== from) radio.inject(bytes, from);
    },
    async start() {
      if (opts.ipUp !== false) {
        await gatewayIp.start();
        await centreIp.start();
      }
      for (const radio of radios) await radio.start();
      await net.start();
    },
  };
}

/** Whether a message made at `node` has been confirmed received end to end. */
export async function received(node: TestNode, id: string): Promise<boolean> {
  return (await node.store.getMeta(id))?.state === 'received';
}

/** The last event of a meta, for messages in failures. */
export function lastEvent(meta: MessageMeta | undefined): string {
  const e = meta?.events.at(-1);
  return e ? `${e.state}${e.node !== undefined ? ` by ${e.node}` : ''}` : 'none';
}

/** The centre revokes `node` with a control message signed by the fixture issuer, to every node. */
export function revokeFromCentre(c: Awaited<ReturnType<typeof county>>, node: number): Promise<string> {
  return c.centre.core.submit(
    {
      kind: 'control',
      body: { issuer: FIXTURE_ISSUER_ID, revokeNodes: [node] },
      dest: { to: 'all' },
      priority: 0,
      lifetimeMin: 24 * 60,
    },
    issuerSigned,
  );
}

/** A genuine red warning the centre (a county's, or any TestNode) issues now to the village. */
export function issueVillageWarning(c: { centre: { core: NodeCore } }): Promise<string> {
  return c.centre.core.submit(
    {
      kind: 'warning',
      body: warningBody(),
      dest: { to: 'area', area: VILLAGE },
      priority: 0,
      lifetimeMin: 360,
    },
    issuerSigned,
  );
}
