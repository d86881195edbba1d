/**
 * The SOS button's confirm-to-send (docs/requests.md §The views): nothing a pocket or a brushing
 * hand does sends an SOS. It goes on a press held for `holdMs`, or on a second tap within `armMs`
 * of a first; a press let go early arms it, and it disarms by itself. Pure state and timers, so the
 * unit tests drive it with fake timers and the component only forwards pointer and key events.
 */
export type SosGestureState = 'idle' | 'holding' | 'armed';

export interface SosGestureOptions {
  /** How long a press must be held, ms. Default 3000. */
  holdMs?: number;
  /** How long a first tap keeps it armed, ms. Default 4000. */
  armMs?: number;
  /** Sends the SOS. */
  fire: () => void;
  /** Told of each change of state. */
  changed: (s: SosGestureState) => void;
}

export class SosGesture {
  readonly #o: SosGestureOptions;
  #state: SosGestureState = 'idle';
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(o: SosGestureOptions) {
    this.#o = o;
  }

  get state(): SosGestureState {
    return this.#state;
  }

  /** A press began (pointer down, or a key pressed). */
  down(): void {
    if (this.#state === 'armed') {
      this.#fire();
      return;
    }
    if (this.#state === 'holding') return;
    this.#set('holding', this.#o.holdMs ?? 3000, () => this.#fire());
  }

  /** The press ended before it was held long enough: armed for a second tap. */
  up(): void {
    if (this.#state !== 'holding') return;
    this.#set('armed', this.#o.armMs ?? 4000, () => this.cancel());
  }

  cancel(): void {
    this.#clear();
    this.#to('idle');
  }

  #fire(): void {
    this.cancel();
    this.#o.fire();
  }

  #set(s: SosGestureState, ms: number, then: () => void): void {
    this.#clear();
    this.#timer = setTimeout(then, ms);
    this.#to(s);
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #to(s: SosGestureState): void {
    if (this.#state === s) return;
    this.#state = s;
    this.#o.changed(s);
  }
}
