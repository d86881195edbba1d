/**
 * The SOS button's confirm-to-send (ui/src/lib/sos-gesture.ts): one tap never sends, nor a press
 * let go early; a held press or two taps do, and an armed button disarms by itself.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SosGesture } from './sos-gesture.js';

let fired: number;
let g: SosGesture;
beforeEach(() => {
  vi.useFakeTimers();
  fired = 0;
  g = new SosGesture({ holdMs: 3000, armMs: 4000, fire: () => fired++, changed: () => {} });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the SOS gesture', () => {
  it('does not send on one tap, nor after it disarms', () => {
    g.down();
    g.up();
    vi.advanceTimersByTime(10_000);
    expect(fired).toBe(0);
    expect(g.state).toBe('idle');
    g.down();
    g.up();
    expect(fired).toBe(0);
  });

  it('sends on a press held for the hold time, once', () => {
    g.down();
    vi.advanceTimersByTime(2999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    g.up();
    vi.advanceTimersByTime(10_000);
    expect(fired).toBe(1);
  });

  it('sends on a second tap within the arming time', () => {
    g.down();
    g.up();
    vi.advanceTimersByTime(3000);
    g.down();
    expect(fired).toBe(1);
    expect(g.state).toBe('idle');
  });

  it('can be cancelled while armed', () => {
    g.down();
    g.up();
    g.cancel();
    g.down();
    g.up();
    expect(fired).toBe(0);
  });
});
