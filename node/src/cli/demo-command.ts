/**
 * `fieldnode demo [--fresh] [--lan] [--dir DIR]`: the demonstration county, what `npm start` runs
 * on a fresh clone with no hardware and no configuration (docs/demo-county.md; docs/design.md
 * §Other parts, the embedded default): a centre, a township gateway with a satellite modem, three village kits and
 * a rescue team, each a real fieldnode, joined by simulated radios and a simulated satellite.
 *
 * It prints the banner once every link is up (or the wait is over) and runs until SIGINT or
 * SIGTERM, which stop every node and then the simulators; a second signal exits 1 at once. The
 * state stays in DIR (default ./.fieldnode-demo) for the next run; --fresh removes that folder
 * first, and only if it is a demonstration county's (docs/demo-county.md §State). The web ports
 * listen on 127.0.0.1 unless --lan says every address, which the banner warns about.
 *
 * Logs go to standard output as the daemon's do (FIELDNODE_LOG_LEVEL, FIELDNODE_LOG_FORMAT).
 */
import { resolve } from 'node:path';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../config/schema.js';
import { countyBanner } from '../demo/county-banner.js';
import { removeCounty } from '../demo/county-record.js';
import { DEFAULT_DEMO_DIR, DemoPaths } from '../demo/demo-paths.js';
import { type DemoCountyOptions, type RunningCounty, startDemoCounty } from '../demo/run-county.js';
import { createRootLogger } from '../log.js';
import { parseOptions } from './args.js';
import type { SignalSource } from './start-command.js';

export interface DemoCommandDeps {
  /** Default `process`. */
  signals?: Pick<SignalSource, 'on' | 'off'>;
  /** Ends the process at once (a second signal, or a stop that leaves something running). Default `process.exit`. */
  exit?: (code: number) => void;
  /** Where the banner goes. Default standard output. */
  out?: (text: string) => void;
  /** Default: the root logger, to standard output. */
  log?: Logger;
  /** Default `process.cwd()`. */
  cwd?: string;
  /** Default `process.env`: FIELDNODE_LOG_LEVEL and FIELDNODE_LOG_FORMAT. */
  env?: NodeJS.ProcessEnv;
  /** Settings of the county the command line does not offer (tests shorten its waits). */
  county?: Omit<DemoCountyOptions, 'dir' | 'lan' | 'log' | 'signal'>;
  /** Called with the running county once the banner is out (tests). */
  onRunning?: (county: RunningCounty) => void;
}

/** After a clean stop the process should end by itself; if a stray handle keeps it alive, this ends it, ms. */
const EXIT_GRACE_MS = 5000;

export async function demoCommand(args: string[], deps: DemoCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    fresh: { type: 'boolean' },
    lan: { type: 'boolean' },
    dir: { type: 'string' },
  });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `demo takes no arguments, got ${positionals.join(' ')}`);
  if (values.dir !== undefined && values.dir.trim() === '')
    throw new KitError('CLI_USAGE', '--dir needs a folder');
  const cwd = deps.cwd ?? process.cwd();
  const paths = new DemoPaths(resolve(cwd, values.dir ?? DEFAULT_DEMO_DIR));
  const out = deps.out ?? ((text: string) => void process.stdout.write(text));
  const log = deps.log ?? rootLogger(deps.env ?? process.env);
  const lan = values.lan === true;

  if (values.fresh === true && (await removeCounty(paths)))
    log.info({ dir: paths.dir }, '--fresh: removed the demonstration county; making a new one');

  const signals = deps.signals ?? process;
  const exit = deps.exit ?? ((n: number) => process.exit(n));
  const abort = new AbortController();
  let requested = false;
  let onStop: () => void = () => {};
  const stopRequested = new Promise<void>((r) => {
    onStop = r;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) {
      log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    requested = true;
    log.info(
      { signal },
      'stopping the demonstration county (a satellite session under way ends first, up to 20 s; a second signal exits at once)',
    );
    abort.abort(new Error(`${signal} received during start`));
    onStop();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  try {
    let county: RunningCounty;
    try {
      county = await startDemoCounty({ ...deps.county, dir: paths.dir, lan, log, signal: abort.signal });
    } catch (err) {
      if (requested && abort.signal.aborted) {
        log.info('start aborted by a stop request');
        return 0;
      }
      throw err;
    }
    out(countyBanner(county, { cwd }));
    if (lan)
      log.warn({ host: county.webHost }, '--lan: the web ports listen on every address of this machine');
    deps.onRunning?.(county);
    await stopRequested;
    const code = await county.stop();
    log.info({ exitCode: code }, 'the demonstration county stopped');
    setTimeout(() => exit(code), EXIT_GRACE_MS).unref();
    return code;
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
}

/** The daemon's root logger, with the environment's level and format when they are valid. */
function rootLogger(env: NodeJS.ProcessEnv): Logger {
  const level = env.FIELDNODE_LOG_LEVEL?.trim();
  const format = env.FIELDNODE_LOG_FORMAT?.trim();
  return createRootLogger({
    level: (LOG_LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'info',
    format: (LOG_FORMATS as readonly string[]).includes(format ?? '') ? (format as LogFormat) : 'auto',
  });
}
