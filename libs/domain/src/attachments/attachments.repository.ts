import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AttachmentRecord {
  id: string;
  channelId: string;
  uploaderId: string;
  messageId: string | null;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  storageKey: string | null;
  deletedAt: Date | null;
  messageDeletedAt: Date | null;
}

const COLUMNS = `a.id, a.channel_id AS "channelId", a.uploader_id AS "uploaderId", a.message_id AS "messageId", a.name,
  a.content_type AS "contentType", a.size, a.sha256, a.storage_key AS "storageKey", a.deleted_at AS "deletedAt",
  m.deleted_at AS "messageDeletedAt"`;

/** The rows of `attachments` (the bytes are the store's). Linking to a message is done by the message's insert. */
@Injectable()
export class AttachmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(a: {
    channelId: string;
    uploaderId: string;
    name: string;
    contentType: string;
    size: number;
    sha256: string;
    storageKey: string;
    at: Date;
  }): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO attachments (channel_id, uploader_id, name, content_type, size, sha256, storage_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [a.channelId, a.uploaderId, a.name, a.contentType, a.size, a.sha256, a.storageKey, a.at],
    );
    return row.id;
  }

  async byId(id: string): Promise<AttachmentRecord | null> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM attachments a LEFT JOIN messages m ON m.id = a.message_id WHERE a.id = $1`,
      [id],
    );
    return rows[0] ? { ...rows[0], size: Number(rows[0].size) } : null;
  }

  /** Unsent uploads older than `before` are given up: marked deleted; their keys returned for the store. */
  async abandonUnsent(before: Date, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE attachments SET deleted_at = $2 WHERE message_id IS NULL AND deleted_at IS NULL AND created_at < $1`,
      [before, at],
    );
  }

  /** Deleted attachments whose bytes are still stored (a deleted message's, a purged upload's). */
  async bytesToRemove(limit: number): Promise<Array<{ id: string; storageKey: string }>> {
    return this.dataSource.query(
      `SELECT id, storage_key AS "storageKey" FROM attachments
        WHERE deleted_at IS NOT NULL AND storage_key IS NOT NULL ORDER BY deleted_at LIMIT $1`,
      [limit],
    );
  }

  async bytesRemoved(ids: string[]): Promise<void> {
    await this.dataSource.query(`UPDATE attachments SET storage_key = NULL WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
  }
}
