/**
 * The live feed from the kit (docs/api.md §Events; docs/ui.md §Live updates): one WebSocket to
 * /api/events that comes back by itself after any cut, with a growing, jittered wait between
 * tries, and that says since when the page has heard nothing, for the "stale since" banner.
 *
 * A phone that walked out of the Wi-Fi or a kit that lost power does not always close the socket:
 * no FIN arrives, and the browser may wait minutes. So when nothing has come for `quietMs` the
 * stream asks the kit's health route; no answer within `probeTimeoutMs` counts as a cut. The
 * browser's `online` event and the page coming back to the foreground try at once.
 */
import type { StreamEvent } from './api-types.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';

export interface LinkState {
  /** The socket is open and the kit has said hello. */
  connected: boolean;
  /** When the page last heard from the kit, unix ms (the phone's clock); undefined before the first time. */
  lastHeardAt: number | undefined;
  /** Tries since the last success. */
  attempts: number;
}

export interface EventStreamOptions {
  /** ws:// or wss:// URL of /api/events. */
  url: string;
  onEvent: (event: StreamEvent) => void;
  onState: (state: LinkState) => void;
  /** Asked when the socket has been quiet: resolves true when the kit answers. */
  probe?: () => Promise<boolean>;
  /** Default globalThis.WebSocket. */
  WebSocket?: typeof WebSocket;
  backoff?: BackoffOptions;
  /** Quiet this long, the kit is probed, ms. Default 25,000. */
  quietMs?: number;
  /** How often the quiet is checked, ms. Default 5,000. */
  watchEveryMs?: number;
  now?: () => number;
}

export class EventStream {
  readonly #o: EventStreamOptions;
  #socket: WebSocket | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #watch: ReturnType<typeof setInterval> | undefined;
  #state: LinkState = { connected: false, lastHeardAt: undefined, attempts: 0 };
  #stopped = true;
  #probing = false;
  readonly #wake = () => this.reconnectNow();
  readonly #visible = () => {
    if (document.visibilityState === 'visible') this.#check();
  };

  constructor(options: EventStreamOptions) {
    this.#o = options;
  }

  get state(): LinkState {
    return this.#state;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    if (typeof window !== 'undefined') window.addEventListener('online', this.#wake);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.#visible);
    this.#watch = setInterval(() => this.#check(), this.#o.watchEveryMs ?? 5000);
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    if (typeof window !== 'undefined') window.removeEventListener('online', this.#wake);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#visible);
    clearInterval(this.#watch);
    clearTimeout(this.#retry);
    this.#socket?.close(1000);
    this.#socket = undefined;
  }

  /** Drops the socket and opens a new one at once (after sign-in and sign-out, or when the Wi-Fi returns). */
  reconnectNow(): void {
    if (this.#stopped) return;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const old = this.#socket;
    this.#socket = undefined;
    if (old !== undefined) {
      old.onclose = null;
      old.close(1000);
    }
    this.#set({ connected: false, attempts: 0 });
    this.#open();
  }

  #open(): void {
    const Ws = this.#o.WebSocket ?? WebSocket;
    let socket: WebSocket;
    try {
      socket = new Ws(this.#o.url);
    } catch {
      this.#lost();
      return;
    }
    this.#socket = socket;
    socket.onmessage = (m) => {
      if (socket !== this.#socket) return;
      let event: StreamEvent;
      try {
        event = JSON.parse(String(m.data)) as StreamEvent;
      } catch {
        return;
      }
      if (event.type === 'hello') this.#set({ connected: true, attempts: 0, lastHeardAt: this.#now() });
      else this.#set({ lastHeardAt: this.#now() });
      this.#o.onEvent(event);
    };
    socket.onclose = () => {
      if (socket === this.#socket) this.#lost();
    };
    socket.onerror = () => {
      // The close event follows and decides.
    };
  }

  #lost(): void {
    this.#socket = undefined;
    if (this.#stopped) return;
    const attempts = this.#state.attempts;
    this.#set({ connected: false, attempts: attempts + 1 });
    clearTimeout(this.#retry);
    this.#retry = setTimeout(
      () => {
        this.#retry = undefined;
        this.#open();
      },
      backoffDelay(attempts, this.#o.backoff),
    );
  }

  /** A quiet open socket is probed; a dead one is dropped and reopened. */
  #check(): void {
    if (this.#stopped || this.#probing || !this.#state.connected) return;
    const quiet = this.#now() - (this.#state.lastHeardAt ?? 0);
    if (quiet < (this.#o.quietMs ?? 25_000) || this.#o.probe === undefined) return;
    this.#probing = true;
    this.#o
      .probe()
      .then((alive) => {
        if (alive) this.#set({ lastHeardAt: this.#now() });
        else this.#drop();
      })
      .catch(() => this.#drop())
      .finally(() => {
        this.#probing = false;
      });
  }

  #drop(): void {
    const old = this.#socket;
    if (old !== undefined) {
      old.onclose = null;
      old.close(4000);
    }
    this.#lost();
  }

  #set(change: Partial<LinkState>): void {
    this.#state = { ...this.#state, ...change };
    this.#o.onState(this.#state);
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }
}
