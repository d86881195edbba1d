/**
 * A pseudo-terminal pair made by socat (docs/design.md §Testing: "the serial paths also over real
 * pseudo-terminals (socat) through the real serialport package"; docs/iridium.md §7.4 "Drive it
 * through a socat pty pair"). What is written to one end is read at the other, through the kernel's
 * tty layer, in raw mode without echo, as a USB serial adapter would behave.
 *
 * The host end is for the program under test (optionally at a stable symlink path); the device end
 * is for a simulator. The host end may be opened and closed repeatedly: socat keeps running
 * (`ignoreeof`) until close().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { requireSystemTool, SOCAT } from '../../../node/src/link/system-tool.js';

export interface PtyPair {
  /** The end a program opens as its serial device (the symlink when `linkPath` was given). */
  hostPath: string;
  /** The end the simulator opens. */
  devicePath: string;
  /** Stops socat and waits for it to exit. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** A symlink to create for the host end, e.g. /tmp/fieldnode-iridium. */
  linkPath?: string;
  /** The socat binary. Default: socat found on PATH, or a TOOL_MISSING rejection when it is not installed. */
  socat?: string;
  /** How long to wait for socat to set up both ends, ms. Default 5_000. */
  timeoutMs?: number;
}

export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const socat = options.socat ?? requireSystemTool(SOCAT);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const host = `pty,raw,echo=0,ignoreeof${options.linkPath === undefined ? '' : `,link=${options.linkPath}`}`;
  const child = spawn(socat, ['-d', '-d', host, 'pty,raw,echo=0,ignoreeof'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise<PtyPair>((resolve, reject) => {
    const paths: string[] = [];
    let text = '';
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new Error(`socat did not set up a pty pair within ${timeoutMs} ms: ${text}`)),
      timeoutMs,
    );
    child.on('error', (err) => fail(err));
    child.once('exit', (code) =>
      fail(new Error(`socat exited (${code}) before the pty pair was ready: ${text}`)),
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (settled) return;
      text += chunk;
      for (const m of chunk.matchAll(/PTY is (\S+)/g)) paths.push(m[1] as string);
      if (paths.length === 2 && /starting data transfer loop/.test(text)) {
        settled = true;
        clearTimeout(timer);
        resolve({
          hostPath: options.linkPath ?? (paths[0] as string),
          devicePath: paths[1] as string,
          close: () => stop(child, exited),
        });
      }
    });
  });
}

function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  return exited;
}
