import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { LinkDownReason, LinkState, SendOptions, SendOutcome } from './link.js';
import { failed, LinkBase } from './link-base.js';

/** A link whose medium is a script: what open() does and what transmit() answers. */
class ScriptedLink extends LinkBase {
  readonly kind = 'fake' as const;
  openWith: (link: ScriptedLink) => Promise<void> = async (l) => l.up();
  answer: SendOutcome = { ok: true };
  sent: Uint8Array[] = [];
  closes = 0;

  constructor(log?: Logger) {
    super({ id: 'scripted', mtu: 8, name: 'scripted', log });
  }

  up(): void {
    this.goUp();
  }

  down(reason: LinkDownReason, detail?: string): void {
    this.goDown(reason, detail);
  }

  hear(bytes: Uint8Array): void {
    this.received(bytes, { from: 'peer' });
  }

  protected open(): Promise<void> {
    return this.openWith(this);
  }

  protected async close(): Promise<void> {
    this.closes++;
  }

  protected async transmit(frame: Uint8Array, _opts: SendOptions): Promise<SendOutcome> {
    this.sent.push(frame);
    return this.answer;
  }
}

function recordingLog(lines: string[]): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      const reason = typeof obj === 'object' && 'reason' in obj ? ` ${String(obj.reason)}` : '';
      lines.push(`${level} ${msg ?? obj}${reason}`);
    };
  const log: Logger = {
    child: () => log,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return log;
}

const statesOf = (link: ScriptedLink): string[] => {
  const seen: string[] = [];
  link.on('state', (s: LinkState) => seen.push(s.status === 'down' ? `down/${s.reason}` : s.status));
  return seen;
};

describe('LinkBase, the link skeleton', () => {
  it('logs a down once per distinct reason until up again, and up once per transition', async () => {
    const lines: string[] = [];
    const link = new ScriptedLink(recordingLog(lines));
    await link.start();
    link.down('no-service');
    link.down('no-service', 'still no satellite');
    link.down('port-closed');
    link.down('no-service');
    link.up();
    link.up();
    link.down('no-service');
    expect(lines).toEqual([
      'info scripted link up',
      'warn scripted link down no-service',
      'warn scripted link down port-closed',
      'warn scripted link down no-service',
      'info scripted link up',
      'warn scripted link down no-service',
    ]);
  });

  it('emits a state only when its status or down reason changes, after updating `state`', async () => {
    const link = new ScriptedLink();
    const seen = statesOf(link);
    link.on('state', (s) => expect(link.state).toBe(s));
    await link.start();
    link.up();
    link.down('no-service', 'a');
    link.down('no-service', 'b');
    link.down('port-error');
    await link.stop();
    await link.stop();
    expect(seen).toEqual(['starting', 'up', 'down/no-service', 'down/port-error', 'down/stopped']);
  });

  it('joins a start under way, does nothing while up, and closes once however often stopped', async () => {
    const link = new ScriptedLink();
    let opens = 0;
    link.openWith = async (l) => {
      opens++;
      await new Promise((r) => setTimeout(r, 5));
      l.up();
    };
    await Promise.all([link.start(), link.start()]);
    await link.start();
    expect(opens).toBe(1);
    await Promise.all([link.stop(), link.stop()]);
    expect(link.closes).toBe(1);
    await expect(link.start()).rejects.toSatisfy((e) => isKitError(e, 'LINK_CLOSED'));
  });

  it('turns a fault while opening into down/port-error, and an open that never went up too', async () => {
    const link = new ScriptedLink();
    link.openWith = async () => {
      throw new Error('EACCES');
    };
    await link.start();
    expect(link.state).toMatchObject({ status: 'down', reason: 'port-error', detail: 'EACCES' });
    link.openWith = async () => {};
    await link.start();
    expect(link.state).toMatchObject({ status: 'down', reason: 'port-error' });
    expect(link.counters().errors).toBe(1);
  });

  it('applies the send guards in order, and hands the hook a copy', async () => {
    const link = new ScriptedLink();
    await expect(link.send('abc' as unknown as Uint8Array)).rejects.toThrow(TypeError);
    await expect(link.send(new Uint8Array(0))).rejects.toThrow(RangeError);
    expect(await link.send(new Uint8Array(9))).toMatchObject({
      ok: false,
      retry: 'never',
      code: 'TOO_LARGE',
    });
    expect(await link.send(new Uint8Array(1))).toMatchObject({
      ok: false,
      retry: 'later',
      code: 'LINK_DOWN',
    });
    await link.start();
    const aborted = AbortSignal.abort(new Error('gave up'));
    await expect(link.send(new Uint8Array(1), { signal: aborted })).rejects.toThrow('gave up');
    const frame = Uint8Array.of(1, 2, 3);
    expect(await link.send(frame)).toEqual({ ok: true });
    frame[0] = 99;
    expect(link.sent).toEqual([Uint8Array.of(1, 2, 3)]);
    await link.stop();
    await expect(link.send(Uint8Array.of(1))).rejects.toSatisfy((e) => isKitError(e, 'LINK_CLOSED'));
  });

  it('counts sent frames, received frames and failures, but not refusals', async () => {
    const link = new ScriptedLink();
    await link.start();
    await link.send(Uint8Array.of(1, 2));
    link.answer = failed('later', 'BUSY', 'full');
    await link.send(Uint8Array.of(1));
    link.answer = failed('later', 'TIMEOUT', 'no ack');
    await link.send(Uint8Array.of(1));
    link.hear(Uint8Array.of(5, 6, 7));
    expect(link.counters()).toEqual({ txFrames: 1, txBytes: 2, rxFrames: 1, rxBytes: 3, errors: 1 });
  });

  it('declares the default capabilities from its mtu', () => {
    expect(new ScriptedLink().capabilities).toEqual({
      maxSendBytes: 8,
      maxReceiveBytes: 8,
      minSendIntervalMs: 0,
      confirmationWaitMs: 0,
      sharedMedium: false,
    });
  });
});
