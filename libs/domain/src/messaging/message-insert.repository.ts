import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelAccessPolicy, type AccessScope } from './channel-access.policy.js';
import type { AttachmentRef } from './message.view.js';

export interface NewMessage {
  channelId: string;
  authorId: string;
  caseId: string | null;
  body: string;
  priority: 'normal' | 'urgent';
  requestAck: boolean;
  clientMessageId: string;
  at: Date;
}

export interface StoredMessage {
  id: string;
  seq: number;
  caseId: string | null;
  createdAt: Date;
  networkId: string;
}

export interface AuditInfo {
  ip: string | null;
  requestId: string | null;
}

interface Pending {
  input: NewMessage;
  scope: AccessScope;
  audit: AuditInfo;
  resolve: (stored: StoredMessage | null) => void;
  reject: (error: unknown) => void;
}

/** The single-message statement (see `insertOne`); `$1`–`$5` are the caller's access scope. */
const INSERT_ONE = `WITH c AS (
         UPDATE channels c SET last_seq = c.last_seq + 1
          WHERE c.id = $6 AND ${ChannelAccessPolicy.readableSql('c', 1)}
            AND (c.kind = 'channel' OR NOT EXISTS (SELECT 1 FROM cases k WHERE k.id = c.case_id AND k.status = 'closed'))
          RETURNING c.id, c.last_seq, c.case_id, c.network_id, c.kind
       ), m AS (
         INSERT INTO messages (channel_id, seq, author_id, case_id, body, priority, request_ack, client_message_id, created_at)
         SELECT c.id, c.last_seq, $1, COALESCE(c.case_id, $7::uuid), $8, $9, $10, $11, $12 FROM c
         RETURNING id, seq, case_id, created_at
       ), r AS (
         INSERT INTO read_cursors (user_id, channel_id, seq, updated_at) SELECT $1, c.id, c.last_seq, $12 FROM c
         ON CONFLICT (user_id, channel_id)
         DO UPDATE SET seq = GREATEST(read_cursors.seq, EXCLUDED.seq), updated_at = EXCLUDED.updated_at
       ), a AS (
         INSERT INTO audit_log (actor_id, action, target_type, target_id, ip, request_id, details, at)
         SELECT $1, 'case.message.posted', 'case', c.case_id::text, $13, $14,
                jsonb_build_object('messageId', m.id, 'channelId', c.id, 'seq', m.seq), $12
           FROM c, m WHERE c.kind = 'case'
       )
       SELECT m.id, m.seq, m.case_id AS "caseId", m.created_at AS "createdAt", c.network_id AS "networkId" FROM m, c`;

function insertParams(input: NewMessage, scope: AccessScope, audit: AuditInfo): unknown[] {
  return [
    ...ChannelAccessPolicy.sqlParams(scope),
    input.channelId,
    input.caseId,
    input.body,
    input.priority,
    input.requestAck,
    input.clientMessageId,
    input.at,
    audit.ip,
    audit.requestId,
  ];
}

/** Messages for one channel stored in one statement at most (the channel's row lock and the commit are shared). */
const MAX_BATCH = 100;

/**
 * The hot path of a message: the statement that authorises, takes the next seq and stores, and the per-channel queue
 * that stores concurrent messages of one channel together (group commit).
 */
@Injectable()
export class MessageInsertRepository {
  private readonly queues = new Map<string, { pending: Pending[]; running: boolean }>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a message (see `insertOne`). While a statement for the same channel is running in this process, the
   * messages that arrive meanwhile wait and are then stored together in one statement (group commit): one row lock
   * and one commit for the batch, seq still consecutive in arrival order, each message still authorised on its own.
   * Under no load a message is stored at once, alone. A batch that fails (e.g. a repeated clientMessageId) is stored
   * again one message at a time, so only the message at fault is refused.
   */
  insert(input: NewMessage, scope: AccessScope, audit: AuditInfo): Promise<StoredMessage | null> {
    return new Promise((resolve, reject) => {
      let q = this.queues.get(input.channelId);
      if (!q) this.queues.set(input.channelId, (q = { pending: [], running: false }));
      q.pending.push({ input, scope, audit, resolve, reject });
      if (!q.running) void this.drain(input.channelId, q);
    });
  }

  private async drain(channelId: string, q: { pending: Pending[]; running: boolean }): Promise<void> {
    q.running = true;
    try {
      while (q.pending.length) {
        const batch = q.pending.splice(0, MAX_BATCH);
        if (batch.length === 1) {
          await this.insertOne(batch[0].input, batch[0].scope, batch[0].audit).then(
            batch[0].resolve,
            batch[0].reject,
          );
          continue;
        }
        try {
          const stored = await this.insertBatch(channelId, batch);
          batch.forEach((p, i) => p.resolve(stored[i]));
        } catch {
          // A repeated clientMessageId (or any other failure) in the batch: store its messages one by one, so that
          // only the message at fault is refused.
          for (const p of batch) await this.insertOne(p.input, p.scope, p.audit).then(p.resolve, p.reject);
        }
      }
    } finally {
      q.running = false;
      if (!q.pending.length) this.queues.delete(channelId);
    }
  }

  private async insertBatch(channelId: string, batch: Pending[]): Promise<Array<StoredMessage | null>> {
    const col = <T>(f: (p: Pending) => T) => batch.map(f);
    const readable = ChannelAccessPolicy.readableSqlOf('c', {
      user: 'i.author_id',
      staff: 'i.staff',
      members: `string_to_array(i.member_nets, ',')::uuid[]`,
      officers: `string_to_array(i.officer_nets, ',')::uuid[]`,
      country: 'i.country',
    });
    const rows = await this.prepared(
      'enlace_message_insert_batch',
      `WITH i AS (
         SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::uuid[], $8::boolean[],
                              $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[])
           WITH ORDINALITY AS t(author_id, body, priority, request_ack, client_message_id, case_id, staff, member_nets,
                                officer_nets, country, ip, request_id, at, ord)
       ), ok AS (
         SELECT i.* FROM i, channels c
          WHERE c.id = $1 AND ${readable}
            AND (c.kind = 'channel' OR NOT EXISTS (SELECT 1 FROM cases k WHERE k.id = c.case_id AND k.status = 'closed'))
       ), up AS (
         UPDATE channels c SET last_seq = c.last_seq + (SELECT count(*) FROM ok)
          WHERE c.id = $1 AND EXISTS (SELECT 1 FROM ok)
          RETURNING c.last_seq, c.case_id, c.network_id, c.kind
       ), n AS (
         SELECT ok.*, up.last_seq - (SELECT count(*) FROM ok) + row_number() OVER (ORDER BY ok.ord) AS seq,
                up.case_id AS thread_case, up.network_id, up.kind
           FROM ok, up
       ), m AS (
         INSERT INTO messages (channel_id, seq, author_id, case_id, body, priority, request_ack, client_message_id, created_at)
         SELECT $1, n.seq, n.author_id, COALESCE(n.thread_case, n.case_id), n.body, n.priority, n.request_ack,
                n.client_message_id, n.at FROM n
         RETURNING id, seq, case_id, created_at
       ), r AS (
         INSERT INTO read_cursors (user_id, channel_id, seq, updated_at)
         SELECT n.author_id, $1, max(n.seq), max(n.at) FROM n GROUP BY n.author_id
         ON CONFLICT (user_id, channel_id)
         DO UPDATE SET seq = GREATEST(read_cursors.seq, EXCLUDED.seq), updated_at = EXCLUDED.updated_at
       ), a AS (
         INSERT INTO audit_log (actor_id, action, target_type, target_id, ip, request_id, details, at)
         SELECT n.author_id, 'case.message.posted', 'case', n.thread_case::text, n.ip, n.request_id,
                jsonb_build_object('messageId', m.id, 'channelId', $1::uuid, 'seq', m.seq), n.at
           FROM n JOIN m ON m.seq = n.seq WHERE n.kind = 'case'
       )
       SELECT n.ord, m.id, m.seq, m.case_id AS "caseId", m.created_at AS "createdAt", n.network_id AS "networkId"
         FROM m JOIN n ON n.seq = m.seq`,
      [
        channelId,
        col((p) => p.input.authorId),
        col((p) => p.input.body),
        col((p) => p.input.priority),
        col((p) => p.input.requestAck),
        col((p) => p.input.clientMessageId),
        col((p) => p.input.caseId),
        col((p) => p.scope.staff),
        col((p) => p.scope.memberNetworkIds.join(',')),
        col((p) => p.scope.officerNetworkIds.join(',')),
        col((p) => p.scope.country),
        col((p) => p.audit.ip),
        col((p) => p.audit.requestId),
        col((p) => p.input.at),
      ],
    );
    const byOrd = new Map<number, StoredMessage>(
      rows.map((r) => [
        Number(r.ord),
        { id: r.id, seq: Number(r.seq), caseId: r.caseId, createdAt: r.createdAt, networkId: r.networkId },
      ]),
    );
    return batch.map((_, i) => byOrd.get(i + 1) ?? null);
  }

  /**
   * The hot path, one statement: checks that the author may read the channel (and that a case thread is not closed),
   * takes the channel's next seq, stores the message, moves the author's own read cursor, and for a case thread
   * writes the audit entry. Returns null when the channel is unknown, unreadable or a closed case.
   * A repeated (author, clientMessageId) raises a unique violation and the whole statement (seq included) rolls back.
   */
  private async insertOne(
    input: NewMessage,
    scope: AccessScope,
    audit: AuditInfo,
  ): Promise<StoredMessage | null> {
    const rows = await this.prepared('enlace_message_insert', INSERT_ONE, insertParams(input, scope, audit));
    const r = rows[0];
    return r ? { ...r, seq: Number(r.seq) } : null;
  }

  /**
   * A message that carries files: in one transaction, the author's unsent uploads to this channel are locked, the
   * message is stored as `insertOne` does, and the uploads are linked to it in the listed order. 'unavailable' when
   * one of them is not such an upload (someone else's, another channel's, already sent, given up); null as `insertOne`.
   */
  async insertWithAttachments(
    input: NewMessage,
    scope: AccessScope,
    audit: AuditInfo,
    attachmentIds: string[],
  ): Promise<(StoredMessage & { attachments: AttachmentRef[] }) | null | 'unavailable'> {
    return this.dataSource.transaction(async (m) => {
      const claimable = await m.query(
        `SELECT id FROM attachments
          WHERE id = ANY($1::uuid[]) AND channel_id = $2 AND uploader_id = $3
            AND message_id IS NULL AND deleted_at IS NULL AND storage_key IS NOT NULL
          FOR UPDATE`,
        [attachmentIds, input.channelId, input.authorId],
      );
      if (claimable.length !== attachmentIds.length) return 'unavailable';
      const [stored] = await m.query(INSERT_ONE, insertParams(input, scope, audit));
      if (!stored) return null;
      const [linked] = await m.query(
        `UPDATE attachments a SET message_id = $1, attached_at = $2, position = l.ord
           FROM unnest($3::uuid[]) WITH ORDINALITY AS l(id, ord)
          WHERE a.id = l.id
          RETURNING a.id, a.name, a.size, a.content_type AS "contentType", l.ord`,
        [stored.id, input.at, attachmentIds],
      );
      const attachments = (linked as Array<AttachmentRef & { ord: string }>)
        .sort((x, y) => Number(x.ord) - Number(y.ord))
        .map((a) => ({ id: a.id, name: a.name, size: Number(a.size), contentType: a.contentType }));
      return { ...stored, seq: Number(stored.seq), attachments };
    });
  }

  /**
   * A named prepared statement on the driver's pool: PostgreSQL plans the hot-path statement once per connection
   * instead of at every message (it halves the database's work per message).
   */
  private async prepared(name: string, text: string, values: unknown[]): Promise<any[]> {
    const pool = (
      this.dataSource.driver as unknown as { master: { query: (q: object) => Promise<{ rows: any[] }> } }
    ).master;
    const result = await pool.query({ name, text, values });
    return result.rows;
  }
}
