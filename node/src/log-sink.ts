/**
 * Where the daemon's log lines go by default: standard output, written synchronously so that the
 * last lines before a power cut or an exit are not left in a buffer (docs/conventions.md §Logging).
 *
 * Why not pino.destination: sonic-boom throws or emits an unhandled 'error' on a write failure
 * other than EPIPE, and a daemon whose terminal hung up gets EIO on its next line. A log line
 * must never take the daemon down, so when nobody can read standard output any more (EPIPE, EIO,
 * EBADF) the sink stops writing and counts what it dropped. A full pipe (EAGAIN: a slow reader,
 * journald busy) is waited for a little, then the line is dropped and counted.
 */
import { writeSync } from 'node:fs';

/** Errors after which nothing written to the descriptor can ever be read. */
const READER_GONE = new Set(['EPIPE', 'EIO', 'EBADF', 'ENXIO']);
/** How long one line may wait for a full pipe, ms, in steps of WAIT_STEP_MS. */
const FULL_PIPE_WAIT_MS = 1000;
const WAIT_STEP_MS = 10;

export class LogSink {
  readonly #fd: number;
  #gone = false;
  #dropped = 0;
  readonly #pause = new Int32Array(new SharedArrayBuffer(4));

  constructor(fd = 1) {
    this.#fd = fd;
  }

  /** Lines not written: the reader was gone, or a full pipe did not drain in time. */
  get dropped(): number {
    return this.#dropped;
  }

  write(line: string): void {
    if (this.#gone) {
      this.#dropped++;
      return;
    }
    let rest = Buffer.from(line);
    let waited = 0;
    while (rest.length > 0) {
      try {
        rest = rest.subarray(writeSync(this.#fd, rest));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (code === 'EAGAIN' && waited < FULL_PIPE_WAIT_MS) {
          Atomics.wait(this.#pause, 0, 0, WAIT_STEP_MS);
          waited += WAIT_STEP_MS;
          continue;
        }
        if (READER_GONE.has(code)) this.#gone = true;
        else if (code !== 'EAGAIN') throw err;
        this.#dropped++;
        return;
      }
    }
  }
}
