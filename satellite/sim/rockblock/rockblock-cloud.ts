/**
 * The simulated RockBLOCK cloud (Ground Control / Rock7; docs/iridium.md §2, §7.4): accounts
 * with their RockBLOCKs, on top of the simulated Iridium network.
 *
 * - MO: every successful session of one of its devices (mailbox checks included, with data "") is
 *   pushed to the account's delivery URL as a Rock7-shaped webhook signed with `signingKey`: the
 *   repository's test key unless given, which only tests may rely on, since a centre refuses it
 *   outside the test runner; `fieldnode sim rockblock` passes its own (sim-signing-key.ts).
 *   push-delivery.ts retries while the receiver is down.
 * - MT: `POST /rockblock/MT` with imei, username, password, data (hex) and optional flush=yes, in
 *   the query string or a form body, answered `OK,<mtId>` or `FAILED,<code>,<description>` with
 *   the §2.3 codes, checked in this order: 10 credentials, 11 IMEI not on the account, 12 no line
 *   rental, 13 no credit (only when the account has a credit balance), 16 no data, 14 not hex,
 *   15 over 270 bytes. An Iridium queue already holding 50 answers `FAILED,99,System Error`: what
 *   Rock7 answers then is not documented [U].
 * - Credits are counted per message by the network (credits.ts); an account with a `credits`
 *   balance has them deducted as sessions succeed.
 */
import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { boundAddress, closeServer, listenOn } from '../../src/net/listen.js';
import { rockblockCredits } from '../../src/rockblock/credits.js';
import type { MoDelivery, SimulatedIridiumNetwork } from '../iridium/simulated-network.js';
import { PushDelivery, type PushDeliveryCounters } from './push-delivery.js';
import type { PushFormat } from './push-request.js';

/** One RockBLOCK on an account. */
export interface SimRockblock {
  imei: string;
  /** RockBLOCK serial number. Default: derived from the IMEI. */
  serial?: number;
  /** Line rental paid. Default true. */
  lineRental?: boolean;
  /** Where Iridium places it, degrees, and the CEP in km. Default a point in Hunan, 3 km. */
  latitude?: number;
  longitude?: number;
  cepKm?: number;
}

export interface SimAccount {
  username: string;
  password: string;
  /** Credit balance; undefined: unlimited. */
  credits?: number;
  devices: SimRockblock[];
}

export interface RockblockCloudOptions {
  network: SimulatedIridiumNetwork;
  account: SimAccount;
  /** The delivery group's URL; may be set later with {@link RockblockCloudSim.setPushUrl}. */
  pushUrl?: string;
  /** HTTP_JSON (default) or HTTP_POST (form). */
  pushFormat?: PushFormat;
  /** Signing key. Default: the repository's test key (test-key.ts), for tests only. */
  signingKey?: KeyObject;
  /** Send iridium_session_status, as 2020 pushes did. Default false (as 2023 pushes). */
  sessionStatusField?: boolean;
  /** Push retry waits, ms (push-delivery.ts). */
  pushRetryDelaysMs?: readonly number[];
  /** A push attempt's limit, ms. Default 3000. */
  pushTimeoutMs?: number;
  /** Unix seconds for the tokens' `iat`. Default from Date.now. */
  unixNow?: () => number;
  /** Devices seen in sessions join the account (for the standalone simulator). Default false. */
  autoRegister?: boolean;
  log?: Logger;
}

export interface RockblockCloudCounters extends PushDeliveryCounters {
  mtAccepted: number;
  mtRefused: number;
}

export const MT_PATH = '/rockblock/MT';

export class RockblockCloudSim {
  readonly network: SimulatedIridiumNetwork;
  readonly #account: SimAccount;
  readonly #devices = new Map<string, SimRockblock>();
  readonly #delivery: PushDelivery;
  readonly #sessionStatus: boolean;
  readonly #autoRegister: boolean;
  readonly #log: Logger;
  readonly #onMo: (mo: MoDelivery) => void;
  readonly #onMt: (mt: { imei: string; bytes: number }) => void;
  #pushUrl: string | undefined;
  #server: Server | undefined;
  #mtId = 5_000_000;
  #mtAccepted = 0;
  #mtRefused = 0;

  constructor(opts: RockblockCloudOptions) {
    this.network = opts.network;
    this.#account = opts.account;
    for (const d of opts.account.devices) this.#devices.set(d.imei, d);
    this.#pushUrl = opts.pushUrl;
    this.#sessionStatus = opts.sessionStatusField ?? false;
    this.#autoRegister = opts.autoRegister ?? false;
    this.#log = opts.log ?? silentLogger;
    this.#delivery = new PushDelivery({
      clock: opts.network.clock,
      url: () => this.#pushUrl,
      format: opts.pushFormat ?? 'json',
      ...(opts.signingKey ? { key: opts.signingKey } : {}),
      ...(opts.pushRetryDelaysMs ? { retryDelaysMs: opts.pushRetryDelaysMs } : {}),
      ...(opts.pushTimeoutMs !== undefined ? { timeoutMs: opts.pushTimeoutMs } : {}),
      ...(opts.unixNow ? { unixNow: opts.unixNow } : {}),
      log: this.#log,
    });
    this.#onMo = (mo) => this.#moSession(mo);
    this.#onMt = ({ imei, bytes }) => {
      if (this.#devices.has(imei) && this.#account.credits !== undefined)
        this.#account.credits -= rockblockCredits(bytes);
    };
    this.network.on('mo', this.#onMo);
    this.network.on('mt-delivered', this.#onMt);
  }

  /** Points the delivery group at `url` and tries the waiting pushes. */
  setPushUrl(url: string | undefined): void {
    this.#pushUrl = url;
    if (url !== undefined) this.#delivery.retryNow();
  }

  /** Adds a device to the account. */
  register(device: SimRockblock): void {
    this.#devices.set(device.imei, device);
  }

  /** The node:http listener for the MT API (other paths: 404). */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname !== MT_PATH) return void text(res, 404, 'Not Found');
    if (req.method !== 'POST') return void text(res, 405, 'Method Not Allowed', { Allow: 'POST' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 16_384) chunks.push(c);
    });
    req.on('end', () => {
      if (size > 16_384) return void text(res, 413, 'Payload Too Large');
      const params = new URLSearchParams(url.search);
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.set(k, v);
      text(res, 200, this.#mt(params));
    });
  };

  /** Serves the MT API; resolves with the bound address. */
  async listen(port = 0, host = '127.0.0.1'): Promise<AddressInfo> {
    const server = createServer(this.handle);
    const address = await listenOn(server, port, host);
    this.#server = server;
    return address;
  }

  /** The MT endpoint URL while listening. */
  mtUrl(): string {
    const a = boundAddress(this.#server);
    if (!a) throw new Error('the RockBLOCK cloud simulator is not listening');
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}${MT_PATH}`;
  }

  /** The account's remaining credits (undefined: unlimited). */
  get credits(): number | undefined {
    return this.#account.credits;
  }

  counters(): Readonly<RockblockCloudCounters> {
    return { ...this.#delivery.counters(), mtAccepted: this.#mtAccepted, mtRefused: this.#mtRefused };
  }

  /** Stops serving and delivering; detaches from the network. */
  async close(): Promise<void> {
    this.network.off('mo', this.#onMo);
    this.network.off('mt-delivered', this.#onMt);
    this.#delivery.close();
    const server = this.#server;
    this.#server = undefined;
    if (server) await closeServer(server);
  }

  #moSession(mo: MoDelivery): void {
    let device = this.#devices.get(mo.imei);
    if (!device && this.#autoRegister) {
      device = { imei: mo.imei };
      this.register(device);
    }
    if (!device) return; // another provider's modem
    if (this.#account.credits !== undefined)
      this.#account.credits -= rockblockCredits(mo.payload?.length ?? 0);
    this.#delivery.deliver({
      imei: mo.imei,
      serial: device.serial ?? 10_000 + (Number(mo.imei.slice(-4)) % 50_000),
      momsn: mo.momsn,
      at: mo.at,
      data: mo.payload ?? new Uint8Array(),
      latitude: device.latitude ?? 28.1942,
      longitude: device.longitude ?? 112.9823,
      cepKm: device.cepKm ?? 3,
      ...(this.#sessionStatus ? { sessionStatus: mo.sessionStatus } : {}),
    });
  }

  /** One MT API call: the response body. Credentials are compared, never logged. */
  #mt(params: URLSearchParams): string {
    const refuse = (code: number, description: string) => {
      this.#mtRefused++;
      this.#log.debug({ imei: params.get('imei'), code }, 'rockblock sim: MT refused');
      return `FAILED,${code},${description}`;
    };
    if (
      params.get('username') !== this.#account.username ||
      params.get('password') !== this.#account.password
    ) {
      return refuse(10, 'Invalid login credentials');
    }
    const imei = params.get('imei') ?? '';
    const device = this.#devices.get(imei);
    if (!device) return refuse(11, 'No RockBLOCK with this IMEI found on your account');
    if (device.lineRental === false) return refuse(12, 'RockBLOCK has no line rental');
    if (this.#account.credits !== undefined && this.#account.credits <= 0) {
      return refuse(13, 'Your account has insufficient credit');
    }
    const hex = params.get('data') ?? '';
    if (hex === '') return refuse(16, 'No data');
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return refuse(14, 'Could not decode hex data');
    const data = Buffer.from(hex, 'hex');
    if (data.length > this.network.maxMtBytes) return refuse(15, 'Data too long');
    const queued = this.network.queueMt(imei, data, { flush: params.get('flush') === 'yes' });
    if (!queued.ok) return refuse(99, 'System Error');
    this.#mtAccepted++;
    return `OK,${++this.#mtId}`;
  }
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
  res.end(body);
}
