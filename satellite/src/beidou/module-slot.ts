/**
 * The module a BeiDou link talks to (docs/beidou.md §The link): the driver it was given, kept for
 * the link's life (tests, benchmarks), or a fresh driver on a freshly opened port at every start
 * (the daemon: a module unplugged and plugged back comes back). While a module is the link's, its
 * messages, beam reports and end are handed to the link; taking another, or stopping, releases it
 * and closes the port that was opened for it.
 */
import type { Logger } from '../../../node/src/base/logger.js';
import type { ModuleHandle } from './beidou-link-types.js';
import type { BeidouModule } from './beidou-module.js';
import type { BeamStatus, InboundMessage } from './beidou-types.js';

/** What the link hears from the module while it is the link's. */
export interface ModuleListeners {
  message(m: InboundMessage): void;
  beam(b: BeamStatus): void;
  closed(err: Error | undefined): void;
}

export class ModuleSlot {
  readonly #source: BeidouModule | (() => Promise<ModuleHandle>);
  readonly #on: ModuleListeners;
  readonly #log: Logger;
  #handle: ModuleHandle | undefined;
  #module: BeidouModule | undefined;
  #detach: (() => void) | undefined;

  constructor(source: BeidouModule | (() => Promise<ModuleHandle>), on: ModuleListeners, log: Logger) {
    this.#source = source;
    this.#on = on;
    this.#log = log;
  }

  /** The module of the last start, if any. */
  get current(): BeidouModule | undefined {
    return this.#module;
  }

  /** The module for a start: the given one, or a fresh one from the factory (the last released). */
  async take(): Promise<BeidouModule> {
    if (typeof this.#source !== 'function') {
      this.#attach(this.#source);
      return this.#source;
    }
    await this.release(false);
    this.#handle = await this.#source();
    this.#attach(this.#handle.module);
    return this.#handle.module;
  }

  /**
   * Stops hearing the module and closes what was opened for it; a given module is closed only when
   * the link stops (`stopping`), since it is the link's for its whole life.
   */
  async release(stopping: boolean): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) {
      await handle.module.close();
      await handle
        .close()
        .catch((err: unknown) => this.#log.warn({ err }, 'the module’s port did not close cleanly'));
    } else if (stopping) {
      await this.#module?.close();
    }
  }

  #attach(module: BeidouModule): void {
    if (this.#module === module && this.#detach) return;
    this.#detach?.();
    this.#module = module;
    const { message, beam, closed } = this.#on;
    module.on('message', message);
    module.on('beam', beam);
    module.on('closed', closed);
    this.#detach = () => {
      module.off('message', message);
      module.off('beam', beam);
      module.off('closed', closed);
    };
  }
}
