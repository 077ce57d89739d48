import { AttachmentTooLarge, UnsupportedAttachmentType } from './attachment.errors.js';

/**
 * Reads the first `bytes` of an upload (fewer when the file is shorter) to decide its type, and gives back the whole
 * upload, head included, as a stream that has not been read further.
 */
export async function splitHead(
  source: AsyncIterable<Uint8Array>,
  bytes: number,
): Promise<{ head: Buffer; all: AsyncIterable<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    parts.push(b);
    length += b.length;
  }
  const head = Buffer.concat(parts, length);
  async function* all(): AsyncGenerator<Uint8Array> {
    yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, all: all() };
}

/**
 * Passes the bytes on while they respect the rules: at most `maxBytes` in all (`AttachmentTooLarge` as soon as one
 * byte more arrives), and for text every byte UTF-8 without NUL (`UnsupportedAttachmentType`).
 */
export async function* guarded(
  source: AsyncIterable<Uint8Array>,
  rules: { maxBytes: number; text: boolean },
): AsyncGenerator<Uint8Array> {
  let total = 0;
  const decoder = rules.text ? new TextDecoder('utf-8', { fatal: true }) : null;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > rules.maxBytes) throw new AttachmentTooLarge(rules.maxBytes);
    if (decoder) {
      if (chunk.includes(0)) throw new UnsupportedAttachmentType();
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        throw new UnsupportedAttachmentType();
      }
    }
    yield chunk;
  }
  if (decoder) {
    try {
      decoder.decode();
    } catch {
      throw new UnsupportedAttachmentType();
    }
  }
}
