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

/**
 * Rows of the answer hold this many messages each (of one channel): PostgreSQL sends each part as soon as it is
 * rendered and the API reads it meanwhile, where one row per channel (a 3.5 MB value for 5,000 messages) waits for
 * the whole page and then costs another 20–30 ms to move as one value.
 */
const ROWS_PER_PART = 100;

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** A text value as a JSON string (escaped by PostgreSQL), or `null`. */
const str = (column: string) => `COALESCE(to_json(${column})::text, 'null')`;

/**
 * The catch-up query of `sync`: seq ranges are exact (seq has no gaps), so each is one index range scan on
 * (channel_id, seq); PostgreSQL renders each message as the JSON of `messageView` (same keys, same time format) and
 * joins them per channel, so the API neither builds nor re-serialises an object per message. A channel message
 * pointing at a case the caller may not read shows `caseId: null` (CaseAccessPolicy, as SQL). Rows stop once the
 * page holds `maxBytes` (always at least one message), so a page of long bodies stays bounded.
 *
 * Each message's JSON is one `concat` of its parts (values escaped by `to_json`; `concat` reads NULL as '', so every
 * nullable part says `null` itself), which PostgreSQL does in less than half the time of `row_to_json` over a
 * per-row record; attachments come from one grouped read joined by hash instead of a subquery per message. The answer
 * comes in parts of ROWS_PER_PART messages, in the order of the grouping (no sort after it), so PostgreSQL sends each
 * part while it renders the next. 5,000 messages: 104 ms → about 40 ms of PostgreSQL time (README, catch-up).
 */
@Injectable()
export class MessageSyncRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A page of at least SPLIT_FROM messages is read as two halves on two connections at once (PostgreSQL renders one
   * core's worth each), each half bounded by `maxBytes / 2`; when the first half stops short of its ranges, the second
   * is dropped, so the page still holds consecutive seqs.
   */
  async page(ranges: SyncRange[], scope: AccessScope, maxBytes: number): Promise<SyncChunk[]> {
    const total = ranges.reduce((n, r) => n + r.toSeq - r.fromSeq + 1, 0);
    if (total < SPLIT_FROM) return this.read(ranges, scope, maxBytes);
    const [first, second] = halves(ranges, Math.ceil(total / 2));
    const [a, b] = await Promise.all([
      this.read(first, scope, Math.floor(maxBytes / 2)),
      this.read(second, scope, Math.floor(maxBytes / 2)),
    ]);
    const read = a.reduce((n, c) => n + c.count, 0);
    return merge(read < Math.ceil(total / 2) ? a : [...a, ...b]);
  }

  /**
   * What a page read ahead of time must still show, summed up in one text over the messages of the ranges: how many;
   * their edit and deletion times (every edit sets `edited_at`); the case links visible to this scope; their authors'
   * names and countries. A page read ahead is served only while this is unchanged (SyncReadAhead). Aggregates, not a
   * hash of every row: about 5 ms for 5,000 messages where an md5 of their text took 10.
   */
  async signature(ranges: SyncRange[], scope: AccessScope): Promise<string> {
    if (!ranges.length) return '';
    const caseReadable = CaseAccessPolicy.readableSqlOf('k', { officers: '$5::uuid[]', country: '$6::text' });
    const visible = `(m.case_id IS NOT NULL AND (k.id IS NULL OR ${caseReadable}))`;
    const [row]: Array<{ signature: string }> = await this.dataSource.query(
      `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::uuid[])
           AS r(channel_id, from_seq, to_seq, thread_case_id)
       )
       SELECT concat_ws(':', count(*), count(m.edited_at), COALESCE(sum(extract(epoch FROM m.edited_at)), 0),
                        count(m.deleted_at), COALESCE(sum(extract(epoch FROM m.deleted_at)), 0),
                        count(*) FILTER (WHERE ${visible}),
                        COALESCE(sum(hashtext(m.case_id::text)) FILTER (WHERE ${visible}), 0),
                        COALESCE(sum(hashtext(concat(m.author_id, u.display_name, '|', u.country))), 0)) AS signature
         FROM r JOIN messages m ON m.channel_id = r.channel_id AND m.seq BETWEEN r.from_seq AND r.to_seq
         LEFT JOIN users u ON u.id = m.author_id
         LEFT JOIN cases k ON k.id = m.case_id AND m.case_id IS DISTINCT FROM r.thread_case_id`,
      rangeParams(ranges, scope),
    );
    return row.signature;
  }

  private async read(ranges: SyncRange[], scope: AccessScope, maxBytes: number): Promise<SyncChunk[]> {
    if (!ranges.length) return [];
    const caseReadable = CaseAccessPolicy.readableSqlOf('k', { officers: '$5::uuid[]', country: '$6::text' });
    const rows: Array<{ channelId: string; fromSeq: string; toSeq: string; count: number; json: string }> =
      await this.dataSource.query(
        `WITH r AS (
           SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::uuid[])
             WITH ORDINALITY AS r(channel_id, from_seq, to_seq, thread_case_id, ord)
         ), picked AS (
           SELECT r.ord, r.thread_case_id, m.id, m.channel_id, m.seq, m.case_id, m.author_id, m.body, m.priority,
                  m.request_ack, m.client_message_id, m.created_at, m.edited_at, m.deleted_at,
                  sum(octet_length(m.body) + ${ROW_OVERHEAD}) OVER (ORDER BY r.ord, m.seq ROWS UNBOUNDED PRECEDING)
                    - octet_length(m.body) - ${ROW_OVERHEAD} AS before
             FROM r JOIN messages m ON m.channel_id = r.channel_id AND m.seq BETWEEN r.from_seq AND r.to_seq
         ), att AS (
           SELECT a.message_id,
                  json_agg(json_build_object('id', a.id, 'name', a.name, 'size', a.size, 'contentType', a.content_type)
                           ORDER BY a.position)::text AS json
             FROM attachments a
            WHERE a.message_id IN (SELECT id FROM picked WHERE before < $7) AND a.deleted_at IS NULL
            GROUP BY a.message_id
         )
         SELECT m.channel_id AS "channelId", min(m.seq) AS "fromSeq", max(m.seq) AS "toSeq", count(*)::int AS count,
                string_agg(concat(
                  '{"id":"', m.id, '","channelId":"', m.channel_id,
                  '","caseId":', CASE WHEN m.case_id IS NOT NULL AND (k.id IS NULL OR ${caseReadable})
                                      THEN concat('"', m.case_id, '"') ELSE 'null' END,
                  ',"seq":', m.seq,
                  ',"author":', CASE WHEN m.author_id IS NULL THEN 'null'
                    ELSE concat('{"id":"', m.author_id, '","displayName":', to_json(COALESCE(u.display_name, ''))::text,
                                ',"country":', ${str('u.country')}, '}') END,
                  ',"body":', CASE WHEN m.deleted_at IS NULL THEN to_json(m.body)::text ELSE '""' END,
                  ',"priority":', to_json(m.priority)::text,
                  ',"requestAck":', m.request_ack::text,
                  ',"clientMessageId":', ${str('m.client_message_id')},
                  ',"createdAt":"', ${iso('m.created_at')},
                  '","editedAt":', CASE WHEN m.edited_at IS NULL THEN 'null' ELSE concat('"', ${iso('m.edited_at')}, '"') END,
                  ',"deleted":', (m.deleted_at IS NOT NULL)::text,
                  ',"attachments":', CASE WHEN m.deleted_at IS NULL THEN COALESCE(att.json, '[]') ELSE '[]' END,
                  '}'),
                  ',' ORDER BY m.seq) AS json
           FROM picked m
           LEFT JOIN users u ON u.id = m.author_id
           LEFT JOIN cases k ON k.id = m.case_id AND m.case_id IS DISTINCT FROM m.thread_case_id
           LEFT JOIN att ON att.message_id = m.id
          WHERE m.before < $7
          GROUP BY m.ord, m.channel_id, m.seq / ${ROWS_PER_PART}
          ORDER BY m.ord, m.channel_id, m.seq / ${ROWS_PER_PART}`,
        [...rangeParams(ranges, scope), maxBytes],
      );
    return merge(rows.map((r) => ({ ...r, fromSeq: Number(r.fromSeq), toSeq: Number(r.toSeq) })));
  }
}

/** Reads of at least this many messages are split over two connections. */
export const SPLIT_FROM = 2000;

/** The ranges cut after their first `count` messages (a range may be cut in two). */
function halves(ranges: SyncRange[], count: number): [SyncRange[], SyncRange[]] {
  const first: SyncRange[] = [];
  const second: SyncRange[] = [];
  let room = count;
  for (const r of ranges) {
    const size = r.toSeq - r.fromSeq + 1;
    if (room >= size) first.push(r);
    else if (room > 0) {
      first.push({ ...r, toSeq: r.fromSeq + room - 1 });
      second.push({ ...r, fromSeq: r.fromSeq + room });
    } else second.push(r);
    room -= Math.min(room, size);
  }
  return [first, second];
}

/** Consecutive parts of one channel's range (ascending seqs) joined into one chunk. */
function merge(parts: SyncChunk[]): SyncChunk[] {
  const chunks: SyncChunk[] = [];
  for (const part of parts) {
    const last = chunks[chunks.length - 1];
    if (last?.channelId === part.channelId && last.toSeq + 1 === part.fromSeq) {
      last.toSeq = part.toSeq;
      last.count += part.count;
      last.json += ',' + part.json;
    } else {
      chunks.push({ ...part });
    }
  }
  return chunks;
}

/** $1–$6 of the queries over ranges: the ranges as parallel arrays, then what the case-link masking needs. */
function rangeParams(ranges: SyncRange[], scope: AccessScope): unknown[] {
  return [
    ranges.map((r) => r.channelId),
    ranges.map((r) => r.fromSeq),
    ranges.map((r) => r.toSeq),
    ranges.map((r) => r.threadCaseId),
    scope.officerNetworkIds,
    scope.country,
  ];
}
