/**
 * Idempotency keys for the API's writes (docs/ui.md §Nothing typed is lost): one random key per
 * action, made when the action is first kept on the phone and sent with every attempt.
 *
 * `crypto.randomUUID` exists only on secure origins, and a kit is served over plain http, so the
 * key is made from `crypto.getRandomValues`, which every origin has: 16 random bytes written as a
 * version-4 UUID.
 */
export function randomKey(
  random: (bytes: Uint8Array<ArrayBuffer>) => void = (b) => crypto.getRandomValues(b),
): string {
  const b = new Uint8Array(16);
  random(b);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
