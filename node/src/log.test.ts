import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { childLogger, createRootLogger } from './log.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('root logger', () => {
  it('honours the level and writes JSON lines with component bindings', () => {
    const { lines, stream } = capture();
    const log = createRootLogger({ level: 'info' }, stream);
    const store = childLogger(log, 'store', { dir: '/data' });
    store.debug('not written');
    store.info({ msgId: '2107/305' }, 'stored');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      mod: 'store',
      dir: '/data',
      msgId: '2107/305',
      msg: 'stored',
    });
  });

  it('redacts credentials at the top level, one level down and in request headers', () => {
    const { lines, stream } = capture();
    const log = createRootLogger({ level: 'trace' }, stream);
    log.info(
      {
        pin: '1234',
        person: { name: '李', pin: '4321' },
        link: { id: 'sbd0', password: 'rock7' },
        req: { headers: { authorization: 'Bearer x', cookie: 'sid=1', host: 'kit' } },
      },
      'sign-in',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['1234', '4321', 'rock7', 'Bearer x', 'sid=1']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      person: { name: '李', pin: '[redacted]' },
      req: { headers: { host: 'kit' } },
    });
  });

  it('logs errors with their code and cause through the err serializer', () => {
    const { lines, stream } = capture();
    const log = createRootLogger({ level: 'info' }, stream);
    const err = Object.assign(new Error('no satellite', { cause: new Error('CSQ 0') }), {
      code: 'NO_SERVICE',
    });
    log.warn({ err }, 'send failed');
    expect(lines[0]).toMatchObject({ err: { message: 'no satellite: CSQ 0', code: 'NO_SERVICE' } });
  });
});
