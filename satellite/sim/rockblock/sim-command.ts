/**
 * `fieldnode sim rockblock --port PORT [--push-url URL] …`: the simulated Iridium network with the
 * simulated RockBLOCK web services on it, on their own (docs/iridium.md §2, §7.4), so a
 * centre can be pointed at them: MO sessions become Rock7-shaped pushes to --push-url, signed
 * with the simulator's own RSA key, and the MT API answers on http://HOST:PORT/rockblock/MT. It
 * runs until SIGINT or SIGTERM.
 *
 * The key is made on first run and kept in --key-dir (sim-signing-key.ts); its public half is
 * written there as push-verify-key.pem, the file the centre's `verify_key_file` names, and printed
 * at start. It is never the repository's test key (test-key.ts), which anyone can sign with and a
 * centre refuses outside the test runner (docs/keys.md §Test keys in this repository).
 *
 * Kits come in three ways: `--pty` puts a simulated 9603 modem on a pseudo-terminal for a kit's
 * SBD link (needs socat), and the HTTP endpoint `POST /sim/session` (form or JSON: imei, data as
 * hex, empty for a mailbox check) runs one session by hand, e.g. with curl. `GET /sim/status`
 * shows the counters. Devices join the account when first seen.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KitError } from '../../../node/src/base/errors.js';
import { RealClock } from '../../../node/src/link/clock.js';
import { closeServer, listenOn } from '../../src/net/listen.js';
import { MT_PASSWORD_ENV, MT_USERNAME_ENV } from '../../src/rockblock/mt-client.js';
import { hexToBytes } from '../../src/rockblock/push-claims.js';
import { SimulatedIridiumNetwork } from '../iridium/simulated-network.js';
import { runUntilSignal, type SimIo, untilAborted } from '../run-until-signal.js';
import { parseSimArgs, stringOption, usageError } from '../sim-args.js';
import { MT_PATH, RockblockCloudSim } from './rockblock-cloud.js';
import { DEFAULT_SIM_KEY_DIR, loadOrCreateSimSigningKey, SIM_PUBLIC_KEY_FILE } from './sim-signing-key.js';

export const ROCKBLOCK_SIM_USAGE = `Usage: fieldnode sim rockblock --port PORT [options]

The simulated Iridium network and RockBLOCK web services, until Ctrl-C.

  --port PORT          serve the MT API (POST /rockblock/MT) and /sim/* on PORT (required)
  --host HOST          the address to serve on (default 127.0.0.1)
  --push-url URL       POST MO pushes (signed with the simulator's own key) to URL
  --push-format F      json (HTTP_JSON, default) or form (HTTP_POST)
  --imei N             a RockBLOCK on the account (repeatable; others join when first seen)
  --pty                also run a simulated 9603 modem on a pseudo-terminal (needs socat)
  --link PATH          with --pty: make PATH a symlink to the modem's terminal
  --modem-imei N       with --pty: the modem's IMEI (default 300534060000001)
  --key-dir DIR        where the simulator keeps the RSA key it signs pushes with, made on first
                       run (default ./${DEFAULT_SIM_KEY_DIR}); the centre's verify_key_file
                       names DIR/${SIM_PUBLIC_KEY_FILE}

The MT API takes the credentials in $${MT_USERNAME_ENV} and $${MT_PASSWORD_ENV}
(default "sim" and "sim"). POST /sim/session with imei and data (hex) runs a session by hand;
GET /sim/status prints the counters as JSON.
`;

export interface RockblockSimIo extends SimIo {
  env?: Readonly<Record<string, string | undefined>>;
}

const usage = (message: string): KitError => usageError(ROCKBLOCK_SIM_USAGE, message);

const IMEI = /^\d{15}$/;

/** Runs the simulator until `io.stop` aborts; returns the exit code. */
export async function runRockblockSim(args: string[], io: RockblockSimIo): Promise<number> {
  const values = parseSimArgs(
    args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      'push-url': { type: 'string' },
      'push-format': { type: 'string' },
      imei: { type: 'string', multiple: true },
      pty: { type: 'boolean' },
      link: { type: 'string' },
      'modem-imei': { type: 'string' },
      'key-dir': { type: 'string' },
    },
    ROCKBLOCK_SIM_USAGE,
    io,
  );
  if (values === undefined) return 0;
  const str = (k: string): string | undefined => stringOption(values, k);
  const portText = str('port');
  const port = Number(portText);
  if (portText === undefined || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw usage(`--port must be a port number, not ${JSON.stringify(portText ?? '')}`);
  }
  const host = str('host') ?? '127.0.0.1';
  const pushUrl = str('push-url');
  if (pushUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(pushUrl);
    } catch {
      throw usage(`--push-url is not a URL: ${JSON.stringify(pushUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage('--push-url must be http(s)');
  }
  const format = str('push-format') ?? 'json';
  if (format !== 'json' && format !== 'form')
    throw usage(`--push-format is json or form, not ${JSON.stringify(format)}`);
  const imeis = (values.imei as string[] | undefined) ?? [];
  for (const imei of imeis)
    if (!IMEI.test(imei)) throw usage(`an IMEI has 15 digits, not ${JSON.stringify(imei)}`);
  const modemImei = str('modem-imei') ?? '300534060000001';
  if (!IMEI.test(modemImei)) throw usage(`an IMEI has 15 digits, not ${JSON.stringify(modemImei)}`);

  const keyDir = str('key-dir') ?? DEFAULT_SIM_KEY_DIR;
  if (keyDir === '') throw usage('--key-dir must name a directory');
  // Its own key, never the repository's: a centre trusting a published key would trust anyone.
  const key = await loadOrCreateSimSigningKey(keyDir);

  const env = io.env ?? process.env;
  const clock = new RealClock();
  const network = new SimulatedIridiumNetwork({ clock });
  const cloud = new RockblockCloudSim({
    network,
    account: {
      username: env[MT_USERNAME_ENV] || 'sim',
      password: env[MT_PASSWORD_ENV] || 'sim',
      devices: [...imeis, ...(values.pty === true ? [modemImei] : [])].map((imei) => ({ imei })),
    },
    ...(pushUrl !== undefined ? { pushUrl } : {}),
    pushFormat: format,
    signingKey: key.privateKey,
    autoRegister: true,
  });
  network.on('mo', (mo) => {
    const what = mo.payload === undefined ? 'mailbox check' : `${mo.payload.length} bytes`;
    io.out(`MO ${mo.imei} MOMSN ${mo.momsn}: ${what}${mo.mtmsn ? `, MT ${mo.mtmsn} delivered` : ''}\n`);
  });
  network.on('mt-queued', (mt) =>
    io.out(`MT queued for ${mt.imei}: MTMSN ${mt.mtmsn}, ${mt.queued} waiting\n`),
  );

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === MT_PATH) cloud.handle(req, res);
    else void simRoute(req, res, path, network, cloud);
  });
  let bound: AddressInfo;
  try {
    bound = await listenOn(server, port, host);
  } catch (err) {
    await cloud.close();
    network.close();
    throw new KitError('CLI_USAGE', `cannot listen on ${host}:${port}: ${(err as Error).message}`, {
      cause: err,
    });
  }

  let modem: { hostPath: string; close(): Promise<void> } | undefined;
  if (values.pty === true) {
    const { startPtyModem } = await import('../iridium/pty-modem.js');
    const link = str('link');
    try {
      modem = await startPtyModem({ clock, network, imei: modemImei, ...(link ? { linkPath: link } : {}) });
    } catch (err) {
      // No pty (socat not installed: TOOL_MISSING): stop what is running, or the command would
      // print the error and then hang on its open server.
      await closeServer(server);
      await cloud.close();
      network.close();
      throw err;
    }
  }

  io.out(
    `RockBLOCK simulator: MT API http://${host}:${bound.port}${MT_PATH}` +
      `${pushUrl ? `, pushes (${format}) to ${pushUrl}` : ', no push URL (pushes wait)'}` +
      `${modem ? `, modem ${modemImei} on ${modem.hostPath}` : ''}. Ctrl-C stops it.\n` +
      `Pushes are signed with the simulator's own key, ${key.created ? 'made now' : 'kept'} in ${keyDir}. ` +
      `Set the centre's verify_key_file to ${key.publicKeyFile}, which holds:\n${key.publicKeyPem}`,
  );
  await untilAborted(io.stop);
  await modem?.close();
  await closeServer(server);
  await cloud.close();
  network.close();
  io.out('RockBLOCK simulator stopped.\n');
  return 0;
}

/** /sim/session and /sim/status. */
async function simRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string | undefined,
  network: SimulatedIridiumNetwork,
  cloud: RockblockCloudSim,
): Promise<void> {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };
  if (path === '/sim/status' && req.method === 'GET') return json(200, cloud.counters());
  if (path !== '/sim/session') return json(404, { error: 'not found' });
  if (req.method !== 'POST') return json(405, { error: 'POST only' });
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
    if (chunks.reduce((n, b) => n + b.length, 0) > 16_384) return json(413, { error: 'too large' });
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let fields: Record<string, unknown>;
  try {
    fields = (req.headers['content-type'] ?? '').includes('json')
      ? (JSON.parse(text) as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(text));
  } catch {
    return json(400, { error: 'not JSON' });
  }
  const imei = String(fields.imei ?? '');
  const data = hexToBytes(String(fields.data ?? ''));
  if (!IMEI.test(imei)) return json(400, { error: 'imei must be 15 digits' });
  if (data === undefined || data.length > 340)
    return json(400, { error: 'data must be hex, at most 340 bytes' });
  const account = network.account(imei);
  const momsn = account.lastMomsn === undefined ? 0 : (account.lastMomsn + 1) % 65_536;
  const result = network.session({ imei, momsn, mo: data.length > 0 ? data : undefined, at: Date.now() });
  return json(200, {
    moStatus: result.moStatus,
    momsn,
    mt: result.mt ? { mtmsn: result.mt.mtmsn, data: Buffer.from(result.mt.payload).toString('hex') } : null,
    mtQueued: result.mtQueued,
  });
}

/** The CLI entry: runs the simulator until SIGINT or SIGTERM. */
export function rockblockSimCommand(args: string[]): Promise<number> {
  return runUntilSignal((io) => runRockblockSim(args, io));
}
