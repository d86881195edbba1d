/**
 * Tests for mt-client.ts and mt-response.ts (docs/iridium.md §2.3, §7.5) against scripted
 * HTTP servers on 127.0.0.1 and the simulated RockBLOCK cloud: the request's exact shape, OK and
 * FAILED answers, bounded retries, and no credential in any log line or error.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError, KitError } from '../../../node/src/base/errors.js';
import { SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { recordingLogger } from '../../sim/recording-logger.js';
import { RockblockCloudSim } from '../../sim/rockblock/rockblock-cloud.js';
import {
  MT_PASSWORD_ENV,
  MT_USERNAME_ENV,
  RockblockMtClient,
  type RockblockMtClientOptions,
} from './mt-client.js';
import { mtCodeMeaning, parseMtResponse, RockblockMtError } from './mt-response.js';

const IMEI = '300434065264590';
const USER = 'myUser';
const PASSWORD = 'p&ss=w0rd secret%';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  params: Record<string, string>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A server answering each request with the next scripted reply ('drop': close the socket). */
async function scripted(replies: Array<[number, string] | 'drop'>) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'],
        params: Object.fromEntries(new URLSearchParams(body)),
      });
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)];
      if (reply === 'drop' || reply === undefined) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply[0], { 'content-type': 'text/plain' });
      res.end(reply[1]);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { seen, endpoint: `http://127.0.0.1:${port}/rockblock/MT` };
}

function client(endpoint: string, extra: Partial<RockblockMtClientOptions> = {}) {
  const log = recordingLogger();
  const c = new RockblockMtClient({
    endpoint,
    username: USER,
    password: PASSWORD,
    retryDelayMs: 5,
    log,
    ...extra,
  });
  return { c, log };
}

/** Every text an error exposes: messages and causes, recursively. */
function errorTexts(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && depth < 8; depth++) {
    if (e instanceof Error) {
      parts.push(e.message, e.stack ?? '', JSON.stringify(e));
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join('\n');
}

function expectNoSecret(text: string): void {
  for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), USER]) expect(text).not.toContain(secret);
}

async function failure(p: Promise<unknown>): Promise<RockblockMtError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RockblockMtError);
  expect(isKitError(err, 'ROCKBLOCK_MT_FAILED')).toBe(true);
  return err as RockblockMtError;
}

describe('parseMtResponse', () => {
  it('reads OK,<id> and FAILED,<code>,<description>', () => {
    expect(parseMtResponse('OK,4114651')).toEqual({ ok: true, mtId: '4114651' });
    expect(parseMtResponse('OK,4114651\r\n')).toEqual({ ok: true, mtId: '4114651' });
    expect(parseMtResponse('FAILED,10,Invalid login credentials')).toEqual({
      ok: false,
      code: 10,
      description: 'Invalid login credentials',
    });
    expect(parseMtResponse('FAILED,99,System Error, try again')).toMatchObject({
      code: 99,
      description: 'System Error, try again',
    });
    expect(parseMtResponse('FAILED,16,')).toEqual({ ok: false, code: 16, description: '' });
  });

  it('refuses anything else with ROCKBLOCK_MT_FAILED', () => {
    for (const bad of ['', 'OK', 'OK,', 'OK,12a', 'ok,1', 'FAILED', 'FAILED,x,y', '<html>', 'OK,1,2']) {
      expect(() => parseMtResponse(bad)).toThrow(KitError);
    }
  });

  it('throws nothing but KitError for any text, and parses what it formats (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseMtResponse(text);
        } catch (err) {
          expect(isKitError(err, 'ROCKBLOCK_MT_FAILED')).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.string().filter((s) => s.trim() === s),
        (code, text) => {
          expect(parseMtResponse(`FAILED,${code},${text}`)).toEqual({ ok: false, code, description: text });
        },
      ),
    );
  });

  it('maps each documented code to whether a later attempt can help', () => {
    expect([10, 11, 12, 13, 14, 15, 16, 99].map((c) => mtCodeMeaning(c).retry)).toEqual([
      'later',
      'never',
      'later',
      'later',
      'never',
      'never',
      'never',
      'later',
    ]);
    expect(mtCodeMeaning(15).link).toBe('TOO_LARGE');
    expect(mtCodeMeaning(42).retry).toBe('later');
  });
});

describe('RockblockMtClient', () => {
  it('POSTs a form body with imei, credentials and lower-case hex, nothing in the URL', async () => {
    const s = await scripted([[200, 'OK,4114651']]);
    const { c } = client(s.endpoint);
    expect(await c.send(IMEI, Uint8Array.of(0x48, 0x65, 0xff))).toEqual({ mtId: '4114651', attempts: 1 });
    expect(s.seen).toEqual([
      {
        method: 'POST',
        url: '/rockblock/MT',
        contentType: 'application/x-www-form-urlencoded',
        params: { imei: IMEI, username: USER, password: PASSWORD, data: '4865ff' },
      },
    ]);
  });

  it('sends flush=yes only when asked', async () => {
    const s = await scripted([[200, 'OK,1']]);
    const { c } = client(s.endpoint);
    await c.send(IMEI, Uint8Array.of(1), { flush: true });
    await c.send(IMEI, Uint8Array.of(1), { flush: false });
    expect(s.seen.map((x) => x.params.flush)).toEqual(['yes', undefined]);
  });

  it('reports FAILED codes without retrying them', async () => {
    const s = await scripted([[200, 'FAILED,15,Data too long']]);
    const { c } = client(s.endpoint);
    const err = await failure(c.send(IMEI, Uint8Array.of(1)));
    expect(err).toMatchObject({ kind: 'refused', rockblockCode: 15, retry: 'never', httpStatus: 200 });
    expect(err.message).toContain('FAILED 15 Data too long');
    expect(s.seen).toHaveLength(1);
  });

  it('retries 5xx and dropped connections with backoff, up to `attempts`', async () => {
    const s = await scripted([[503, 'busy'], 'drop', [200, 'OK,77']]);
    const { c, log } = client(s.endpoint, { attempts: 3 });
    expect(await c.send(IMEI, Uint8Array.of(1))).toEqual({ mtId: '77', attempts: 3 });
    expect(
      log.lines.filter((l) => l.msg === 'rockblock MT: retrying').map((l) => JSON.parse(l.text).delay),
    ).toEqual([5, 10]);

    const down = await scripted([[500, 'oops']]);
    const { c: c2 } = client(down.endpoint, { attempts: 2 });
    expect(await failure(c2.send(IMEI, Uint8Array.of(1)))).toMatchObject({
      kind: 'http',
      httpStatus: 500,
      retry: 'later',
    });
    expect(down.seen).toHaveLength(2);
  });

  it('does not retry a 4xx or an answer it cannot read', async () => {
    const s = await scripted([[404, 'no']]);
    expect(await failure(client(s.endpoint).c.send(IMEI, Uint8Array.of(1)))).toMatchObject({
      kind: 'http',
      httpStatus: 404,
    });
    expect(s.seen).toHaveLength(1);
    const t = await scripted([[200, '<html>maintenance</html>']]);
    expect(await failure(client(t.endpoint).c.send(IMEI, Uint8Array.of(1)))).toMatchObject({
      kind: 'malformed',
    });
    expect(t.seen).toHaveLength(1);
  });

  it('times out an attempt and reports a refused connection as a network failure', async () => {
    const silent = createServer(() => {}); // takes the request, never answers
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const slow = client(`http://127.0.0.1:${port}/`, { attempts: 1, timeoutMs: 50 });
    expect(await failure(slow.c.send(IMEI, Uint8Array.of(1)))).toMatchObject({
      kind: 'timeout',
      retry: 'later',
    });

    const closed = await scripted([]);
    const url = closed.endpoint;
    for (const sv of servers.splice(-1)) await new Promise((resolve) => sv.close(resolve));
    const { c, log } = client(url, { attempts: 2 });
    const err = await failure(c.send(IMEI, Uint8Array.of(1)));
    expect(err).toMatchObject({ kind: 'network', retry: 'later' });
    expect(errorTexts(err)).toMatch(/ECONNREFUSED/);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('stops when the signal aborts, while waiting or between attempts', async () => {
    const silent = createServer(() => {});
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const { c } = client(`http://127.0.0.1:${port}/`, { attempts: 5 });
    const controller = new AbortController();
    const sending = c.send(IMEI, Uint8Array.of(1), { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect(await failure(sending)).toMatchObject({ kind: 'aborted' });
  });

  it('never puts a credential in a log line or an error, even when the endpoint echoes the request', async () => {
    const echo = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const p = new URLSearchParams(body);
        const status = p.get('data') === '01' ? 500 : 200;
        res.writeHead(status);
        res.end(
          status === 500
            ? `error in ${body}`
            : `FAILED,10,bad login ${p.get('username')}/${p.get('password')}`,
        );
      });
    });
    servers.push(echo);
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const { port } = echo.address() as AddressInfo;
    const { c, log } = client(`http://127.0.0.1:${port}/rockblock/MT`, { attempts: 2 });
    const texts: string[] = [];
    texts.push(errorTexts(await failure(c.send(IMEI, Uint8Array.of(1)))));
    texts.push(errorTexts(await failure(c.send(IMEI, Uint8Array.of(2)))));
    expect(texts[1]).toContain('bad login [redacted]/[redacted]');
    for (const t of texts) expectNoSecret(t);
    expect(log.lines.length).toBeGreaterThanOrEqual(3);
    for (const line of log.lines) expectNoSecret(line.text);
  });

  it('takes credentials from the environment and refuses to run without them', () => {
    const env = { [MT_USERNAME_ENV]: 'u', [MT_PASSWORD_ENV]: 'p' };
    expect(new RockblockMtClient({ env }).endpoint).toBe('https://rockblock.rock7.com/rockblock/MT');
    let error: unknown;
    try {
      new RockblockMtClient({ env: {} });
    } catch (err) {
      error = err;
    }
    expect(isKitError(error, 'CONFIG_INVALID')).toBe(true);
    expect(() => new RockblockMtClient({ env, endpoint: 'http://u:p@127.0.0.1/' })).toThrow(TypeError);
    expect(() => new RockblockMtClient({ env, endpoint: 'ftp://127.0.0.1/' })).toThrow(TypeError);
  });

  it('refuses plain http but to a loopback host: the credentials would travel in clear', () => {
    const env = { [MT_USERNAME_ENV]: 'u', [MT_PASSWORD_ENV]: 'p' };
    for (const endpoint of [
      'http://rockblock.rock7.com/rockblock/MT',
      'http://192.168.1.10:8080/rockblock/MT',
      'http://[::ffff:7f00:1]/MT',
      'http://127.0.0.1.example.invalid/MT',
      'http://localhost.example.invalid/MT',
    ]) {
      expect(() => new RockblockMtClient({ env, endpoint }), endpoint).toThrow(/credentials in clear/);
    }
    for (const endpoint of [
      'https://rockblock.rock7.com/rockblock/MT',
      'https://192.168.1.10/MT',
      'http://127.0.0.1:8080/rockblock/MT',
      'http://127.1.2.3/MT',
      'http://[::1]:8080/MT',
      'http://[0:0:0:0:0:0:0:1]/MT',
      'http://localhost:8080/MT',
    ]) {
      expect(new RockblockMtClient({ env, endpoint }).endpoint, endpoint).toMatch(/^https?:\/\//);
    }
  });

  it('never puts a password from the endpoint URL in its error', () => {
    const env = { [MT_USERNAME_ENV]: 'u', [MT_PASSWORD_ENV]: 'p' };
    expect(() => new RockblockMtClient({ env, endpoint: 'https://u:hunter2@example.invalid/' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('refuses a bad IMEI, empty data and more than 270 bytes before any request', async () => {
    const s = await scripted([[200, 'OK,1']]);
    const { c } = client(s.endpoint);
    await expect(c.send('30043406526459', Uint8Array.of(1))).rejects.toThrow(RangeError);
    await expect(c.send(IMEI, new Uint8Array())).rejects.toThrow(RangeError);
    await expect(c.send(IMEI, new Uint8Array(271))).rejects.toThrow(RangeError);
    expect(await c.send(IMEI, new Uint8Array(270))).toMatchObject({ mtId: '1' });
    expect(s.seen).toHaveLength(1);
  });

  it('is answered by the simulated cloud with the §2.3 codes', async () => {
    const network = new SimulatedIridiumNetwork();
    const cloud = new RockblockCloudSim({
      network,
      account: {
        username: USER,
        password: PASSWORD,
        credits: 1,
        devices: [{ imei: IMEI }, { imei: '300434065264591', lineRental: false }],
      },
    });
    await cloud.listen();
    try {
      const { c } = client(cloud.mtUrl());
      const ok = await c.send(IMEI, Uint8Array.of(1, 2));
      expect(ok.mtId).toMatch(/^\d+$/);
      expect(network.queued(IMEI)).toBe(1);
      const code = async (p: Promise<unknown>) => (await failure(p)).rockblockCode;
      expect(await code(c.send('300434065264599', Uint8Array.of(1)))).toBe(11);
      expect(await code(c.send('300434065264591', Uint8Array.of(1)))).toBe(12);
      const wrong = client(cloud.mtUrl(), { password: 'nope' }).c;
      expect(await code(wrong.send(IMEI, Uint8Array.of(1)))).toBe(10);
      // flush=yes replaces what was queued.
      await c.send(IMEI, Uint8Array.of(3), { flush: true });
      expect(network.queued(IMEI)).toBe(1);
      // A session uses the last credit; then MT is refused for credit.
      network.session({ imei: IMEI, momsn: 0, mo: Uint8Array.of(1), at: Date.now() });
      expect(cloud.credits).toBeLessThanOrEqual(0);
      expect(await code(c.send(IMEI, Uint8Array.of(1)))).toBe(13);
    } finally {
      await cloud.close();
      network.close();
    }
  });
});
