/**
 * `fieldnode start [--config FILE]`: the daemon's lifecycle (docs/conventions.md §Layout and dependencies (main.ts), §Lifecycle and shutdown).
 *
 * Order: configuration → root logger → createNode → start (abortable) → control socket →
 * sd_notify READY=1 and the watchdog. On SIGTERM or SIGINT: STOPPING=1, close the control socket,
 * stop the node, exit 0; a second signal exits 1 at once. A start that fails is logged with its
 * error code and exits 1. Without --config the node runs on the built-in default (a standalone
 * node in ./.fieldnode with no links), so `npm start` works on a fresh checkout.
 */
import type { DestinationStream } from 'pino';
import type { CreateNode, NodeApp } from '../app-contract.js';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { defaultConfig, type LoadConfigOptions, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ControlServer } from '../daemon/control-socket.js';
import { SdNotifier, type SdNotifierOptions } from '../daemon/sd-notify.js';
import { childLogger, createRootLogger } from '../log.js';
import { parseOptions } from './args.js';

/** Where shutdown signals come from; `process` in the daemon, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
}

/** What the daemon uses from its surroundings; each defaults to the real process. */
export interface StartDeps {
  /** The composition root. Default: `createNode` of node/src/app.ts, loaded when the daemon starts. */
  createNode?: CreateNode;
  /** Default `process`. */
  signals?: SignalSource;
  /** Ends the process at once: a second signal, or a shutdown that leaves something running. Default `process.exit`. */
  exit?: (code: number) => void;
  /** Where log lines go. Default standard output. */
  logDestination?: DestinationStream;
  /** sd_notify environment and sender. Default: the process environment and `systemd-notify`. */
  notify?: Omit<SdNotifierOptions, 'log'>;
  /** Environment and working directory for the configuration. Default: the process's. */
  config?: LoadConfigOptions;
}

/** After a clean shutdown the process should end by itself; if a stray handle keeps it alive, this ends it, ms. */
const EXIT_GRACE_MS = 5000;

export async function startCommand(args: string[], deps: StartDeps = {}): Promise<number> {
  const { values, positionals } = parseOptions(args, { config: { type: 'string' } });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `start takes no arguments, got ${positionals.join(' ')}`);
  const config =
    values.config === undefined ? defaultConfig(deps.config) : await loadConfig(values.config, deps.config);
  const log = createRootLogger(config.log, deps.logDestination);
  if (values.config === undefined)
    log.info({ dataDir: config.dataDir }, 'no --config: running the built-in default');
  const code = await runDaemon(config, log, deps);
  const exit = deps.exit ?? ((n: number) => process.exit(n));
  setTimeout(() => exit(code), EXIT_GRACE_MS).unref();
  return code;
}

async function runDaemon(config: Config, log: Logger, deps: StartDeps): Promise<number> {
  const signals = deps.signals ?? process;
  const exit = deps.exit ?? ((n: number) => process.exit(n));
  const notifier = new SdNotifier({ ...deps.notify, log: childLogger(log, 'sd-notify') });
  const startAbort = new AbortController();
  let requested: NodeJS.Signals | undefined;
  let onStopRequest: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    onStopRequest = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested !== undefined) {
      log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    requested = signal;
    log.info({ signal }, 'stopping');
    startAbort.abort(new Error(`${signal} received during start`));
    onStopRequest();
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);

  let app: NodeApp | undefined;
  let control: ControlServer | undefined;
  let code = 0;
  try {
    const createNode = deps.createNode ?? (await loadCreateNode());
    app = await createNode(config, { log });
    await app.start(startAbort.signal);
    if (requested === undefined) {
      const running = app;
      control = new ControlServer({
        socketPath: config.control.socket,
        status: () => running.status(),
        release: (item) => running.release(item),
        log: childLogger(log, 'control'),
      });
      await control.start();
      const { id, role } = config.node;
      await notifier.ready(`node ${id} (${role}) running`);
      notifier.startWatchdog();
      log.info({ node: id, role, dataDir: config.dataDir, links: config.links.length }, 'fieldnode running');
    }
    await stopRequested;
  } catch (err) {
    if (requested !== undefined && startAbort.signal.aborted) {
      log.info({ err }, 'start aborted by a stop request');
    } else {
      log.error({ err, code: (err as { code?: unknown }).code ?? 'UNCODED' }, 'start failed');
      code = 1;
    }
  }

  notifier.stopWatchdog();
  if (requested !== undefined) await notifier.stopping();
  code = Math.max(
    code,
    await closeQuietly(log, 'control socket', control),
    await closeQuietly(log, 'node', app),
  );
  signals.off('SIGTERM', onSignal);
  signals.off('SIGINT', onSignal);
  log.info({ exitCode: code }, 'stopped');
  return code;
}

/** Stops one part; a failure is logged and makes the exit code 1, and the next part still stops. */
async function closeQuietly(
  log: Logger,
  what: string,
  part: { close(): Promise<void> } | { stop(): Promise<void> } | undefined,
): Promise<number> {
  if (part === undefined) return 0;
  try {
    await ('close' in part ? part.close() : part.stop());
    return 0;
  } catch (err) {
    log.error({ err }, `stopping the ${what} failed`);
    return 1;
  }
}

/**
 * Loads the composition root at run time: the other commands never load the store or the links,
 * and this file builds before app.ts exists.
 */
async function loadCreateNode(): Promise<CreateNode> {
  const mod = (await import(new URL('../app.js', import.meta.url).href)) as { createNode?: unknown };
  if (typeof mod.createNode !== 'function') throw new TypeError('node/src/app.ts does not export createNode');
  return mod.createNode as CreateNode;
}
