/**
 * The captive portal over real HTTP on 127.0.0.1 (docs/pi-kit.md §The captive portal): a phone's
 * probe, sent with the probing site's name as Host (the kit's DNS pointed that name at the kit),
 * is redirected to the UI; without the switch the guards refuse the foreign name as before.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { startTestApi, type TestApi } from './api-fixtures.js';
import { DEFAULT_HTTP_CONFIG } from './http-config.js';

let dir: string;
let api: TestApi | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-captive-'));
});
afterEach(async () => {
  await api?.server.stop();
  api = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A request as a phone on the kit's Wi-Fi sends it: to the kit's address, with another site's name. */
function probe(
  port: number,
  host: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(captivePortal: boolean): Promise<number> {
  api = await startTestApi(dir, {
    config: {
      ...DEFAULT_HTTP_CONFIG,
      listen: { host: '127.0.0.1', port: 0 },
      ...(captivePortal ? { captivePortal } : {}),
    },
  });
  api.server.markReady();
  return api.server.address?.port as number;
}

describe('the captive portal', () => {
  it("redirects each system's probe, by the probing site's name, to the UI", async () => {
    const port = await start(true);
    const ui = `http://127.0.0.1:${port}/`;
    const probes: Array<[string, string]> = [
      ['connectivitycheck.gstatic.com', '/generate_204'],
      ['clients3.google.com', '/generate_204'],
      ['captive.apple.com', '/hotspot-detect.html'],
      ['www.apple.com', '/library/test/success.html'],
      ['www.msftconnecttest.com', '/connecttest.txt'],
      ['www.msftncsi.com', '/ncsi.txt'],
      ['detectportal.firefox.com', '/canonical.html'],
    ];
    for (const [host, path] of probes) {
      const answer = await probe(port, host, path);
      expect({ host, path, status: answer.status, location: answer.location }).toEqual({
        host,
        path,
        status: 302,
        location: ui,
      });
    }
    // A page a phone's browser asks of another site, too; HEAD as well as GET.
    expect(await probe(port, 'news.example.cn', '/index.html?x=1')).toMatchObject({
      status: 302,
      location: ui,
    });
    expect(await probe(port, 'news.example.cn', '/', 'HEAD')).toMatchObject({ status: 302, location: ui });
  });

  it('leaves the node itself alone, and a write to a foreign name is still refused', async () => {
    const port = await start(true);
    const own = await probe(port, `127.0.0.1:${port}`, '/api/health');
    expect(own.status).toBe(200);
    const write = await probe(port, 'evil.example', '/api/session', 'POST');
    expect(write.status).toBe(403);
    expect(JSON.parse(write.body)).toMatchObject({ code: 'API_ORIGIN_REFUSED' });
  });

  it('without captive_portal the probe meets the guards: refused for its name', async () => {
    const port = await start(false);
    const answer = await probe(port, 'connectivitycheck.gstatic.com', '/generate_204');
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'API_ORIGIN_REFUSED' });
  });
});

it('is switched on by http.captive_portal in the configuration file, and off by default', () => {
  const http = (extra: object) =>
    parseConfig(
      {
        node: { id: 2107, role: 'kit' },
        http: { listen: { host: '0.0.0.0', port: 80 }, public_origins: ['http://10.42.0.1'], ...extra },
      },
      { baseDir: '/tmp' },
    ).http;
  expect(http({ captive_portal: true })?.captivePortal).toBe(true);
  expect(http({})?.captivePortal).toBeUndefined();
});
