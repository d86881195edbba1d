/**
 * What kind of image an upload is, from its bytes alone (docs/hazards.md §Photos): a phone's photo
 * is a JPEG, a screenshot a PNG, and some browsers downsize to WebP. The name and the Content-Type
 * a phone sends are not trusted: the kit keeps and serves only bytes that begin as one of these
 * three formats do, and serves them under the type found here (with `nosniff`), so an upload can
 * never come back as a page or a script.
 *
 * Only the start is checked (a signature, and the first chunk of a PNG): the kit does not decode
 * images, and a photo cut short still shows what it holds.
 */

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export const PHOTO_EXTENSIONS: Readonly<Record<PhotoType, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image type of `bytes`, or undefined when they are none of JPEG, PNG or WebP. Never throws. */
export function photoTypeOf(bytes: Uint8Array): PhotoType | undefined {
  // JPEG: SOI then the start of a marker segment.
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  // PNG: the signature, then an IHDR chunk of 13 bytes.
  if (
    bytes.length >= 24 &&
    PNG.every((b, i) => bytes[i] === b) &&
    bytes[8] === 0 &&
    bytes[9] === 0 &&
    bytes[10] === 0 &&
    bytes[11] === 13 &&
    ascii(bytes, 12, 4) === 'IHDR'
  )
    return 'image/png';
  // WebP: a RIFF container whose form is WEBP and whose first chunk is VP8, VP8L or VP8X.
  if (bytes.length >= 16 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    const chunk = ascii(bytes, 12, 4);
    if (chunk === 'VP8 ' || chunk === 'VP8L' || chunk === 'VP8X') return 'image/webp';
  }
  return undefined;
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n; i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}
