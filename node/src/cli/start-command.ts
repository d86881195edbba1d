/**
 * `fieldnode start [--config FILE] [--data-dir DIR] [--adopt]`: the daemon's lifecycle
 * (docs/conventions.md §Layout and dependencies (main.ts), §Lifecycle and shutdown;
 * docs/operating.md §Starting and stopping, §Signals, §When a start fails).
 *
 * Order: configuration → root logger → createNode → start (abortable) → control socket →
 * sd_notify READY=1 and the watchdog, and the running line: how many links are up of those
 * configured, "degraded" when any is down. On SIGTERM or SIGINT: STOPPING=1, close the control
 * socket, stop the node, exit 0; a second signal exits 1 at once. SIGHUP stops the same way when the
 * daemon runs on a terminal (the terminal hung up: an SSH session dropped), and otherwise reloads the
 * configuration (config-reload.ts). A start that fails prints what is wrong, where and the fix on
 * standard error (start-failure.ts), logs its code, and exits 1; the stack trace is logged at
 * debug only. Without --config the node runs on the built-in default (a standalone node in
 * ./.fieldnode with no links), so `npm start` works on a fresh checkout. --data-dir overrides the
 * configuration's data_dir, as FIELDNODE_DATA_DIR does, and wins over it.
 */
import { closeSync } from 'node:fs';
import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import type { DestinationStream } from 'pino';
import type { CreateNode, NodeApp } from '../app-contract.js';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { defaultConfig, type LoadConfigOptions, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { AdjustableLogLevel } from '../daemon/adjustable-log-level.js';
import { ControlServer } from '../daemon/control-socket.js';
import { SdNotifier, type SdNotifierOptions } from '../daemon/sd-notify.js';
import { childLogger, createRootLogger } from '../log.js';
import { type KitPower, startKitPower } from '../power/kit-power.js';
import { parseOptions } from './args.js';
import { reloadConfig } from './config-reload.js';
import { runningLine } from './running-line.js';
import {
  explainStartFailure,
  formatStartFailure,
  type StartFailureBase,
  startFailureContext,
} from './start-failure.js';

type DaemonSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP';

/** Where signals come from; `process` in the daemon, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: DaemonSignal, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: DaemonSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** The daemon's terminal, as seen when it starts. */
export interface TerminalState {
  /** Standard input, output or error is a terminal: SIGHUP means it hung up. */
  attached: boolean;
  /** The log goes to that terminal: it can be written to no more. */
  logs: boolean;
  /** The descriptors that are the terminal, let go of after a stop on its hang-up. Default none. */
  fds?: readonly number[];
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
  /** Where the text of a failed start goes. Default standard error. */
  stderr?: (text: string) => void;
  /** The daemon's terminal, asked once at the start. Default: from descriptors 0, 1 and 2 (logs: 1, unless logDestination is given). */
  terminal?: () => TerminalState;
}

/** What the daemon keeps from its command line. */
interface DaemonOptions {
  /** Reads the configuration again, as at the start (SIGHUP). */
  load: () => Promise<Config>;
  level: AdjustableLogLevel;
  adopt: boolean;
  failure: StartFailureBase;
}

/** After a clean shutdown the process should end by itself; if a stray handle keeps it alive, this ends it, ms. */
const EXIT_GRACE_MS = 5000;

export async function startCommand(args: string[], deps: StartDeps = {}): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    config: { type: 'string' },
    'data-dir': { type: 'string' },
    adopt: { type: 'boolean' },
  });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `start takes no arguments, got ${positionals.join(' ')}`);
  const dataDirOption = values['data-dir'];
  if (dataDirOption !== undefined && dataDirOption.trim() === '')
    throw new KitError('CLI_USAGE', '--data-dir needs a directory');
  if (values.adopt === true && values.config === undefined)
    throw new KitError(
      'CLI_USAGE',
      '--adopt needs --config: it moves a data directory to the node a configuration names, ' +
        'and the built-in default is no such node',
    );
  const env = deps.config?.env ?? process.env;
  const cwd = deps.config?.cwd ?? process.cwd();
  // --data-dir is applied as FIELDNODE_DATA_DIR is, so the control socket's default follows it.
  const loadOptions: LoadConfigOptions = {
    ...deps.config,
    env: dataDirOption === undefined ? env : { ...env, FIELDNODE_DATA_DIR: dataDirOption },
  };
  const file = values.config;
  const load = () =>
    file === undefined ? Promise.resolve(defaultConfig(loadOptions)) : loadConfig(file, loadOptions);
  const config = await load();
  // The root logger writes everything; the level is applied in front of it, so SIGHUP can change it.
  const level = new AdjustableLogLevel(config.log.level);
  const log = level.wrap(createRootLogger({ ...config.log, level: 'trace' }, deps.logDestination));
  if (file === undefined) log.info({ dataDir: config.dataDir }, 'no --config: running the built-in default');
  const configFile = file === undefined ? undefined : resolve(cwd, file);
  const dataDirFrom =
    dataDirOption !== undefined
      ? '--data-dir'
      : env.FIELDNODE_DATA_DIR?.trim()
        ? 'FIELDNODE_DATA_DIR'
        : configFile === undefined
          ? 'the default data directory'
          : `data_dir in ${configFile}`;
  const code = await runDaemon(config, log, deps, {
    load,
    level,
    adopt: values.adopt === true,
    failure: { config, configFile, dataDirFrom },
  });
  const exit = deps.exit ?? ((n: number) => process.exit(n));
  setTimeout(() => exit(code), EXIT_GRACE_MS).unref();
  return code;
}

async function runDaemon(config: Config, log: Logger, deps: StartDeps, o: DaemonOptions): Promise<number> {
  const signals = deps.signals ?? process;
  const exit = deps.exit ?? ((n: number) => process.exit(n));
  // Looked at now: once the terminal has hung up, its descriptors no longer say they are one.
  const terminal = (deps.terminal ?? (() => processTerminal(deps.logDestination === undefined)))();
  const notifier = new SdNotifier({ ...deps.notify, log: childLogger(log, 'sd-notify') });
  const startAbort = new AbortController();
  let requested: NodeJS.Signals | undefined;
  let onStopRequest: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    onStopRequest = resolve;
  });
  const requestStop = (signal: NodeJS.Signals, why: string) => {
    requested = signal;
    log.info({ signal }, why);
    startAbort.abort(new Error(`${signal} received during start`));
    onStopRequest();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested !== undefined) {
      log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    requestStop(signal, 'stopping');
  };
  let reloads = Promise.resolve();
  let hungUp = false;
  const onHangup = () => {
    // A hang-up repeats (the kernel and the shell both send one): once stopping, it changes nothing.
    if (requested !== undefined) return;
    if (terminal.attached) {
      hungUp = true;
      // Writing to a terminal that hung up fails (EIO): the log there ends here.
      if (terminal.logs) o.level.level = 'silent';
      requestStop(
        'SIGHUP',
        'the terminal hung up: stopping (under systemd or nohup, SIGHUP reloads instead)',
      );
      return;
    }
    log.info({ signal: 'SIGHUP' }, 'SIGHUP: reloading the configuration');
    reloads = reloads.then(() => reloadConfig({ load: o.load, running: config, level: o.level, log }));
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
  signals.on('SIGHUP', onHangup);

  let app: NodeApp | undefined;
  let control: ControlServer | undefined;
  let code = 0;
  let power: KitPower | undefined;
  let powerExit = 0;
  try {
    const createNode = deps.createNode ?? (await loadCreateNode());
    // The battery is read before the node is built: a low one builds it in its low-power mode.
    power = await startKitPower(config, childLogger(log, 'power'), {
      supervised: (deps.config?.env ?? process.env).INVOCATION_ID !== undefined,
      stop: (exitCode, why) => {
        if (requested !== undefined) return;
        powerExit = exitCode;
        requestStop('SIGTERM', why);
      },
    });
    const kitPower = power.power;
    app = await createNode(power.config, {
      log,
      ...(o.adopt ? { adopt: true } : {}),
      ...(kitPower === undefined ? {} : { power: kitPower }),
    });
    await app.start(startAbort.signal);
    if (requested === undefined) {
      const running = app;
      control = new ControlServer({
        socketPath: config.control.socket,
        status: () => running.status(),
        release: (item) => running.release(item),
        ...(running.commands === undefined ? {} : { commands: running.commands() }),
        log: childLogger(log, 'control'),
      });
      await control.start();
      const line = runningLine(config, running.status());
      running.markReady?.();
      await notifier.ready(line.notify);
      notifier.startWatchdog();
      log[line.level](line.fields, line.msg);
    }
    await stopRequested;
  } catch (err) {
    if (requested !== undefined && startAbort.signal.aborted) {
      log.info({ signal: requested }, 'start aborted by a stop request');
      log.debug({ err }, 'start aborted: the error in full');
    } else {
      const text = explainStartFailure(err, await startFailureContext(err, o.failure));
      (deps.stderr ?? ((t: string) => void process.stderr.write(t)))(formatStartFailure(text));
      log.error({ code: text.code, problem: text.problem, where: text.where, fix: text.fix }, 'start failed');
      log.debug({ err }, 'start failed: the error in full');
      code = 1;
    }
  }

  await power?.monitor?.stop();
  if (requested !== undefined) await notifier.stopping();
  // systemd keeps watching through the stop, which may take as long as WatchdogSec (an SBD
  // session, docs/pi-kit.md §The service): the pings end only once the node has closed.
  code = Math.max(
    code,
    await closeQuietly(log, 'control socket', control),
    await closeQuietly(log, 'node', app),
  );
  notifier.stopWatchdog();
  // A stop for the battery says so in its exit code (docs/pi-kit.md §The service).
  if (powerExit !== 0) code = powerExit;
  await reloads;
  signals.off('SIGTERM', onSignal);
  signals.off('SIGINT', onSignal);
  signals.off('SIGHUP', onHangup);
  log.info({ exitCode: code }, 'stopped');
  if (hungUp) releaseTerminal(terminal.fds ?? []);
  return code;
}

/** The process's own terminal, if any: asked of the descriptors, without opening process.stdin. */
function processTerminal(logsToStdout: boolean): TerminalState {
  const fds = [0, 1, 2].filter((fd) => isatty(fd));
  return { attached: fds.length > 0, logs: logsToStdout && fds.includes(1), fds };
}

/**
 * Lets go of the descriptors of a terminal that hung up, at the end of the stop. Node puts a
 * terminal's settings back as it exits, and aborts (a native assertion, exit by SIGABRT) when that
 * fails, as it does with EIO on a terminal that is gone; it skips a descriptor that is closed.
 */
function releaseTerminal(fds: readonly number[]): void {
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      // Closed already: nothing to let go of.
    }
  }
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
