/**
 * The API benchmark's lean client (lean-http-client.ts, lean-http-reply.ts; docs/api.md §Measured):
 * replies framed by length, by chunks or not at all, cut anywhere, read in order; and the pool over
 * a real node:http server on loopback, kept alive, queued and reconnected.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { LeanPool, requestBytes } from './lean-http-client.js';
import { type Reply, ReplyFramingError, ReplyReader } from './lean-http-reply.js';

type Framed = { status: number; body: string; framing: 'length' | 'chunked' | 'none' | 'interim' };

function wire(r: Framed): string {
  if (r.framing === 'interim') return 'HTTP/1.1 100 Continue\r\n\r\n';
  const head = `HTTP/1.1 ${r.status} X\r\nX-Note: a\r\n`;
  if (r.framing === 'none') return `${head}\r\n`;
  if (r.framing === 'length') return `${head}Content-Length: ${Buffer.byteLength(r.body)}\r\n\r\n${r.body}`;
  const chunks = r.body.length === 0 ? [] : [r.body.slice(0, 3), r.body.slice(3)].filter((c) => c !== '');
  const data = chunks.map((c) => `${Buffer.byteLength(c).toString(16)};ext=1\r\n${c}\r\n`).join('');
  return `${head}transfer-encoding: chunked\r\n\r\n${data}0\r\nTrailer-Field: t\r\n\r\n`;
}

const framed: fc.Arbitrary<Framed> = fc.oneof(
  fc.record({
    status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
    body: fc.string(),
    framing: fc.constantFrom('length' as const, 'chunked' as const),
  }),
  fc.record({
    status: fc.constantFrom(204, 304),
    body: fc.constant(''),
    framing: fc.constant('none' as const),
  }),
  fc.record({ status: fc.constant(100), body: fc.constant(''), framing: fc.constant('interim' as const) }),
);

describe('ReplyReader', () => {
  it('reads every final reply once, in order, wherever the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.array(framed, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (replies, cuts) => {
          const bytes = Buffer.from(replies.map(wire).join(''));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const reader = new ReplyReader();
          const read: Reply[] = [];
          let from = 0;
          for (const at of [...points, bytes.length]) {
            const got = reader.push(bytes.subarray(from, at));
            expect(got.error).toBeUndefined();
            read.push(...got.replies);
            from = at;
          }
          expect(read.map((r) => r.status)).toEqual(
            replies.filter((r) => r.framing !== 'interim').map((r) => r.status),
          );
          expect(reader.midReply).toBe(false);
        },
      ),
    );
  });

  it('holds a reply cut short as unfinished', () => {
    const reader = new ReplyReader();
    const head = reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'));
    expect(head).toEqual({ replies: [] });
    expect(reader.midReply).toBe(true);
    expect(reader.push(Buffer.from('cde'))).toEqual({ replies: [{ status: 200, close: false }] });
  });

  it('says which replies close the connection, and takes chunked only as the last coding', () => {
    const closing = Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    expect(new ReplyReader().push(closing)).toEqual({ replies: [{ status: 200, close: true }] });
    const gzipped = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n',
    );
    expect(new ReplyReader().push(gzipped)).toEqual({ replies: [{ status: 200, close: false }] });
    const unknown = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunkedx\r\n\r\n');
    expect(new ReplyReader().push(unknown).error).toBeInstanceOf(ReplyFramingError);
  });

  it('refuses a reply it cannot frame, and what is not HTTP, keeping the replies before it', () => {
    const unframed = new ReplyReader().push(Buffer.from('HTTP/1.1 200 OK\r\nX: y\r\n\r\n'));
    expect(unframed.error).toBeInstanceOf(ReplyFramingError);
    expect(new ReplyReader().push(Buffer.from('SSH-2.0-x\r\n\r\n')).error?.message).toMatch(/not an HTTP/);
    const after = new ReplyReader().push(
      Buffer.from('HTTP/1.1 204 No\r\n\r\nHTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'),
    );
    expect(after.replies).toEqual([{ status: 204, close: false }]);
    expect(after.error?.message).toMatch(/chunk size/);
  });

  it('never throws on random bytes: what it cannot read is a framing error it returns', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), (parts) => {
        const reader = new ReplyReader();
        for (const p of parts) {
          const read = reader.push(Buffer.from(p));
          if (read.error === undefined) continue;
          expect(read.error).toBeInstanceOf(ReplyFramingError);
          break;
        }
      }),
    );
  });
});

describe('LeanPool', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
    const listening = createServer({ keepAliveTimeout: 5000 }, handler);
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    return (listening.address() as AddressInfo).port;
  }

  it('keeps its connections alive, queues what finds none free, and reads each reply', async () => {
    const sockets = new Set<unknown>();
    const port = await serve((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        // Chunked for one path, a length for the rest.
        if (req.url === '/chunked') {
          res.writeHead(202);
          res.write('part one, ');
          res.end('part two');
        } else res.writeHead(201, { 'content-length': Buffer.byteLength(body) }).end(body);
      });
    });
    const pool = new LeanPool('127.0.0.1', port, 2);
    const asks = Array.from({ length: 9 }, (_, i) =>
      pool.request(
        i % 3 === 0
          ? requestBytes('GET', '/chunked', { host: 'x' })
          : requestBytes('POST', '/echo', { host: 'x' }, `body ${i} 中文`),
      ),
    );
    const replies = await Promise.all(asks);
    pool.destroy();
    expect(replies).toEqual(Array.from({ length: 9 }, (_, i) => ({ status: i % 3 === 0 ? 202 : 201 })));
    expect(sockets.size).toBe(2);
  });

  it('sends the requests queued behind Connection: close replies on new connections, at once', async () => {
    const sockets = new Set<unknown>();
    const port = await serve((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { connection: 'close', 'content-length': 2 }).end('ok');
    });
    const pool = new LeanPool('127.0.0.1', port, 1);
    const asks = [1, 2, 3].map(() => pool.request(requestBytes('GET', '/', { host: 'x' })));
    expect(await Promise.all(asks)).toEqual([{ status: 200 }, { status: 200 }, { status: 200 }]);
    expect(sockets.size).toBe(3);
    pool.destroy();
  });

  it('ends a request whose connection the server ends mid-reply, and says so', async () => {
    const port = await serve((req) => req.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab'));
    const pool = new LeanPool('127.0.0.1', port, 1);
    const reply = await pool.request(requestBytes('GET', '/', { host: 'x' }));
    expect(reply).toEqual({ error: 'BENCH_CLOSED_MID_REPLY' });
    pool.destroy();
  });
});
