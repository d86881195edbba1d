/**
 * The API's certificate and key for HTTPS (docs/pi-kit.md §HTTPS), read at start and checked as a
 * pair before the node listens: a wrong path, an unreadable file or a key that is not the
 * certificate's fails the start with the file named and the fix, rather than a phone's browser
 * failing later with a handshake error nobody at the kit can read.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { KitError } from '../base/errors.js';
import './api-errors.js';
import type { HttpTlsConfig } from './http-config.js';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** @throws KitError API_TLS_UNUSABLE */
export async function readTlsFiles(tls: HttpTlsConfig): Promise<TlsFiles> {
  const read = async (path: string, what: string) => {
    try {
      return await readFile(path);
    } catch (cause) {
      const code = (cause as { code?: unknown }).code;
      throw new KitError(
        'API_TLS_UNUSABLE',
        `http.tls: the ${what} ${path} cannot be read (${String(code ?? cause)}): check the path and that the fieldnode user may read it`,
        { cause },
      );
    }
  };
  const files = { cert: await read(tls.certFile, 'certificate'), key: await read(tls.keyFile, 'key') };
  try {
    createSecureContext(files);
  } catch (cause) {
    throw new KitError(
      'API_TLS_UNUSABLE',
      `http.tls: ${tls.certFile} and ${tls.keyFile} are not a PEM certificate and its own key (${(cause as Error).message}): make them again as a pair`,
      { cause },
    );
  }
  return files;
}
