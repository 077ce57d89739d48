import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments on channels and case threads (issue 12).
 *
 * - `attachment_blobs` / `attachment_chunks`: the bytes, for the PostgreSQL implementation of the `AttachmentStore`
 *   port. A blob is written chunk by chunk (256 KB `bytea` rows, streamed) and is complete once `chunk_count` is set.
 *   Chunks are stored uncompressed (`STORAGE EXTERNAL`): the accepted formats are mostly compressed already.
 * - `attachments`: what a message carries (name, sniffed type, size, SHA-256) and where its bytes are
 *   (`storage_key`, the store's key). `message_id` is NULL until the uploader sends a message with it; `deleted_at`
 *   is set when that message is deleted or an unsent upload is purged, and `storage_key` is cleared once the bytes
 *   are gone.
 */
export class Attachments1764370000800 implements MigrationInterface {
  name = 'Attachments1764370000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachment_blobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        size bigint NOT NULL DEFAULT 0,
        chunk_count integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE attachment_chunks (
        blob_id uuid NOT NULL REFERENCES attachment_blobs(id) ON DELETE CASCADE,
        idx integer NOT NULL CHECK (idx >= 0),
        data bytea NOT NULL,
        PRIMARY KEY (blob_id, idx)
      )`);
    await q.query(`ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL`);
    await q.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        uploader_id uuid NOT NULL REFERENCES users(id),
        message_id uuid REFERENCES messages(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
        content_type text NOT NULL,
        size bigint NOT NULL CHECK (size >= 0),
        sha256 char(64) NOT NULL,
        storage_key text,
        -- the place among the message's attachments, in the order the author listed them
        position smallint,
        created_at timestamptz NOT NULL DEFAULT now(),
        attached_at timestamptz,
        deleted_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX attachments_message ON attachments (message_id) WHERE message_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX attachments_unsent ON attachments (created_at) WHERE message_id IS NULL AND deleted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX attachments_bytes_to_delete ON attachments (deleted_at) WHERE deleted_at IS NOT NULL AND storage_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE attachments`);
    await q.query(`DROP TABLE attachment_chunks`);
    await q.query(`DROP TABLE attachment_blobs`);
  }
}
