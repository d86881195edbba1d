/**
 * A client packet's way through the firmware (docs/meshtastic.md §2.1, §2.4, §2.6, §8.8
 * "Send path"), in its order: `PhoneAPI::handleToRadioPacket` (the last-20-ids filter, then the
 * rate limits), `MeshService::handleToRadio` (from, next_hop and relay_node cleared, id 0
 * replaced, rx_time), `MeshService::sendToMesh` with `Router::sendLocal` (a packet to our own
 * number stays here, for the AdminModule), router-checks.ts, the mesh side, and the QueueStatus
 * that always follows (firmware v2.6.11 src/mesh/PhoneAPI.cpp, MeshService.cpp, Router.cpp).
 */
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { Admin } from '@meshtastic/protobufs';
import { create, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import { BROADCAST_NUM, LogLevel, QueueErrno, RoutingError } from '../../src/meshtastic/constants.js';
import { ClientRateLimits, RecentClientIds } from './client-packet-rules.js';
import * as dump from './config-dump-messages.js';
import type { PhoneApiHost } from './phone-api-host.js';
import { SimPortNum } from './port-numbers.js';
import { applySendDefaults, perhapsEncode, routingNak } from './router-checks.js';

/** The per-PhoneAPI state of the send path: `recentToRadioPacketIds` and `lastPortNumToRadio`. */
export class ClientSendPath {
  readonly #recentIds = new RecentClientIds();
  readonly #rateLimits: ClientRateLimits;
  readonly #host: PhoneApiHost;

  constructor(host: PhoneApiHost) {
    this.#host = host;
    this.#rateLimits = new ClientRateLimits(host.profile.features);
  }

  /** `lastPortNumToRadio.clear()`, done by `PhoneAPI::close()` from 2.7.20. */
  clearRateLimits(): void {
    this.#rateLimits.clear();
  }

  /** `PhoneAPI::handleToRadioPacket` and `MeshService::handleToRadio`/`sendToMesh` (§2.1, §2.6). */
  handle(p: MeshPacket): void {
    const h = this.#host;
    const portnum = p.payloadVariant.case === 'decoded' ? p.payloadVariant.value.portnum : 0;
    h.log(
      'DEBUG',
      'SerialConsole',
      `PACKET FROM PHONE (id=0x${p.id.toString(16)} to=0x${p.to.toString(16)} portnum=${portnum})`,
    );
    // "For use with the simulator, we should not ignore duplicate packets from the phone".
    if (!h.profile.simRadio && p.id > 0 && this.#recentIds.seen(p.id)) {
      h.log('DEBUG', 'SerialConsole', 'Ignore packet from phone, already seen recently');
      return;
    }
    const limited = this.#rateLimits.check(portnum, p.to, p.hopLimit, h.nowMs());
    if (limited !== undefined) {
      h.log('WARN', 'SerialConsole', `Rate limit portnum ${portnum}`);
      this.#queueStatus(QueueErrno.OK, p.id);
      if (limited.notification !== undefined) this.#notify(p.id, limited.notification);
      if (limited.nak !== undefined) this.#rateLimitNak(p, limited.nak);
      return;
    }
    if (
      h.profile.features.tracerouteWantAck &&
      portnum === SimPortNum.TRACEROUTE_APP &&
      p.to !== BROADCAST_NUM
    ) {
      p.wantAck = true;
    }
    // MeshService::handleToRadio: clients do not choose from, next_hop or relay_node.
    p.from = 0;
    p.nextHop = 0;
    p.relayNode = 0;
    if (p.id === 0) p.id = h.nextPacketId();
    p.rxTime = h.deviceTimeSec();
    const id = p.id;
    if (p.to === 0) h.log('ERROR', 'Router', 'Packet received with to: of 0!');
    if (p.to === h.meshSide.nodeNum) {
      // Router::sendLocal: "No need to deliver externally if the destination is the local node".
      this.#handleLocal(p);
      this.#queueStatus(QueueErrno.OK, id);
      return;
    }
    const ctx = { nodeNum: h.meshSide.nodeNum, settings: h.settings, simRadio: h.profile.simRadio };
    if (h.routerChecks) applySendDefaults(p, ctx);
    p.from = h.meshSide.nodeNum;
    const err = h.routerChecks ? perhapsEncode(p, ctx) : RoutingError.NONE;
    if (err !== RoutingError.NONE) {
      h.log('ERROR', 'Router', `Error=${err}, return NAK and drop packet`);
      // abortSendAndNak after `p->channel = 0` ("so we don't use the failing hash again").
      if (err !== RoutingError.BAD_REQUEST) this.#nakToPhone(err, id, 0);
      // The routing error goes out as the QueueStatus res ("FIXME - this isn't a valid ErrorCode").
      this.#queueStatus(err, id);
      return;
    }
    const r = h.meshSide.sendToMesh(p);
    h.queues.sendQueueStatus(
      create(Schemas.QueueStatus, { res: r.res, free: r.free, maxlen: r.maxlen, meshPacketId: id }),
    );
  }

  #queueStatus(res: number, meshPacketId: number): void {
    const q = this.#host.meshSide.queueStatus();
    this.#host.queues.sendQueueStatus(
      create(Schemas.QueueStatus, { res, free: q.free, maxlen: q.maxlen, meshPacketId }),
    );
  }

  #notify(replyId: number, message: string): void {
    const h = this.#host;
    h.queues.sendNotification(
      create(Schemas.ClientNotification, {
        replyId,
        level: LogLevel.WARNING,
        time: h.deviceTimeSec(),
        message,
      }),
    );
  }

  #nakToPhone(error: number, requestId: number, channel: number): void {
    const h = this.#host;
    const nodeNum = h.meshSide.nodeNum;
    h.queues.sendToPhone(
      routingNak({
        nodeNum,
        to: nodeNum,
        error,
        requestId,
        channel,
        id: h.nextPacketId(),
        rxTime: h.deviceTimeSec(),
      }),
    );
  }

  /**
   * 2.7.4+: `sendRoutingErrorResponse(RATE_LIMIT_EXCEEDED, &p)` addresses the NAK to `p.from`,
   * which a client leaves 0, so `sendLocal` does not see it as local and it goes out to the mesh
   * (to node 0) instead of to the phone. Only a client that set `from` to our number gets it.
   */
  #rateLimitNak(p: MeshPacket, error: number): void {
    const h = this.#host;
    const nodeNum = h.meshSide.nodeNum;
    const nak = routingNak({
      nodeNum,
      to: p.from,
      error,
      requestId: p.id,
      channel: p.channel,
      id: h.nextPacketId(),
      rxTime: h.deviceTimeSec(),
    });
    if (p.from === nodeNum) h.queues.sendToPhone(nak);
    else h.meshSide.sendToMesh(nak);
  }

  /** A client packet to our own number: admin messages go to the device's AdminModule. */
  #handleLocal(p: MeshPacket): void {
    const h = this.#host;
    if (p.payloadVariant.case !== 'decoded' || p.payloadVariant.value.portnum !== SimPortNum.ADMIN_APP)
      return;
    let admin: Admin.AdminMessage;
    try {
      admin = fromBinary(Admin.AdminMessageSchema, p.payloadVariant.value.payload);
    } catch {
      h.log('WARN', 'AdminModule', 'Error decoding AdminMessage');
      return;
    }
    h.admin.handle(admin);
  }

  /** `NodeInfoModule::sendOurNodeInfo(NODENUM_BROADCAST, true, 0, true)` through `sendToMesh`. */
  broadcastNodeInfo(): void {
    const h = this.#host;
    const nodeNum = h.meshSide.nodeNum;
    const user = dump.ownUser(nodeNum, h.settings);
    const p = create(Schemas.MeshPacket, {
      from: nodeNum,
      to: BROADCAST_NUM,
      id: h.nextPacketId(),
      hopLimit: h.settings.hopLimit,
      payloadVariant: {
        case: 'decoded',
        value: {
          portnum: SimPortNum.NODEINFO_APP,
          payload: toBinary(Schemas.User, user),
          wantResponse: true,
        },
      },
    });
    const r = h.meshSide.sendToMesh(p);
    h.queues.sendQueueStatus(
      create(Schemas.QueueStatus, { res: r.res, free: r.free, maxlen: r.maxlen, meshPacketId: p.id }),
    );
  }
}
