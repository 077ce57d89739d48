import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AccessScope } from './channel-access.policy.js';
import { CaseAccessPolicy } from './case-access.policy.js';

/** One channel's part of a `sync` page: seqs `fromSeq`..`toSeq` (no gaps), rendered as JSON array items. */
export interface SyncChunk {
  channelId: string;
  fromSeq: number;
  toSeq: number;
  count: number;
  /** The messages as comma-separated JSON objects (the message view of API.md), ascending seq. */
  json: string;
}

/** A seq range of one readable channel; `threadCaseId` is set for a case thread (its own case is never masked). */
export interface SyncRange {
  channelId: string;
  fromSeq: number;
  toSeq: number;
  threadCaseId: string | null;
}

/** What a message's JSON holds besides its body, about (ids, times, author): for the page's byte bound. */
const ROW_OVERHEAD = 300;

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The catch-up query of `sync`: seq ranges are exact (seq has no gaps), so each is one index range scan on
 * (channel_id, seq); PostgreSQL renders each message as the JSON of `messageView` (same keys, same time format) and
 * joins them per channel, so the API neither builds nor re-serialises an object per message. A channel message
 * pointing at a case the caller may not read shows `caseId: null` (CaseAccessPolicy, as SQL). Rows stop once the
 * page holds `maxBytes` (always at least one message), so a page of long bodies stays bounded.
 */
@Injectable()
export class MessageSyncRepository {
  constructor(private readonly dataSource: DataSource) {}

  async page(ranges: SyncRange[], scope: AccessScope, maxBytes: number): Promise<SyncChunk[]> {
    if (!ranges.length) return [];
    const caseReadable = CaseAccessPolicy.readableSqlOf('k', { officers: '$5::uuid[]', country: '$6::text' });
    const rows: Array<{ channelId: string; fromSeq: string; toSeq: string; count: number; json: string }> =
      await this.dataSource.query(
        `WITH r AS (
           SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::uuid[])
             WITH ORDINALITY AS r(channel_id, from_seq, to_seq, thread_case_id, ord)
         ), picked AS (
           SELECT r.ord, r.thread_case_id, m.*,
                  sum(octet_length(m.body) + ${ROW_OVERHEAD}) OVER (ORDER BY r.ord, m.seq ROWS UNBOUNDED PRECEDING)
                    - octet_length(m.body) - ${ROW_OVERHEAD} AS before
             FROM r JOIN messages m ON m.channel_id = r.channel_id AND m.seq BETWEEN r.from_seq AND r.to_seq
         )
         SELECT m.channel_id AS "channelId", min(m.seq) AS "fromSeq", max(m.seq) AS "toSeq", count(*)::int AS count,
                string_agg(row_to_json(v)::text, ',' ORDER BY m.seq) AS json
           FROM picked m
           LEFT JOIN users u ON u.id = m.author_id
           LEFT JOIN cases k ON k.id = m.case_id AND m.case_id IS DISTINCT FROM m.thread_case_id
           CROSS JOIN LATERAL (SELECT
             m.id, m.channel_id AS "channelId",
             CASE WHEN k.id IS NULL OR ${caseReadable} THEN m.case_id END AS "caseId",
             m.seq,
             CASE WHEN m.author_id IS NOT NULL THEN
               json_build_object('id', m.author_id, 'displayName', COALESCE(u.display_name, ''), 'country', u.country)
             END AS author,
             CASE WHEN m.deleted_at IS NULL THEN m.body ELSE '' END AS body,
             m.priority, m.request_ack AS "requestAck", m.client_message_id AS "clientMessageId",
             ${iso('m.created_at')} AS "createdAt", ${iso('m.edited_at')} AS "editedAt",
             m.deleted_at IS NOT NULL AS deleted,
             CASE WHEN m.deleted_at IS NULL THEN COALESCE((
               SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'size', a.size,
                                                 'contentType', a.content_type) ORDER BY a.position)
                 FROM attachments a WHERE a.message_id = m.id AND a.deleted_at IS NULL), '[]'::json)
             ELSE '[]'::json END AS attachments) v
          WHERE m.before < $7
          GROUP BY m.ord, m.channel_id ORDER BY m.ord`,
        [
          ranges.map((r) => r.channelId),
          ranges.map((r) => r.fromSeq),
          ranges.map((r) => r.toSeq),
          ranges.map((r) => r.threadCaseId),
          scope.officerNetworkIds,
          scope.country,
          maxBytes,
        ],
      );
    return rows.map((r) => ({ ...r, fromSeq: Number(r.fromSeq), toSeq: Number(r.toSeq) }));
  }
}
