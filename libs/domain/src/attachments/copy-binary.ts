/** The signature that opens PostgreSQL's binary COPY format (then flags, then the header extension's length). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags (int32), extension length (int32). */
const FIXED_HEADER = SIGNATURE.length + 8;

/**
 * The bytes of the one field of the one row that `COPY (SELECT <bytea>) TO STDOUT (FORMAT binary)` sends, as they
 * arrive: the format's framing (header, field count, field length, trailer) is read and dropped, the field's bytes are
 * yielded as slices of the chunks the driver read (no copy). Throws on anything but exactly one non-null field.
 */
export async function* copyBinaryField(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let headNeeded = FIXED_HEADER;
  let stage: 'header' | 'extension' | 'tuple' | 'field' | 'trailer' = 'header';
  let left = 0;
  for await (let chunk of source) {
    while (chunk.length) {
      if (stage === 'field') {
        const piece = chunk.subarray(0, left);
        left -= piece.length;
        chunk = chunk.subarray(piece.length);
        if (piece.length) yield piece;
        if (left === 0) {
          stage = 'trailer';
          headNeeded = 2;
        }
        continue;
      }
      const take = Math.min(headNeeded - head.length, chunk.length);
      head = Buffer.concat([head, chunk.subarray(0, take)]);
      chunk = chunk.subarray(take);
      if (head.length < headNeeded) continue;
      if (stage === 'header') {
        if (!head.subarray(0, SIGNATURE.length).equals(SIGNATURE))
          throw new Error('not a binary COPY stream');
        stage = 'extension';
        headNeeded = head.readUInt32BE(SIGNATURE.length + 4);
      } else if (stage === 'extension') {
        stage = 'tuple';
        headNeeded = 6;
      } else if (stage === 'tuple') {
        const fields = head.readInt16BE(0);
        const length = head.readInt32BE(2);
        if (fields !== 1 || length < 0) throw new Error('expected one row of one non-null field');
        left = length;
        stage = length ? 'field' : 'trailer';
        headNeeded = length ? 0 : 2;
      } else if (stage === 'trailer') {
        if (head.readInt16BE(0) !== -1) throw new Error('expected one row only');
        return;
      }
      head = Buffer.alloc(0);
      // a zero-length header extension: the tuple comes next
      if (stage === 'extension' && headNeeded === 0) {
        stage = 'tuple';
        headNeeded = 6;
      }
    }
  }
  if (stage !== 'trailer' || left !== 0) throw new Error('the binary COPY stream ended early');
}
