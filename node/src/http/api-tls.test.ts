/**
 * HTTPS on the API (docs/pi-kit.md §HTTPS): with `http.tls` the node serves its API and UI over
 * TLS with the configured certificate, speaks no plain HTTP on that port, and refuses to start on
 * files that are missing or not a pair, naming the file and the fix. Over real TLS on 127.0.0.1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { startTestApi, type TestApi } from './api-fixtures.js';
import { DEFAULT_HTTP_CONFIG, type HttpConfig } from './http-config.js';

// A self-signed P-256 certificate for 127.0.0.1, valid for a hundred years: made once for this
// test with openssl (req -x509 -newkey ec … -addext subjectAltName=IP:127.0.0.1), never a real key.
const CERT = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBozCCAUigAwIBAgIUcQpfOxJ6u7c3wkiSFOg6brZ5LmgwCgYIKoZIzj0EAwIw',
  'HTEbMBkGA1UEAwwSZmllbGRub2RlIHRlc3Qga2l0MCAXDTI2MTIwNzExMDk0MVoY',
  'DzIxMjYxMTEzMTEwOTQxWjAdMRswGQYDVQQDDBJmaWVsZG5vZGUgdGVzdCBraXQw',
  'WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR12deFM6fZkvqB+jHsks3i+IxLWjQI',
  'L1gCXEbqz/TjGBjbVSpLtnJnmvnvACqjZM+Mlzndzau/TfLKAX8x0OzXo2QwYjAd',
  'BgNVHQ4EFgQUIRGtuvwZtc1320dqhJm3LI7WO/wwHwYDVR0jBBgwFoAUIRGtuvwZ',
  'tc1320dqhJm3LI7WO/wwDwYDVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAAB',
  'MAoGCCqGSM49BAMCA0kAMEYCIQDDcniXblf8ZfpzApFn5WptzcyaRu/o8qamGivg',
  'xdOkZgIhALr8j7lL98Oe7LWtWwD0Fh2SBRQmUmyfYf077t46PRVR',
  '-----END CERTIFICATE-----',
].join('\n');
const KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg14KsbIM5VhB5Q1eO',
  'HyvG+80m46GwlTMNUoUQwwME6aGhRANCAAR12deFM6fZkvqB+jHsks3i+IxLWjQI',
  'L1gCXEbqz/TjGBjbVSpLtnJnmvnvACqjZM+Mlzndzau/TfLKAX8x0OzX',
  '-----END PRIVATE KEY-----',
].join('\n');
// Another key, not the certificate's.
const OTHER_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgEy+kr0E4ZOroCvYL',
  'zbQ0IYaarVeHAAqdOYl8bQxMmGihRANCAAQsALRxsSqAQPH13Q2Rm5n+Xl4ss/EZ',
  'Xc7qCyQvFBiGvnr651cXw37/JgOmniIFZWUBTKuGfIQ+Yl9PmQSga2Wj',
  '-----END PRIVATE KEY-----',
].join('\n');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function withTls(key = KEY, cert = CERT): Promise<{ dir: string; config: HttpConfig }> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-tls-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'kit.crt'), cert);
  await writeFile(join(dir, 'kit.key'), key, { mode: 0o600 });
  return {
    dir,
    config: {
      ...DEFAULT_HTTP_CONFIG,
      listen: { host: '127.0.0.1', port: 0 },
      tls: { certFile: join(dir, 'kit.crt'), keyFile: join(dir, 'kit.key') },
    },
  };
}

function get(
  request: typeof httpsRequest | typeof httpRequest,
  port: number,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca: CERT, headers: { host: `127.0.0.1:${port}` } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.end();
  });
}

describe('the API over HTTPS', () => {
  it('answers over TLS with the configured certificate, which the client checks', async () => {
    const { dir, config } = await withTls();
    const api: TestApi = await startTestApi(dir, { config });
    cleanups.push(() => api.server.stop());
    api.server.markReady();
    const port = api.server.address?.port as number;
    const health = await get(httpsRequest, port, '/api/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    // Plain HTTP on the same port gets no answer a browser would take as the API.
    await expect(get(httpRequest, port, '/api/health')).rejects.toThrow();
  });

  it('refuses to start on a key that is not the certificate’s, naming both files', async () => {
    const { dir, config } = await withTls(OTHER_KEY);
    const err = await startTestApi(dir, { config }).catch((e: unknown) => e);
    expect(isKitError(err, 'API_TLS_UNUSABLE')).toBe(true);
    expect(String((err as Error).message)).toContain('kit.crt');
    expect(String((err as Error).message)).toContain('make them again as a pair');
  });

  it('refuses to start on a certificate file that is not there, naming it', async () => {
    const { dir, config } = await withTls();
    const missing = { ...config, tls: { certFile: join(dir, 'nope.crt'), keyFile: join(dir, 'kit.key') } };
    const err = await startTestApi(dir, { config: missing }).catch((e: unknown) => e);
    expect(isKitError(err, 'API_TLS_UNUSABLE')).toBe(true);
    expect(String((err as Error).message)).toContain('nope.crt');
  });
});
