/**
 * PINs as people type them (docs/domain-model.md §PINs): six digits, checked, and made at random
 * for a new person, a reset, or the demonstration county.
 *
 * A PIN is shown once, to the person or the admin who set it, and otherwise exists only as its
 * hash (pin-hash.ts). It never goes on air, into the configuration, the audit log or a log line.
 */
import { randomInt } from 'node:crypto';

export const PIN_DIGITS = 6;

/** What is wrong with `pin` as a PIN, or undefined. */
export function pinProblem(pin: unknown): string | undefined {
  if (typeof pin !== 'string') return 'a PIN is text';
  return /^[0-9]{6}$/.test(pin) ? undefined : `a PIN is ${PIN_DIGITS} digits`;
}

/**
 * A random 6-digit PIN from the system's cryptographic generator, never one of those people
 * guess first: a digit six times (000000) or a straight run up or down (123456, 876543).
 * @param draw `randomInt(max)`: a uniform whole number below max (tests pass their own).
 */
export function generatePin(draw: (max: number) => number = randomInt): string {
  for (;;) {
    const pin = String(draw(10 ** PIN_DIGITS)).padStart(PIN_DIGITS, '0');
    if (!isObvious(pin)) return pin;
  }
}

/** Whether each digit is the one before it, or one more, or one less, all the way. */
export function isObvious(pin: string): boolean {
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add(pin.charCodeAt(i) - pin.charCodeAt(i - 1));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0] as number);
}
