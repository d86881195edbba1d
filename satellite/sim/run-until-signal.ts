/**
 * How the satellite simulators' CLI commands run (docs/iridium.md §7.4: `fieldnode sim
 * iridium`, `fieldnode sim rockblock`): printing to standard output until SIGINT or SIGTERM.
 */

/** What a simulator command is given to run with. */
export interface SimIo {
  /** Where to print (standard output in the CLI). */
  out(text: string): void;
  /** Aborted to stop the simulator (SIGINT/SIGTERM in the CLI). */
  stop: AbortSignal;
}

/** Resolves once `signal` is aborted (at once if it already is). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Runs `run` with standard output, stopping it on SIGINT or SIGTERM; returns its exit code. */
export async function runUntilSignal(run: (io: SimIo) => Promise<number>): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await run({ out: (text) => process.stdout.write(text), stop: stop.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
