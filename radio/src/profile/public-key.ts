/**
 * Channel keys that anyone has (docs/profiles.md §The channel key): no key at all, the one-byte
 * short forms, which all stand for Meshtastic's default key published in the firmware's source
 * (`defaultpsk` in src/mesh/Channels.cpp: AQ== is the key itself, 2–255 the same with its last
 * byte changed), and any of those written out as 16 bytes (early releases ended it in 0xbf: the
 * first 15 bytes are what is compared). A county's mesh must not run on one:
 * every Meshtastic radio in range could read and write its traffic.
 */

/** The key a one-byte PSK of 1 selects. */
export const MESHTASTIC_DEFAULT_KEY = Uint8Array.from([
  0xd4, 0xf1, 0xbb, 0x3a, 0x20, 0x29, 0x07, 0x59, 0xf0, 0xbc, 0xff, 0xab, 0xcf, 0x4e, 0x69, 0x01,
]);

/** Meshtastic's public default key as a profile may name it (the demonstration county only). */
export const PUBLIC_DEFAULT_PSK = Uint8Array.of(1);

/** Why `psk` is a key anyone has, or undefined for a key of one's own. */
export function publicKeyReason(psk: Uint8Array): string | undefined {
  if (psk.length === 0 || (psk.length === 1 && psk[0] === 0))
    return 'no key: the channel would be unencrypted';
  if (psk.length === 1)
    return psk[0] === 1
      ? "Meshtastic's public default key (AQ==)"
      : `a short key (${psk[0]}), which is Meshtastic's public default key with its last byte changed`;
  if (psk.length === 16 && MESHTASTIC_DEFAULT_KEY.subarray(0, 15).every((b, i) => psk[i] === b))
    return "Meshtastic's public default key written out in full";
  return undefined;
}
