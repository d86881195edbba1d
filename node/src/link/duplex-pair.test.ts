import { describe, expect, it } from 'vitest';
import { createDuplexPair } from './duplex-pair.js';

const readAll = (s: NodeJS.ReadableStream): Promise<Buffer> =>
  new Promise((resolve) => {
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(c));
    s.on('end', () => resolve(Buffer.concat(parts)));
  });

describe('createDuplexPair', () => {
  it('carries bytes both ways and ends the other side on end() and destroy()', async () => {
    const [a, b] = createDuplexPair();
    const atB = readAll(b);
    const atA = readAll(a);
    a.write(Uint8Array.of(0x94, 0xc3));
    a.end(Uint8Array.of(1));
    expect([...(await atB)]).toEqual([0x94, 0xc3, 1]);
    b.write(Uint8Array.of(7));
    b.destroy();
    expect([...(await atA)]).toEqual([7]);
  });
});
