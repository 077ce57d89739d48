import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelAccessPolicy } from './channel-access.policy.js';
import { MESSAGE_COLUMNS } from './message.view.js';

@Injectable()
export class SearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Messages whose text matches (English or Spanish stems, accents ignored) in channels the caller may read. */
  async messages(q: string, networkId: string | null, scopeParams: unknown[], limit: number) {
    return this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS}, c.kind AS "channelKind", ts_rank_cd(m.search_vector, query) AS rank
         FROM enlace_search_query($6) query, messages m
         JOIN channels c ON c.id = m.channel_id
         LEFT JOIN users u ON u.id = m.author_id
        WHERE m.search_vector @@ query AND m.deleted_at IS NULL
          AND ($7::uuid IS NULL OR c.network_id = $7) AND ${ChannelAccessPolicy.readableSql('c', 1)}
        ORDER BY rank DESC, m.created_at DESC
        LIMIT $8`,
      [...scopeParams, q, networkId, limit],
    );
  }

  /** Cases whose reference, title or summary match, among those the caller may read (their thread carries the rule). */
  async cases(q: string, networkId: string | null, scopeParams: unknown[], limit: number) {
    return this.dataSource.query(
      `SELECT k.id, k.reference, k.network_id AS "networkId", n.slug AS "networkSlug", k.title, k.type, k.handling,
              k.countries, k.status, k.summary, k.channel_id AS "channelId", k.created_at AS "createdAt",
              k.updated_at AS "updatedAt",
              json_build_object('id', o.id, 'displayName', o.display_name, 'country', o.country) AS "openedBy",
              COALESCE((SELECT json_agg(json_build_object('id', a.id, 'displayName', a.display_name, 'country', a.country))
                          FROM users a WHERE a.id = ANY(k.assignees)), '[]') AS assignees,
              ts_rank_cd(k.search_vector, query) + CASE WHEN k.reference = upper(trim($6)) THEN 10 ELSE 0 END AS rank
         FROM enlace_search_query($6) query, cases k
         JOIN channels c ON c.id = k.channel_id
         JOIN networks n ON n.id = k.network_id
         JOIN users o ON o.id = k.opened_by
        WHERE (k.search_vector @@ query OR k.reference = upper(trim($6)))
          AND ($7::uuid IS NULL OR k.network_id = $7) AND ${ChannelAccessPolicy.readableSql('c', 1)}
        ORDER BY rank DESC, k.created_at DESC
        LIMIT $8`,
      [...scopeParams, q, networkId, limit],
    );
  }
}
