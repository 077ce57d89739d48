import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AttachmentStore, type StoredBlob } from './attachment.ports.js';

/** Bytes per `attachment_chunks` row. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * The default `AttachmentStore`: blobs in PostgreSQL, one `bytea` row per 256 KB chunk. Writing inserts each chunk as
 * soon as it is full (at most one chunk is buffered, and the source waits while a chunk is written); reading selects
 * one chunk at a time, when the consumer asks for more. A blob is complete once its `chunk_count` is set; incomplete
 * blobs are removed by `sweep`.
 */
@Injectable()
export class PostgresAttachmentStore extends AttachmentStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async put(source: AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    const [{ id }] = await this.dataSource.query(`INSERT INTO attachment_blobs DEFAULT VALUES RETURNING id`);
    const hash = createHash('sha256');
    let size = 0;
    let idx = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const write = async (data: Buffer) => {
      await this.dataSource.query(`INSERT INTO attachment_chunks (blob_id, idx, data) VALUES ($1, $2, $3)`, [
        id,
        idx++,
        data,
      ]);
    };
    try {
      for await (const piece of source) {
        const b = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        hash.update(b);
        size += b.length;
        pending.push(b);
        pendingBytes += b.length;
        while (pendingBytes >= CHUNK_BYTES) {
          const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
          await write(all.subarray(0, CHUNK_BYTES));
          const rest = Buffer.from(all.subarray(CHUNK_BYTES));
          pending = rest.length ? [rest] : [];
          pendingBytes = rest.length;
        }
      }
      if (pendingBytes) await write(Buffer.concat(pending, pendingBytes));
      await this.dataSource.query(`UPDATE attachment_blobs SET size = $2, chunk_count = $3 WHERE id = $1`, [
        id,
        size,
        idx,
      ]);
    } catch (error) {
      await this.delete([id]).catch(() => undefined);
      throw error;
    }
    return { key: id, size, sha256: hash.digest('hex') };
  }

  async get(key: string): Promise<Readable | null> {
    const rows = await this.dataSource.query(
      `SELECT chunk_count AS "chunkCount" FROM attachment_blobs WHERE id = $1 AND chunk_count IS NOT NULL`,
      [key],
    );
    if (!rows[0]) return null;
    const count = Number(rows[0].chunkCount);
    const dataSource = this.dataSource;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < count; i++) {
        const r = await dataSource.query(
          `SELECT data FROM attachment_chunks WHERE blob_id = $1 AND idx = $2`,
          [key, i],
        );
        if (!r[0]) throw new Error(`attachment blob ${key} lost chunk ${i}`);
        yield r[0].data as Buffer;
      }
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_BYTES });
  }

  /** The driver's pool (for binary results, which TypeORM's query does not ask for). */
  private pool(): { query: (q: object) => Promise<{ rows: any[] }> } {
    return (
      this.dataSource.driver as unknown as { master: { query: (q: object) => Promise<{ rows: any[] }> } }
    ).master;
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.dataSource.query(`DELETE FROM attachment_blobs WHERE id = ANY($1::uuid[])`, [keys]);
  }

  async sweep(before: Date): Promise<number> {
    // TypeORM answers an UPDATE or DELETE with [rows, affected].
    const [, affected] = await this.dataSource.query(
      `DELETE FROM attachment_blobs WHERE chunk_count IS NULL AND created_at < $1`,
      [before],
    );
    return Number(affected ?? 0);
  }
}
