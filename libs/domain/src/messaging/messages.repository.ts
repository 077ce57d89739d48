import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { MESSAGE_COLUMNS, type MessageRow } from './message.view.js';

const UNIQUE_AUTHOR_CLIENT_ID = 'messages_author_client_id';
const UNIQUE_SYSTEM_KEY = 'messages_system_key';

export const isDuplicateClientId = (e: any) =>
  e?.code === '23505' && e?.constraint === UNIQUE_AUTHOR_CLIENT_ID;
export const isDuplicateSystemKey = (e: any) => e?.code === '23505' && e?.constraint === UNIQUE_SYSTEM_KEY;

@Injectable()
export class MessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  /** A system message (no author): the next seq of the channel; the idempotency key repeated raises a unique violation. */
  async insertSystem(
    input: {
      channelId: string;
      body: string;
      caseId: string | null;
      priority: 'normal' | 'urgent';
      key: string | null;
      at: Date;
    },
    manager?: EntityManager,
  ): Promise<MessageRow | null> {
    const rows = await this.m(manager).query(
      `WITH c AS (UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1 RETURNING id, last_seq, case_id)
       INSERT INTO messages (channel_id, seq, author_id, case_id, body, priority, request_ack, client_message_id, created_at)
       SELECT c.id, c.last_seq, NULL, COALESCE(c.case_id, $2::uuid), $3, $4, false, $5, $6 FROM c
       RETURNING id`,
      [input.channelId, input.caseId, input.body, input.priority, input.key, input.at],
    );
    if (!rows[0]) return null;
    return this.byId(rows[0].id, manager);
  }

  async byId(id: string, manager?: EntityManager): Promise<MessageRow | null> {
    const rows = await this.m(manager).query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author_id WHERE m.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async byClientId(authorId: string, clientMessageId: string): Promise<MessageRow | null> {
    const rows = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author_id
        WHERE m.author_id = $1 AND m.client_message_id = $2`,
      [authorId, clientMessageId],
    );
    return rows[0] ?? null;
  }

  async bySystemKey(key: string, manager?: EntityManager): Promise<MessageRow | null> {
    const rows = await this.m(manager).query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author_id
        WHERE m.author_id IS NULL AND m.client_message_id = $1`,
      [key],
    );
    return rows[0] ?? null;
  }

  /** A page of one channel, ascending seq: after a seq, before a seq (the latest ones before it), or the latest. */
  async page(
    channelId: string,
    q: { afterSeq?: number; beforeSeq?: number; limit: number },
  ): Promise<MessageRow[]> {
    if (q.afterSeq !== undefined) {
      return this.dataSource.query(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author_id
          WHERE m.channel_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3`,
        [channelId, q.afterSeq, q.limit],
      );
    }
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author_id
        WHERE m.channel_id = $1 AND ($2::bigint IS NULL OR m.seq < $2) ORDER BY m.seq DESC LIMIT $3`,
      [channelId, q.beforeSeq ?? null, q.limit],
    );
    return rows.reverse();
  }

  /** What a client missed: messages after each cursor, ascending seq per channel, at most `limit` in all. */
  async since(cursors: Array<{ channelId: string; afterSeq: number }>, limit: number): Promise<MessageRow[]> {
    if (!cursors.length) return [];
    return this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS}
         FROM unnest($1::uuid[], $2::bigint[]) AS cur(channel_id, after_seq)
         CROSS JOIN LATERAL (
           SELECT * FROM messages x WHERE x.channel_id = cur.channel_id AND x.seq > cur.after_seq ORDER BY x.seq LIMIT $3
         ) m
         LEFT JOIN users u ON u.id = m.author_id
        ORDER BY m.channel_id, m.seq
        LIMIT $3`,
      [cursors.map((c) => c.channelId), cursors.map((c) => c.afterSeq), limit],
    );
  }

  /** Replaces the body (edit) or clears it (delete), keeping the previous body in message_edits. */
  async change(
    id: string,
    change: { kind: 'edit' | 'delete'; body: string; editorId: string; at: Date },
    manager: EntityManager,
  ): Promise<{ editId: string } | null> {
    const rows = await manager.query(
      `SELECT body FROM messages WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
      [id],
    );
    if (!rows[0]) return null;
    const [edit] = await manager.query(
      `INSERT INTO message_edits (message_id, kind, previous_body, editor_id, at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [id, change.kind, rows[0].body, change.editorId, change.at],
    );
    if (change.kind === 'edit') {
      await manager.query(`UPDATE messages SET body = $2, edited_at = $3 WHERE id = $1`, [
        id,
        change.body,
        change.at,
      ]);
    } else {
      await manager.query(`UPDATE messages SET body = '', deleted_at = $2 WHERE id = $1`, [id, change.at]);
      // Its files go with it: unreachable from this commit on; AttachmentsService then removes their bytes.
      await manager.query(
        `UPDATE attachments SET deleted_at = $2 WHERE message_id = $1 AND deleted_at IS NULL`,
        [id, change.at],
      );
    }
    return { editId: String(edit.id) };
  }

  async history(
    id: string,
  ): Promise<Array<{ kind: string; previousBody: string; editorId: string | null; at: Date }>> {
    return this.dataSource.query(
      `SELECT kind, previous_body AS "previousBody", editor_id AS "editorId", at FROM message_edits WHERE message_id = $1 ORDER BY id`,
      [id],
    );
  }

  /** Records an acknowledgement once; null when it was already recorded. */
  async ack(messageId: string, userId: string, at: Date): Promise<Date | null> {
    const rows = await this.dataSource.query(
      `INSERT INTO message_acks (message_id, user_id, acked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING acked_at AS "ackedAt"`,
      [messageId, userId, at],
    );
    return rows[0]?.ackedAt ?? null;
  }

  async acks(
    messageId: string,
  ): Promise<Array<{ userId: string; displayName: string; country: string | null; ackedAt: Date }>> {
    return this.dataSource.query(
      `SELECT a.user_id AS "userId", u.display_name AS "displayName", u.country, a.acked_at AS "ackedAt"
         FROM message_acks a JOIN users u ON u.id = a.user_id WHERE a.message_id = $1 ORDER BY a.acked_at`,
      [messageId],
    );
  }

  /**
   * Members of a network who may be meant by mentions: by country code, by display name without spaces or accents,
   * or by the local part of their email. The caller filters them by channel access.
   */
  async mentionCandidates(
    networkId: string,
    channelId: string,
    countries: string[],
    names: string[],
  ): Promise<
    Array<{
      id: string;
      role: 'officer' | 'observer';
      country: string | null;
      isMember: boolean;
      locale: string;
    }>
  > {
    return this.dataSource.query(
      `SELECT u.id, nm.role, u.country, u.locale,
              EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = $2 AND cm.user_id = u.id) AS "isMember"
         FROM users u JOIN network_memberships nm ON nm.user_id = u.id AND nm.network_id = $1
        WHERE u.disabled_at IS NULL
          AND (u.country = ANY($3::text[])
               OR lower(regexp_replace(enlace_unaccent(u.display_name), '[^[:alnum:]]', '', 'g')) = ANY($4::text[])
               OR lower(split_part(u.email::text, '@', 1)) = ANY($4::text[]))`,
      [networkId, channelId, countries, names],
    );
  }
}
