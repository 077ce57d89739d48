import busboy from 'busboy';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { AttachmentTooLarge, invalid, type IncomingFile } from '#domain';

/** Room for the multipart framing around the file (boundaries, part headers). */
const FRAMING_BYTES = 64 * 1024;

/**
 * The one file of a `multipart/form-data` upload (part `file`), streamed: busboy parses the request as the consumer
 * reads the file, so at most a few socket buffers are in memory whatever the size. A request announcing more than the
 * limit is refused before a byte is read.
 */
export class MultipartUpload {
  private readonly parser: busboy.Busboy;
  private readonly parsed: Promise<void>;
  private file?: Readable;
  private fileArrived!: (f: IncomingFile) => void;
  private failed!: (e: unknown) => void;
  readonly incoming: Promise<IncomingFile>;

  constructor(
    private readonly req: Request,
    maxBytes: number,
  ) {
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > maxBytes + FRAMING_BYTES) throw new AttachmentTooLarge(maxBytes);
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? ''))
      throw invalid('file', {
        en: 'must be sent as multipart/form-data, in a part named file',
        es: 'debe enviarse como multipart/form-data, en una parte llamada file',
      });
    this.incoming = new Promise((resolve, reject) => {
      this.fileArrived = resolve;
      this.failed = reject;
    });
    this.incoming.catch(() => undefined);
    try {
      this.parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxBytes + 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 20 },
        defParamCharset: 'utf8',
      });
    } catch {
      throw invalid('file', {
        en: 'must be sent as multipart/form-data with a boundary',
        es: 'debe enviarse como multipart/form-data con un delimitador',
      });
    }
    this.parsed = new Promise<void>((resolve, reject) => {
      this.parser.on('file', (field, stream, info) => {
        if (field !== 'file' || this.file) {
          stream.resume();
          return;
        }
        this.file = stream;
        this.fileArrived({ name: info.filename ?? '', declaredType: info.mimeType ?? '', bytes: stream });
      });
      this.parser.on('close', () => {
        this.failed(missingFile());
        resolve();
      });
      this.parser.on('error', (e) => {
        const error = invalid('file', {
          en: `is not readable multipart/form-data (${(e as Error).message})`,
          es: `no es multipart/form-data legible (${(e as Error).message})`,
        });
        this.failed(error);
        this.file?.destroy(error);
        reject(error);
      });
    });
    this.parsed.catch(() => undefined);
    // A client that goes away mid-upload: the store sees an error and removes what it wrote.
    req.on('close', () => {
      if (!req.complete) this.file?.destroy(new Error('the client closed the upload'));
    });
    req.pipe(this.parser);
  }

  /** Resolves once the whole request was parsed (after the file was read). */
  finished(): Promise<void> {
    return this.parsed;
  }

  /**
   * The upload was refused midway: stop parsing and let the rest of the request body drain (the client then reads
   * the error answer), closing the connection after the answer.
   */
  discard(res: Response): void {
    this.req.unpipe(this.parser);
    this.file?.resume();
    if (!res.headersSent) res.setHeader('Connection', 'close');
    this.req.resume();
  }
}

function missingFile() {
  return invalid('file', { en: 'is required', es: 'es obligatorio' });
}
