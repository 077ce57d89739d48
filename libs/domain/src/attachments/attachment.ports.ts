import type { Readable } from 'node:stream';

/** What a store answers once it holds every byte of an upload. */
export interface StoredBlob {
  /** The store's key for the bytes (kept in `attachments.storage_key`). */
  key: string;
  size: number;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
}

/**
 * Where the bytes of attachments live (a port: the domain declares it, an implementation binds it). The default,
 * `PostgresAttachmentStore`, keeps them in PostgreSQL in 256 KB chunks, so the embedded default and the scale-out
 * deployment both hold them with no new server. An S3-compatible store implements the same four methods (README,
 * "Attachments"): `put` as a multipart upload streamed part by part (hashing as it goes), `get` as a streamed
 * `GetObject`, `delete` as `DeleteObjects`, `sweep` by aborting incomplete multipart uploads.
 *
 * Every method streams: nothing holds a whole file in memory.
 */
export abstract class AttachmentStore {
  /**
   * Stores the bytes as they come (the source's pace is the store's pace: backpressure). When the source fails
   * (too large, not the type it claimed, the client went away), what was written is removed and the error rethrown.
   */
  abstract put(source: AsyncIterable<Uint8Array>): Promise<StoredBlob>;

  /** The bytes of a complete blob as a stream; null when there is no such complete blob. */
  abstract get(key: string): Promise<Readable | null>;

  /** Removes these blobs (unknown keys are ignored). */
  abstract delete(keys: string[]): Promise<void>;

  /** Removes what uploads that never completed left behind before `before` (a crashed process, a lost client). */
  abstract sweep(before: Date): Promise<number>;
}
