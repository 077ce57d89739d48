import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { isUuid } from '../messaging/message-rules.js';
import { AttachmentStore, type StoredBlob } from './attachment.ports.js';
import { copyBinaryField } from './copy-binary.js';
import { StreamCollector } from './stream-memory.js';

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
    // Every piece is copied at once into this one chunk buffer, reused for each chunk: the request's socket buffers
    // then die young, collected by the next scavenge, instead of waiting (promoted to the old generation) for the
    // chunk to fill, which left about the upload's size to a later full collection.
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let filled = 0;
    const collector = new StreamCollector();
    const write = async () => {
      // the driver copies the parameter into its message when it sends it, before the query resolves
      await this.dataSource.query(`INSERT INTO attachment_chunks (blob_id, idx, data) VALUES ($1, $2, $3)`, [
        id,
        idx++,
        filled === CHUNK_BYTES ? chunk : chunk.subarray(0, filled),
      ]);
      collector.moved(filled);
      filled = 0;
    };
    try {
      for await (const piece of source) {
        hash.update(piece);
        size += piece.byteLength;
        let at = 0;
        while (at < piece.byteLength) {
          const n = Math.min(CHUNK_BYTES - filled, piece.byteLength - at);
          chunk.set(piece.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === CHUNK_BYTES) await write();
        }
      }
      if (filled) await write();
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
    // the key is written into the COPY statement (COPY takes no parameters): a uuid or nothing
    if (!isUuid(key)) return null;
    const rows = await this.dataSource.query(
      `SELECT chunk_count AS "chunkCount" FROM attachment_blobs WHERE id = $1 AND chunk_count IS NOT NULL`,
      [key],
    );
    if (!rows[0]) return null;
    const count = Number(rows[0].chunkCount);
    const pool = this.pool();
    // Each chunk is read by a binary COPY on a connection of its own, held only while that chunk streams: the bytes
    // arrive as the socket's own buffers (a plain SELECT returns bytea as a hex string twice its size, which the
    // driver assembles by growing a buffer and then decodes), and a slow download holds no connection between chunks.
    async function* chunks(): AsyncGenerator<Buffer> {
      const collector = new StreamCollector();
      for (let i = 0; i < count; i++) {
        const client = await pool.connect();
        let done = false;
        try {
          const copy = client.query(
            copyTo(
              `COPY (SELECT data FROM attachment_chunks WHERE blob_id = '${key}' AND idx = ${i}) TO STDOUT (FORMAT binary)`,
            ),
          );
          let size = 0;
          try {
            for await (const piece of copyBinaryField(copy)) {
              size += piece.length;
              collector.moved(piece.length);
              yield piece;
            }
          } catch (error) {
            throw new Error(`attachment blob ${key} lost chunk ${i}`, { cause: error });
          }
          if (!size) throw new Error(`attachment blob ${key} lost chunk ${i}`);
          done = true;
        } finally {
          // a COPY left half-read (the download was abandoned, or it failed) ends its connection
          client.release(!done);
        }
      }
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_BYTES });
  }

  /** The driver's pool: COPY needs a connection of its own, which TypeORM's query does not lend. */
  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
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
