import { randomBytes } from 'node:crypto';
import { copyBinaryField } from './copy-binary.js';

/** What PostgreSQL sends for `COPY (SELECT <one bytea>) TO STDOUT (FORMAT binary)`, one row. */
function copyStream(data: Buffer | null, extension = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(19);
  Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1').copy(head, 0);
  head.writeUInt32BE(0, 11);
  head.writeUInt32BE(extension.length, 15);
  const tuple = Buffer.alloc(6);
  tuple.writeInt16BE(1, 0);
  tuple.writeInt32BE(data ? data.length : -1, 2);
  return Buffer.concat([head, extension, tuple, data ?? Buffer.alloc(0), Buffer.from([0xff, 0xff])]);
}

/** The stream cut at the given offsets, as the socket might deliver it. */
async function* cut(bytes: Buffer, at: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const to of [...at.sort((a, b) => a - b), bytes.length]) {
    yield bytes.subarray(from, to);
    from = to;
  }
}

async function read(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of copyBinaryField(source)) parts.push(p);
  return Buffer.concat(parts);
}

describe('copyBinaryField', () => {
  it('yields exactly the field’s bytes, wherever the stream is cut (header, framing and data split anywhere)', async () => {
    for (let round = 0; round < 200; round++) {
      const data = randomBytes(1 + Math.floor(Math.random() * 5000));
      const ext = round % 5 === 0 ? randomBytes(3) : Buffer.alloc(0);
      const bytes = copyStream(data, ext);
      const cuts = Array.from({ length: Math.floor(Math.random() * 8) }, () =>
        Math.floor(Math.random() * bytes.length),
      );
      expect((await read(cut(bytes, cuts))).equals(data)).toBe(true);
    }
  });

  it('yields slices of what it was given (no copy of the data)', async () => {
    const data = randomBytes(1000);
    const bytes = copyStream(data);
    const pieces: Buffer[] = [];
    for await (const p of copyBinaryField(cut(bytes, []))) pieces.push(p);
    expect(pieces).toHaveLength(1);
    expect(pieces[0].buffer).toBe(bytes.buffer);
  });

  it('refuses what is not one row of one non-null field, and a stream that ends early', async () => {
    await expect(read(cut(Buffer.from('not a copy stream at all'), []))).rejects.toThrow(/binary COPY/);
    await expect(read(cut(copyStream(null), []))).rejects.toThrow(/one non-null field/);
    const noRow = Buffer.concat([copyStream(Buffer.alloc(0)).subarray(0, 19), Buffer.from([0xff, 0xff])]);
    await expect(read(cut(noRow, []))).rejects.toThrow(/ended early/);
    const full = copyStream(randomBytes(100));
    await expect(read(cut(full.subarray(0, full.length - 50), []))).rejects.toThrow(/ended early/);
  });
});
