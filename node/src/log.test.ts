import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KitError } from './base/errors.js';
import { childLogger, createRootLogger, type RootLogConfig } from './log.js';
import { messageWithCauses } from './log-error.js';
import { chooseLogFormat } from './log-format.js';
import { prettyLine, timeFormatter } from './log-line.js';

/** Every line written, as text: JSON.parse would hide a key written twice. */
function capture() {
  const texts: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) texts.push(line);
      done();
    },
  });
  return {
    texts,
    get lines(): Array<Record<string, unknown>> {
      return texts.map((t) => JSON.parse(t));
    },
    stream,
  };
}

const jsonLogger = (config: RootLogConfig) => {
  const out = capture();
  return { ...out, out, log: createRootLogger(config, out.stream) };
};

describe('root logger', () => {
  it('honours the level and writes JSON lines with component bindings', () => {
    const { out, log } = jsonLogger({ level: 'info' });
    const store = childLogger(log, 'store', { dir: '/data' });
    store.debug('not written');
    store.info({ msgId: '2107/305' }, 'stored');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({
      level: 30,
      mod: 'store',
      dir: '/data',
      msgId: '2107/305',
      msg: 'stored',
    });
  });

  it('writes each key once: a binding a child repeats, and a field the object repeats', () => {
    const { out, log } = jsonLogger({ level: 'info' });
    const link = childLogger(log, 'link', { link: 'udp0' });
    link.child({ link: 'udp0' }).info({ link: 'udp0', port: 4710 }, 'udp link up');
    link.child({ mod: 'dispatch' }).info('sent');
    link.warn({ link: 'udp1' }, 'the object wins');
    const [up, sent, wins] = out.texts;
    expect(up?.match(/"link":/g)).toHaveLength(1);
    expect(JSON.parse(up ?? '')).toMatchObject({ mod: 'link', link: 'udp0', port: 4710, msg: 'udp link up' });
    expect(sent?.match(/"mod":/g)).toHaveLength(1);
    expect(JSON.parse(sent ?? '')).toMatchObject({ mod: 'dispatch', link: 'udp0' });
    expect(wins?.match(/"link":/g)).toHaveLength(1);
    expect(JSON.parse(wins ?? '')).toMatchObject({ link: 'udp1' });
  });

  it('redacts credentials at the top level, one level down, in request headers and in bindings', () => {
    const { out, log } = jsonLogger({ level: 'trace' });
    log.info(
      {
        pin: '1234',
        person: { name: '李', pin: '4321' },
        link: { id: 'sbd0', password: 'rock7' },
        req: { headers: { authorization: 'Bearer x', cookie: 'sid=1', host: 'kit' } },
      },
      'sign-in',
    );
    log.child({ token: 'abcdef' }).info('bound');
    const text = out.texts.join('\n');
    for (const secret of ['1234', '4321', 'rock7', 'Bearer x', 'sid=1', 'abcdef'])
      expect(text).not.toContain(secret);
    expect(out.lines[0]).toMatchObject({
      person: { name: '李', pin: '[redacted]' },
      req: { headers: { host: 'kit' } },
    });
  });

  it('logs errors with their code and cause through the err serializer', () => {
    const { out, log } = jsonLogger({ level: 'info' });
    const err = Object.assign(new Error('no satellite', { cause: new Error('CSQ 0') }), {
      code: 'NO_SERVICE',
    });
    log.warn({ err }, 'send failed');
    expect(out.lines[0]).toMatchObject({ err: { message: 'no satellite: CSQ 0', code: 'NO_SERVICE' } });
    expect(String((out.lines[0]?.err as { stack?: string } | undefined)?.stack)).toContain(
      'caused by: Error: CSQ 0',
    );
  });

  it('says a cause once when the error message says it already', () => {
    const { out, log } = jsonLogger({ level: 'info' });
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const err = new KitError('MESH_PORT', `cannot connect to tcp 127.0.0.1:1: ${refused.message}`, {
      cause: refused,
    });
    log.warn({ err }, 'meshtastic link down');
    log.warn(err, 'an error given alone is logged as err');
    const [first, alone] = out.lines;
    expect(first?.err).toMatchObject({
      code: 'MESH_PORT',
      message: 'cannot connect to tcp 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(alone?.err).toMatchObject({ code: 'MESH_PORT' });
    const deep = new Error('a', { cause: new Error('b', { cause: new Error('a: b') }) });
    expect(messageWithCauses(deep)).toBe('a: b');
    const circular = new Error('x');
    circular.cause = new Error('y', { cause: circular });
    expect(messageWithCauses(circular)).toBe('x: y');
  });

  it('writes pretty lines when told to, in the configured time zone', () => {
    const { out, log } = jsonLogger({ level: 'info', format: 'pretty', timeZone: 'Asia/Shanghai' });
    const before = Date.now();
    childLogger(log, 'link', { link: 'sat0' }).warn(
      { reason: 'port-closed', detail: "cannot open the modem's port" },
      'SBD link down',
    );
    const [line] = out.texts;
    const time = timeFormatter('Asia/Shanghai');
    expect([time(before), time(before + 1000)]).toContain(line?.slice(0, 14));
    expect(line?.slice(14)).toBe(
      ` WARN  link/sat0      SBD link down  reason=port-closed detail="cannot open the modem's port"`,
    );
  });
});

describe('pretty lines', () => {
  const opts = { time: timeFormatter('Asia/Shanghai'), color: false };
  // 2026-07-13T19:20:07Z is 03:20:07 the next day in Shanghai, 20:20:07 in London.
  const at = Date.UTC(2026, 6, 13, 19, 20, 7);

  it('show the local time, level, component/link, message, then the other fields compactly', () => {
    expect(
      prettyLine(
        {
          level: 50,
          time: at,
          pid: 4242,
          hostname: 'kit',
          mod: 'links',
          link: 'mesh0',
          lastError: 'no-device: cannot open /dev/ttyUSB0',
          downMs: 600_000,
          attempts: 37,
          up: false,
          links: ['udp0', 'mesh0'],
          address: { host: '127.0.0.1', port: 22 },
          msg: 'link still down after 10 min, 37 attempts',
        },
        opts,
      ),
    ).toBe(
      '07-14 03:20:07 ERROR links/mesh0    link still down after 10 min, 37 attempts  ' +
        'lastError="no-device: cannot open /dev/ttyUSB0" downMs=600000 attempts=37 up=false ' +
        'links=[udp0,mesh0] address={"host":"127.0.0.1","port":22}',
    );
    expect(prettyLine({ level: 30, time: at, msg: 'node started' }, opts)).toBe(
      '07-14 03:20:07 INFO                 node started',
    );
    expect(timeFormatter('Europe/London')(at)).toBe('07-13 20:20:07');
  });

  it('show an error as its code and message, once, without the stack', () => {
    const line = prettyLine(
      {
        level: 40,
        time: at,
        mod: 'link',
        link: 'mesh0',
        reason: 'no-device',
        err: {
          type: 'KitError',
          message: 'cannot connect to tcp 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1',
          stack: 'KitError: cannot connect\n    at TcpTransport.open',
          code: 'MESH_PORT',
        },
        msg: 'meshtastic link down',
      },
      opts,
    );
    expect(line).toBe(
      '07-14 03:20:07 WARN  link/mesh0     meshtastic link down  reason=no-device ' +
        'err="MESH_PORT: cannot connect to tcp 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1"',
    );
  });

  it('colour only the level, and only when asked', () => {
    const line = prettyLine({ level: 50, time: at, msg: 'x' }, { ...opts, color: true });
    expect(line).toBe('07-14 03:20:07 \u001b[31mERROR\u001b[0m                x');
  });

  it('are always one line with nothing in it that could drive a terminal', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()),
        fc.string({ unit: 'binary' }),
        (msg, fields, link) => {
          const line = prettyLine({ ...fields, level: 30, time: at, link, msg }, opts);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: what must not be there
          expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        },
      ),
    );
    expect(prettyLine({ level: 30, time: at, msg: 'AT+SBDIX\r\n\u001b[2J' }, opts)).toBe(
      '07-14 03:20:07 INFO                 AT+SBDIX\\r\\n\\x1b[2J',
    );
  });
});

describe('the format of auto', () => {
  it('is pretty on a terminal and JSON in a pipe', () => {
    expect(chooseLogFormat('auto', { env: {}, isTTY: true })).toBe('pretty');
    expect(chooseLogFormat('auto', { env: {}, isTTY: false })).toBe('json');
  });

  it('is JSON under systemd, when JOURNAL_STREAM names standard output, even on a terminal', () => {
    const stdoutId = () => '8:4711';
    expect(chooseLogFormat('auto', { env: { JOURNAL_STREAM: '8:4711' }, isTTY: true, stdoutId })).toBe(
      'json',
    );
    expect(chooseLogFormat('auto', { env: { JOURNAL_STREAM: '8:4711' }, isTTY: false, stdoutId })).toBe(
      'json',
    );
    // Inherited by a shell started from a service, while it writes to a terminal.
    expect(chooseLogFormat('auto', { env: { JOURNAL_STREAM: '8:99' }, isTTY: true, stdoutId })).toBe(
      'pretty',
    );
  });

  it('is what the configuration says when it says pretty or json', () => {
    expect(chooseLogFormat('json', { env: {}, isTTY: true })).toBe('json');
    expect(chooseLogFormat('pretty', { env: {}, isTTY: false })).toBe('pretty');
  });

  it('writes a destination given (a test, a pipe) as JSON unless told pretty', () => {
    const { out, log } = jsonLogger({ level: 'info', format: 'auto' });
    log.info('plain');
    expect(out.lines[0]).toMatchObject({ msg: 'plain' });
  });
});
