/**
 * A photo of a hazard, from the phone's camera to the kit (docs/ui.md §Hazards; docs/hazards.md
 * §Photos): made smaller on the phone first (a phone's photo is several megabytes; the kit's
 * Wi-Fi and card need a few hundred kilobytes), then sent as its bytes, not JSON, with the session's
 * CSRF token and an idempotency key as every write. The kit answers with a token the filing names.
 *
 * Downsizing draws the picture on a canvas no wider or taller than `maxSide` and takes it back as a
 * JPEG. A browser that cannot (no canvas, an image it cannot decode) sends the file as it is, and
 * the kit decides.
 */
import { ApiFailure } from './api-client.js';
import { randomKey } from './random-key.js';

export interface UploadedPhoto {
  token: string;
  type: string;
  bytes: number;
}

/** The picture as a JPEG at most `maxSide` pixels on its longer side; the file itself when that cannot be made. */
export async function downsize(file: Blob, maxSide = 1600, quality = 0.8): Promise<Blob> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const ctx = canvas.getContext('2d');
    if (ctx === null) return file;
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const out = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    return out !== null && out.size < file.size ? out : file;
  } catch {
    return file;
  }
}

/** POST /api/hazards/photos with the picture's bytes. @throws ApiFailure */
export async function uploadPhoto(
  blob: Blob,
  csrfToken: string | undefined,
  fetcher: typeof fetch = (i, init) => globalThis.fetch(i, init),
): Promise<UploadedPhoto> {
  const type = ['image/jpeg', 'image/png', 'image/webp'].includes(blob.type)
    ? blob.type
    : 'application/octet-stream';
  let response: Response;
  try {
    response = await fetcher('/api/hazards/photos', {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': type,
        'idempotency-key': randomKey(),
        ...(csrfToken === undefined ? {} : { 'x-csrf-token': csrfToken }),
      },
      body: blob,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiFailure(0, { message: err instanceof Error ? err.message : String(err) }, true);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiFailure(response.status, (body as object | undefined) ?? {});
  return body as UploadedPhoto;
}
