/**
 * `fieldnode sim meshtastic`: runs one simulated Meshtastic device for a client to talk to
 * (docs/meshtastic.md §8.8), on TCP (like meshtasticd, port 4403) or on a pseudo-terminal
 * (like a board on /dev/ttyUSB0), until SIGINT or SIGTERM. Without a medium, its mesh side is
 * scripted: a lonely device, by default with one echo peer that sends text and PRIVATE_APP
 * payloads back and ACKs DMs to it, so a client sees traffic.
 *
 *   fieldnode sim meshtastic --tcp PORT | --pty [--link PATH] [options]
 */
import { parseArgs } from 'node:util';
import { KitError } from '../../../node/src/base/errors.js';
import { RealClock } from '../../../node/src/link/clock.js';
import { DeviceRole, ModemPreset, RebroadcastMode, RegionCode } from '../../src/meshtastic/constants.js';
import { nodeId } from './config-dump-messages.js';
import { deviceProfile } from './firmware-profile.js';
import { type Misreport, parseMisreport } from './misreport.js';
import { PtyDevice } from './pty-device.js';
import { ScriptedMeshSide } from './scripted-mesh-side.js';
import { SimulatedDevice } from './simulated-device.js';
import { MeshtasticTcpServer } from './tcp-server.js';

export const SIM_USAGE = `Usage: fieldnode sim meshtastic (--tcp PORT | --pty [--link PATH]) [options]

  --tcp PORT          serve the stream API on 127.0.0.1:PORT, one client at a time (as meshtasticd)
  --pty               make a pseudo-terminal pair with socat and print the host end's path
  --link PATH         where the host end appears (default: a new temporary directory)
  --native-usb        with --pty: a native-USB board (the port vanishes on reboot), not a UART bridge
  --node-num N        this device's node number, decimal, 0x… or !… (default !0a0b0c0d)
  --firmware V        2.6 or 2.7, or a full tag such as 2.7.4.c1f4f79 (default 2.6)
  --region NAME       LoRa region, e.g. CN, US, EU_868 (default CN)
  --preset NAME       modem preset, e.g. LONG_FAST, LONG_SLOW (default LONG_FAST)
  --role NAME         device role at power-up, e.g. CLIENT, ROUTER (default CLIENT)
  --rebroadcast NAME  rebroadcast mode at power-up, e.g. ALL, CORE_PORTNUMS_ONLY (default ALL)
  --misreport F=V     the config dump reports field F (lora.hop_limit, device.rebroadcast_mode, …)
                      as V, whatever was written: a read-back fault (repeatable)
  --debug-text        print the firmware's log lines on the serial port, as real devices do
  --lonely            no echo peer
  --seed N            seed of the simulation's randomness (default 1)
`;

export interface SimArgs {
  transport: { kind: 'tcp'; port: number } | { kind: 'pty'; link?: string; nativeUsb: boolean };
  nodeNum: number;
  firmware: string;
  region: number;
  preset: number;
  /** Default CLIENT. */
  role?: number;
  /** Default ALL. */
  rebroadcastMode?: number;
  /** Default none. */
  misreport?: Misreport[];
  debugText: boolean;
  lonely: boolean;
  seed: number;
}

const ECHO_PEER = 0x0e0e0e0e;

function usage(message: string): KitError {
  return new KitError('CLI_USAGE', `${message}\n\n${SIM_USAGE}`);
}

function integer(text: string, what: string, max: number): number {
  const t = text.startsWith('!') ? `0x${text.slice(1)}` : text;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 0 || n > max) throw usage(`bad ${what} ${JSON.stringify(text)}`);
  return n;
}

function named(table: Record<string, number>, text: string, what: string): number {
  const v = table[text.toUpperCase()];
  if (v === undefined)
    throw usage(`unknown ${what} ${JSON.stringify(text)}; one of ${Object.keys(table).join(', ')}`);
  return v;
}

const OPTIONS = {
  tcp: { type: 'string' },
  pty: { type: 'boolean' },
  link: { type: 'string' },
  'native-usb': { type: 'boolean' },
  'node-num': { type: 'string' },
  firmware: { type: 'string' },
  region: { type: 'string' },
  preset: { type: 'string' },
  role: { type: 'string' },
  rebroadcast: { type: 'string' },
  misreport: { type: 'string', multiple: true },
  'debug-text': { type: 'boolean' },
  lonely: { type: 'boolean' },
  seed: { type: 'string' },
} as const;

const parseRaw = (args: string[]) =>
  parseArgs({ args, strict: true, allowPositionals: false, options: OPTIONS });

export function parseSimArgs(args: string[]): SimArgs {
  let parsed: ReturnType<typeof parseRaw>;
  try {
    parsed = parseRaw(args);
  } catch (cause) {
    throw new KitError('CLI_USAGE', `${(cause as Error).message}\n\n${SIM_USAGE}`, { cause });
  }
  const v = parsed.values;
  if ((v.tcp === undefined) === (v.pty !== true)) throw usage('give exactly one of --tcp PORT and --pty');
  if (v.link !== undefined && v.pty !== true) throw usage('--link goes with --pty');
  if (v['native-usb'] === true && v.pty !== true) throw usage('--native-usb goes with --pty');
  const nodeNum =
    v['node-num'] === undefined ? 0x0a0b0c0d : integer(v['node-num'], 'node number', 0xfffffffe);
  if (nodeNum === 0) throw usage('node number 0 is not a node');
  const firmware = v.firmware ?? '2.6';
  try {
    deviceProfile({ firmware });
  } catch (cause) {
    throw new KitError('CLI_USAGE', `bad --firmware: ${(cause as Error).message}`, { cause });
  }
  return {
    transport:
      v.tcp !== undefined
        ? { kind: 'tcp', port: integer(v.tcp, 'port', 65535) }
        : {
            kind: 'pty',
            ...(v.link === undefined ? {} : { link: v.link }),
            nativeUsb: v['native-usb'] === true,
          },
    nodeNum,
    firmware,
    region: named(RegionCode, v.region ?? 'CN', 'region'),
    preset: named(ModemPreset, v.preset ?? 'LONG_FAST', 'modem preset'),
    role: named(DeviceRole, v.role ?? 'CLIENT', 'device role'),
    rebroadcastMode: named(RebroadcastMode, v.rebroadcast ?? 'ALL', 'rebroadcast mode'),
    misreport: (v.misreport ?? []).map((m) => {
      try {
        return parseMisreport(m);
      } catch (cause) {
        throw new KitError('CLI_USAGE', `bad --misreport: ${(cause as Error).message}`, { cause });
      }
    }),
    debugText: v['debug-text'] === true,
    lonely: v.lonely === true,
    seed: v.seed === undefined ? 1 : integer(v.seed, 'seed', 0xffffffff),
  };
}

export interface RunningSim {
  device: SimulatedDevice;
  /** "tcp 127.0.0.1:4403" or "pty /tmp/…/host". */
  where: string;
  /** The TCP port or the pty's host path. */
  address: string;
  close(): Promise<void>;
}

export interface SimTuning {
  /** How long the echo peer takes to answer, ms. Default 1500. */
  echoDelayMs?: number;
}

/** Starts the device and its transport; `close` stops both. */
export async function startMeshtasticSim(a: SimArgs, tuning: SimTuning = {}): Promise<RunningSim> {
  const clock = new RealClock();
  const mesh = new ScriptedMeshSide({
    nodeNum: a.nodeNum,
    clock,
    region: a.region,
    preset: a.preset,
    ...(a.lonely ? {} : { echoPeer: { nodeNum: ECHO_PEER, delayMs: tuning.echoDelayMs ?? 1500 } }),
  });
  const tcp = a.transport.kind === 'tcp';
  const device = new SimulatedDevice({
    meshSide: mesh,
    clock,
    seed: a.seed,
    profile: deviceProfile({
      firmware: a.firmware,
      transport: a.transport.kind === 'tcp' ? 'tcp' : a.transport.nativeUsb ? 'native-usb' : 'uart',
      native: tcp,
    }),
    bootText: !tcp,
    debugText: a.debugText ? { periodicMs: 15_000 } : false,
    misreport: a.misreport ?? [],
    settings: {
      region: a.region,
      modemPreset: a.preset,
      role: a.role ?? DeviceRole.CLIENT,
      rebroadcastMode: a.rebroadcastMode ?? RebroadcastMode.ALL,
      nodes: a.lonely ? [] : [{ num: ECHO_PEER, longName: 'Echo peer', shortName: 'ECHO', lastHeard: 0 }],
    },
  });
  if (a.transport.kind === 'tcp') {
    device.start();
    const server = new MeshtasticTcpServer({ device, port: a.transport.port });
    try {
      const { host, port } = await server.listen();
      return {
        device,
        where: `tcp ${host}:${port}`,
        address: String(port),
        close: async () => {
          await server.close();
          device.stop();
        },
      };
    } catch (err) {
      device.stop();
      throw err;
    }
  }
  const pty = new PtyDevice({
    device,
    ...(a.transport.link === undefined ? {} : { hostPath: a.transport.link }),
  });
  await pty.open();
  device.start();
  return {
    device,
    where: `pty ${pty.hostPath}`,
    address: pty.hostPath,
    close: async () => {
      device.stop();
      await pty.close();
    },
  };
}

export interface SimCommandIo {
  /** Ends the run instead of SIGINT/SIGTERM (tests). */
  signal?: AbortSignal;
  /** Default process.stdout. */
  out?: NodeJS.WritableStream;
}

/** `fieldnode sim meshtastic …`: `args` is what follows `meshtastic`. Returns the exit code. */
export async function meshtasticSimCommand(args: string[], io: SimCommandIo = {}): Promise<number> {
  const a = parseSimArgs(args);
  const out = io.out ?? process.stdout;
  const sim = await startMeshtasticSim(a);
  out.write(
    `simulated meshtastic device ${nodeId(a.nodeNum)} (firmware ${sim.device.profile.firmware.text}) on ${sim.where}\n`,
  );
  if (!a.lonely) out.write(`echo peer ${nodeId(ECHO_PEER)} answers text and PRIVATE_APP packets\n`);
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      io.signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (io.signal?.aborted === true) done();
    else io.signal?.addEventListener('abort', done);
  });
  await sim.close();
  out.write('simulated meshtastic device stopped\n');
  return 0;
}
