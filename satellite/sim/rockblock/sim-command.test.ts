/**
 * Tests for `fieldnode sim rockblock` (sim-command.ts, docs/iridium.md §7.4): it serves the MT API
 * and /sim/* on the port given, pushes sessions to --push-url signed with a key of its own, made
 * in --key-dir on first run and reused on the next, which a centre's receiver trusts through the
 * public key file it names; it stops when told; bad arguments are usage errors.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { referenceFrames } from '../../../node/src/wire/fixtures/reference-frames.js';
import { RockblockMtClient } from '../../src/rockblock/mt-client.js';
import { type ReceivedPush, RockblockPushReceiver } from '../../src/rockblock/push-receiver.js';
import { runRockblockSim } from './sim-command.js';
import { SIM_PUBLIC_KEY_FILE } from './sim-signing-key.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from './test-key.js';

const IMEI = '300434060000010';

let keyDir: string;
beforeEach(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'fieldnode-simrb-'));
});
afterEach(async () => {
  await rm(keyDir, { recursive: true, force: true });
});

async function usageError(args: string[]): Promise<string> {
  try {
    await runRockblockSim(args, { out: () => {}, stop: AbortSignal.abort() });
  } catch (err) {
    if (isKitError(err, 'CLI_USAGE')) return err.message;
    throw err;
  }
  return 'no error';
}

describe('fieldnode sim rockblock', () => {
  it('pushes sessions to --push-url signed with its own key, and serves the MT API until stopped', async () => {
    let out = '';
    let ready: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const stop = new AbortController();

    // The centre's receiver, trusting the file the simulator names for verify_key_file.
    const keyOf = (text: string) =>
      /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----\n/.exec(text)?.[0];
    const verifyKeyFileOf = (text: string) => /verify_key_file to (\S+), which holds/.exec(text)?.[1];
    const probe = new RockblockPushReceiver();
    const { port: pushPort } = await probe.listen(0);
    await probe.close();

    const sim = runRockblockSim(
      ['--port', '0', '--push-url', `http://127.0.0.1:${pushPort}/mo`, '--imei', IMEI, '--key-dir', keyDir],
      {
        out: (t) => {
          out += t;
          if (t.includes('verify_key_file')) ready();
        },
        stop: stop.signal,
        env: { FIELDNODE_ROCKBLOCK_USERNAME: 'u1', FIELDNODE_ROCKBLOCK_PASSWORD: 'pw~1' },
      },
    );
    await started;
    expect(out).toContain(`own key, made now in ${keyDir}`);
    const file = verifyKeyFileOf(out);
    expect(file).toBe(join(keyDir, SIM_PUBLIC_KEY_FILE));
    const key = await readFile(file as string, 'utf8');
    expect(keyOf(out)).toBe(key);
    expect(key).not.toBe(TEST_ROCK7_PUBLIC_KEY_PEM);
    const receiver = new RockblockPushReceiver({ key });
    await receiver.listen(pushPort);
    const pushes: ReceivedPush[] = [];
    receiver.on('push', (p) => pushes.push(p));
    try {
      const base = /MT API (http:\/\/[^ ,]+)\/rockblock\/MT/.exec(out)?.[1];
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const frame = referenceFrames()[0]?.frame as Uint8Array;
      const session = await fetch(`${base}/sim/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ imei: IMEI, data: Buffer.from(frame).toString('hex') }),
      });
      expect(await session.json()).toEqual({ moStatus: 0, momsn: 0, mt: null, mtQueued: 0 });
      for (let i = 0; i < 100 && pushes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(pushes.map((p) => [p.imei, p.momsn])).toEqual([[IMEI, 0]]);
      expect(pushes[0]?.data).toEqual(frame);

      const mt = new RockblockMtClient({
        endpoint: `${base}/rockblock/MT`,
        username: 'u1',
        password: 'pw~1',
      });
      expect((await mt.send(IMEI, Uint8Array.of(0xab))).mtId).toMatch(/^\d+$/);
      const check = await fetch(`${base}/sim/session`, {
        method: 'POST',
        body: new URLSearchParams({ imei: IMEI }),
      });
      expect(await check.json()).toEqual({
        moStatus: 0,
        momsn: 1,
        mt: { mtmsn: 1, data: 'ab' },
        mtQueued: 0,
      });
      const status = await (await fetch(`${base}/sim/status`)).json();
      expect(status).toMatchObject({ mtAccepted: 1, delivered: expect.any(Number) });
      expect(out).toContain(`MO ${IMEI} MOMSN 0: ${frame.length} bytes`);
    } finally {
      stop.abort();
      expect(await sim).toBe(0);
      await receiver.close();
    }
    expect(out).toContain('RockBLOCK simulator stopped.');
    // '~' is never in the base64 of the key the sim prints, so only the password could match.
    expect(out).not.toContain('pw~1');

    // The next run signs with the same key: the centre's verify_key_file stays right.
    let next = '';
    const rerun = ['--port', '0', '--key-dir', keyDir];
    expect(await runRockblockSim(rerun, { out: (t) => (next += t), stop: AbortSignal.abort() })).toBe(0);
    expect(next).toContain(`own key, kept in ${keyDir}`);
    expect(keyOf(next)).toBe(key);
    expect(await readFile(file as string, 'utf8')).toBe(key);
  });

  it('--pty where socat is not on PATH: TOOL_MISSING with the fix, and its port is free again', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as { port: number };
    await new Promise((resolve) => free.close(resolve));
    vi.stubEnv('PATH', keyDir);
    try {
      // Stopped before it starts: a simulator that did start returns at once instead of hanging.
      await expect(
        runRockblockSim(['--port', String(port), '--pty', '--key-dir', keyDir], {
          out: () => {},
          stop: AbortSignal.abort(),
        }),
      ).rejects.toMatchObject({
        code: 'TOOL_MISSING',
        message: expect.stringMatching(/^socat is not installed: apt install socat \(not found on PATH/),
      });
    } finally {
      vi.unstubAllEnvs();
    }
    // A server left open would keep the command from exiting after it printed the error.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => again.close(resolve));
  });

  it('refuses bad arguments as usage errors', async () => {
    expect(await usageError([])).toMatch(/--port/);
    expect(await usageError(['--port', 'x'])).toMatch(/--port/);
    expect(await usageError(['--port', '1', '--push-url', 'ftp://x'])).toMatch(/http/);
    expect(await usageError(['--port', '1', '--imei', '123'])).toMatch(/15 digits/);
    expect(await usageError(['--port', '1', '--push-format', 'xml'])).toMatch(/json or form/);
    expect(await usageError(['--bogus'])).toMatch(/bogus/);
    expect(await usageError(['--port', '1', '--key-dir', ''])).toMatch(/--key-dir/);
  });
});
