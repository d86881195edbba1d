/**
 * Reads HTTP/1.1 replies off a kept-alive connection, for the API benchmark's lean client
 * (lean-http-client.ts, docs/api.md §Measured): fed the bytes as they come, it tells the status of
 * each reply they complete. It reads what a load generator needs and no more: the status line, the
 * body's framing (`Content-Length` or `Transfer-Encoding: chunked`, RFC 9112 §6) and the end of the
 * reply, and whether the server closes the connection after it (`Connection: close`); headers and
 * body are skipped, never copied out. Replies to HEAD, whose length says a body that is not sent,
 * would be misread: the benchmark sends none.
 *
 * A reply whose framing it cannot tell (no length, not chunked, on a status that has a body) is an
 * error: the connection's next bytes could not be read, so it must be closed.
 */

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** A head longer than this is not an HTTP reply this client can read. */
const MAX_HEAD_BYTES = 64 * 1024;

export class ReplyFramingError extends Error {
  override readonly name = 'ReplyFramingError';
  readonly code = 'BENCH_REPLY_FRAMING';
}

/** One reply read whole: its status, and whether the server said it closes the connection after it. */
export interface Reply {
  status: number;
  close: boolean;
}

/** What some bytes completed; `error` when what followed could not be read (the connection is done). */
export interface ReplyRead {
  replies: Reply[];
  error?: ReplyFramingError;
}

type Body =
  | { kind: 'head' }
  | { kind: 'length'; left: number }
  /** In a chunked body: a chunk's size line, its data (with its CRLF), or the trailer section. */
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; left: number }
  | { kind: 'trailers' };

export class ReplyReader {
  #pending: Buffer = EMPTY;
  #state: Body = { kind: 'head' };
  #reply: Reply = { status: 0, close: false };

  /** Feeds bytes as they came; returns every reply they completed, in order, and any framing error after them. */
  push(bytes: Buffer): ReplyRead {
    const done: Reply[] = [];
    try {
      this.#read(bytes, done);
      return { replies: done };
    } catch (err) {
      if (!(err instanceof ReplyFramingError)) throw err;
      return { replies: done, error: err };
    }
  }

  #read(bytes: Buffer, done: Reply[]): void {
    this.#pending = this.#pending.length === 0 ? bytes : Buffer.concat([this.#pending, bytes]);
    let at = 0;
    for (;;) {
      const state = this.#state;
      if (state.kind === 'head') {
        const end = this.#pending.indexOf(HEAD_END, at);
        if (end < 0) {
          if (this.#pending.length - at > MAX_HEAD_BYTES)
            throw new ReplyFramingError('a reply head over 64 KiB');
          break;
        }
        const body = this.#readHead(this.#pending.toString('latin1', at, end));
        at = end + HEAD_END.length;
        if (body === 'none') done.push(this.#reply);
        else if (body !== 'interim') this.#state = body;
      } else if (state.kind === 'length' || state.kind === 'chunk-data') {
        const take = Math.min(state.left, this.#pending.length - at);
        at += take;
        state.left -= take;
        if (state.left > 0) break;
        if (state.kind === 'length') {
          done.push(this.#reply);
          this.#state = { kind: 'head' };
        } else this.#state = { kind: 'chunk-size' };
      } else {
        const end = this.#pending.indexOf(CRLF, at);
        if (end < 0) break;
        const line = this.#pending.toString('latin1', at, end);
        at = end + CRLF.length;
        if (state.kind === 'trailers') {
          if (line === '') {
            done.push(this.#reply);
            this.#state = { kind: 'head' };
          }
          continue;
        }
        const size = Number.parseInt(line.split(';', 1)[0] ?? '', 16);
        if (!Number.isInteger(size) || size < 0)
          throw new ReplyFramingError(`a chunk size line ${JSON.stringify(line)}`);
        // The data and the CRLF that ends it.
        this.#state = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', left: size + CRLF.length };
      }
    }
    this.#pending = at >= this.#pending.length ? EMPTY : this.#pending.subarray(at);
  }

  /** Whether bytes of an unfinished reply are held (a connection closing now cut one short). */
  get midReply(): boolean {
    return this.#pending.length > 0 || this.#state.kind !== 'head';
  }

  /** Reads the status and the body's framing: `none` for a reply without a body, `interim` for a 1xx. */
  #readHead(head: string): Body | 'none' | 'interim' {
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    if (status === null)
      throw new ReplyFramingError(`not an HTTP/1.1 status line: ${JSON.stringify(head.slice(0, 40))}`);
    const code = Number(status[1]);
    this.#reply = { status: code, close: /\r\nconnection:[^\r]*\bclose\b/i.test(head) };
    if (code < 200) return 'interim';
    if (code === 204 || code === 304) return 'none';
    // Chunked is the last coding named (RFC 9112 §6.3): the head here ends without its CRLF.
    if (/\r\ntransfer-encoding:[^\r]*\bchunked[ \t]*(?:\r|$)/i.test(head)) return { kind: 'chunk-size' };
    const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
    if (length === null) throw new ReplyFramingError(`a ${code} reply with neither a length nor chunks`);
    const left = Number(length[1]);
    return left === 0 ? 'none' : { kind: 'length', left };
  }
}
