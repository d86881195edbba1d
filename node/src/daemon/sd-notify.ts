/**
 * systemd readiness, status and watchdog notifications without native code (sd_notify(3);
 * docs/conventions.md §Lifecycle and shutdown: READY=1 after listen, STOPPING=1 on SIGTERM, WATCHDOG=1 at half WATCHDOG_USEC).
 *
 * The protocol is one AF_UNIX SOCK_DGRAM datagram of "KEY=value" lines to $NOTIFY_SOCKET. Node
 * cannot send one: dgram is UDP only and net is stream only (nodejs/node#29339, #61933), and the
 * house keeps native modules out of the daemon's core. So the datagram is sent by systemd's own
 * `systemd-notify`, which is on every systemd host. What that means for the unit file:
 * - it needs `NotifyAccess=all`: the sender is our child, not the main PID;
 * - systemd-notify ≥ 246 waits until systemd has read the message (sd_notify_barrier), so the
 *   message is attributed to the unit although the child exits at once (systemd#2739);
 * - without systemd-notify (containers, other init systems) notifications are unavailable: that
 *   is logged once and is never fatal. With `Type=notify` the unit would then time out at start.
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../base/logger.js';

/** Longest interval Node's timers take, ms (2^31 − 1). */
const MAX_TIMER_MS = 0x7fff_ffff;

export type NotifySocket =
  | { kind: 'path'; address: string }
  /** Linux abstract namespace: '@' in the variable is the leading NUL of the socket name. */
  | { kind: 'abstract'; address: string }
  | { kind: 'vsock'; address: string };

/** How $NOTIFY_SOCKET addresses the service manager, or undefined if it is not a form sd_notify knows. */
export function notifySocketAddress(value: string): NotifySocket | undefined {
  if (value.startsWith('/')) return { kind: 'path', address: value };
  if (value.startsWith('@') && value.length > 1) return { kind: 'abstract', address: `\0${value.slice(1)}` };
  if (value.startsWith('vsock:')) return { kind: 'vsock', address: value };
  return undefined;
}

/**
 * The watchdog ping interval systemd asks of this process: half of WATCHDOG_USEC, in ms, as
 * sd_watchdog_enabled(3) advises; undefined when there is no watchdog, or it is for another PID.
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isSafeInteger(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(usec / 2000)));
}

export interface SdNotifierOptions {
  log: Logger;
  /** Where NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** This process's id, matched against WATCHDOG_PID. Default `process.pid`. */
  pid?: number;
  /** The sender and its leading arguments; the assignments follow. Default `['systemd-notify']`. */
  command?: readonly [string, ...string[]];
  /** A notification still running after this long is killed and counted as failed, ms. Default 10 000. */
  timeoutMs?: number;
}

/** Tells systemd how the daemon is doing. Every method resolves; none throws for a failed send. */
export class SdNotifier {
  private readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly socket: NotifySocket | undefined;
  private readonly intervalMs: number | undefined;
  private readonly command: readonly [string, ...string[]];
  private readonly timeoutMs: number;
  /** Sends run one at a time, in order: READY must not overtake STOPPING. */
  private queue: Promise<void> = Promise.resolve();
  private unavailable = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private pingInFlight = false;

  constructor(opts: SdNotifierOptions) {
    this.log = opts.log;
    this.env = opts.env ?? process.env;
    const raw = this.env.NOTIFY_SOCKET;
    this.socket = raw ? notifySocketAddress(raw) : undefined;
    if (raw && this.socket === undefined)
      this.log.warn({ notifySocket: raw }, 'NOTIFY_SOCKET is not a socket address; ignored');
    this.intervalMs = this.socket && watchdogIntervalMs(this.env, opts.pid ?? process.pid);
    this.command = opts.command ?? ['systemd-notify'];
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Whether a service manager asked for notifications (and they have not proved unavailable). */
  get enabled(): boolean {
    return this.socket !== undefined && !this.unavailable;
  }

  /** Half of WATCHDOG_USEC in ms, when systemd watches this process. */
  get watchdogIntervalMs(): number | undefined {
    return this.intervalMs;
  }

  ready(status?: string): Promise<void> {
    return this.send(status === undefined ? ['READY=1'] : ['READY=1', `STATUS=${status}`]);
  }

  stopping(): Promise<void> {
    return this.send(['STOPPING=1']);
  }

  /** A one-line status for `systemctl status`. */
  status(text: string): Promise<void> {
    return this.send([`STATUS=${text.replace(/\n/g, ' ')}`]);
  }

  watchdog(): Promise<void> {
    return this.send(['WATCHDOG=1']);
  }

  /**
   * Pings at half WATCHDOG_USEC until stopWatchdog(). The timer runs on the event loop, so a
   * blocked loop misses pings and systemd restarts the daemon, which is the point. A ping still
   * in flight is not doubled. The timer does not keep the process alive.
   */
  startWatchdog(): void {
    if (this.intervalMs === undefined || this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.pingInFlight) return;
      this.pingInFlight = true;
      void this.watchdog().finally(() => {
        this.pingInFlight = false;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  stopWatchdog(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private send(assignments: string[]): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    this.queue = this.queue.then(() => (this.unavailable ? undefined : this.run(assignments)));
    return this.queue;
  }

  private run(assignments: string[]): Promise<void> {
    const [file, ...lead] = this.command;
    return new Promise((resolve) => {
      let stderr = '';
      let settled = false;
      const child = spawn(file, [...lead, ...assignments], {
        env: this.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), this.timeoutMs);
      const settle = (err?: NodeJS.ErrnoException, detail?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.outcome(assignments, err, detail);
        resolve();
      };
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-400);
      });
      child.on('error', (err) => settle(err));
      child.on('close', (code, signal) =>
        settle(
          undefined,
          code === 0 ? undefined : `exit ${code ?? signal}${stderr ? `: ${stderr.trim()}` : ''}`,
        ),
      );
    });
  }

  /** Logs transitions only: unavailable once, failing once, recovered once (docs/conventions.md §Logging). */
  private outcome(
    assignments: string[],
    err: NodeJS.ErrnoException | undefined,
    detail: string | undefined,
  ): void {
    if (err?.code === 'ENOENT') {
      this.unavailable = true;
      this.log.warn(
        { command: this.command[0] },
        'sd_notify unavailable: systemd-notify not found; systemd will not see readiness or watchdog pings',
      );
    } else if (err !== undefined || detail !== undefined) {
      if (!this.failing)
        this.log.warn({ err, detail, sent: assignments }, 'sd_notify failed; will keep trying');
      this.failing = true;
    } else if (this.failing) {
      this.failing = false;
      this.log.info({ sent: assignments }, 'sd_notify works again');
    }
  }
}
