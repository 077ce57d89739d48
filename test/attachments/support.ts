import { createHash, randomBytes } from 'node:crypto';

export const ST = 'smuggling-trafficking';

/** A small but real PDF. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n' +
    'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n' +
    'trailer<</Size 4/Root 1 0 R>>\nstartxref\n163\n%%EOF\n',
);

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One `multipart/form-data` body with a part `file`, in memory (small files). */
export function multipart(name: string, type: string, bytes: Buffer, field = 'file') {
  const boundary = `----enlace${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(
  baseUrl: string,
  token: string | undefined,
  channelId: string,
  name: string,
  type: string,
  bytes: Buffer,
) {
  const { body, contentType } = multipart(name, type, bytes);
  const res = await fetch(`${baseUrl}/api/channels/${channelId}/attachments`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * A large upload streamed as it is made (chunked, no Content-Length): `size` bytes that start as a PDF, produced
 * 64 KB at a time and hashed on the way, so the test holds no more than one chunk either.
 */
export function streamedPdf(size: number) {
  const boundary = `----enlace${randomBytes(8).toString('hex')}`;
  const hash = createHash('sha256');
  async function* body() {
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    let sent = 0;
    while (sent < size) {
      const n = Math.min(64 * 1024, size - sent);
      const chunk = randomBytes(n);
      if (sent === 0) Buffer.from('%PDF-1.7\n').copy(chunk);
      hash.update(chunk);
      sent += n;
      yield chunk;
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return {
    body: body(),
    contentType: `multipart/form-data; boundary=${boundary}`,
    digest: () => hash.digest('hex'),
  };
}

/** Streams a download and hashes it without keeping it. */
export async function downloadHash(
  url: string,
  token: string,
): Promise<{ status: number; sha256: string; size: number; headers: Headers }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const hash = createHash('sha256');
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
  }
  return { status: res.status, sha256: hash.digest('hex'), size, headers: res.headers };
}

/** Sends a file made by `streamedPdf` as it is made (chunked); the status and the parsed answer. */
export async function uploadStreamed(
  baseUrl: string,
  token: string,
  channelId: string,
  file: ReturnType<typeof streamedPdf>,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/api/channels/${channelId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': file.contentType },
    body: file.body as any,
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, body: await res.json() };
}
