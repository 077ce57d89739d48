import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The queries of a digest's content. Case rows are filtered by the handling rule in SQL and the title of an
 * `involved` case is never selected; no query here reads a message body or a case summary.
 */
@Injectable()
export class DigestContentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Per network: follow-up items still open (due later) and overdue (due passed, some country not done). */
  async followUpCounts(
    networkIds: string[],
    at: Date,
  ): Promise<Map<string, { open: number; overdue: number }>> {
    const rows = await this.dataSource.query(
      `SELECT f.network_id AS "networkId",
              count(*) FILTER (WHERE f.due_at > $2)::int AS open,
              count(*) FILTER (WHERE f.due_at <= $2)::int AS overdue
         FROM follow_ups f
        WHERE f.network_id = ANY($1::uuid[]) AND f.cancelled_at IS NULL AND f.created_at <= $2
          AND EXISTS (SELECT 1 FROM follow_up_assignments a WHERE a.follow_up_id = f.id AND a.status <> 'done')
        GROUP BY f.network_id`,
      [networkIds, at],
    );
    return new Map(rows.map((r: any) => [r.networkId, { open: r.open, overdue: r.overdue }]));
  }

  /**
   * Cases opened in the window that an officer of `country` may read: `network` handling with its title,
   * `involved` handling (the country listed) with its reference only.
   */
  async newCases(
    networkId: string,
    country: string | null,
    from: Date,
    to: Date,
  ): Promise<
    Array<{
      id: string;
      reference: string;
      title: string | null;
      handling: 'network' | 'involved';
      countries: string[];
    }>
  > {
    const rows = await this.dataSource.query(
      `SELECT k.id, k.reference, k.handling, k.countries, CASE WHEN k.handling = 'network' THEN k.title END AS title
         FROM cases k
        WHERE k.network_id = $1 AND k.created_at > $3 AND k.created_at <= $4
          AND (k.handling = 'network' OR ($2::text IS NOT NULL AND k.countries @> ARRAY[$2::text]::char(2)[]))
        ORDER BY k.created_at, k.reference
        LIMIT 50`,
      [networkId, country, from, to],
    );
    return rows.map((r: any) => ({ ...r, countries: (r.countries as string[]).map((c) => c.trim()) }));
  }

  /** Follow-up items not done by the country: overdue, or due before `horizon`. */
  async dueForCountry(
    networkId: string,
    country: string,
    at: Date,
    horizon: Date,
  ): Promise<Array<{ id: string; title: string; dueAt: Date }>> {
    return this.dataSource.query(
      `SELECT f.id, f.title, f.due_at AS "dueAt"
         FROM follow_ups f JOIN follow_up_assignments a ON a.follow_up_id = f.id
        WHERE f.network_id = $1 AND a.country = $2 AND a.status <> 'done' AND f.cancelled_at IS NULL
          AND f.created_at <= $3 AND f.due_at <= $4
        ORDER BY f.due_at
        LIMIT 50`,
      [networkId, country, at, horizon],
    );
  }

  /** Published (not cancelled) training events of these networks starting in [from, to), per network slug. */
  async trainingAhead(
    networkSlugs: string[],
    from: Date,
    to: Date,
  ): Promise<Array<{ id: string; slug: string; titleEn: string; titleEs: string; startsAt: Date }>> {
    return this.dataSource.query(
      `SELECT e.id, n.slug, e.title_en AS "titleEn", e.title_es AS "titleEs", e.starts_at AS "startsAt"
         FROM training_events e
         JOIN training_event_networks en ON en.event_id = e.id
         JOIN networks n ON n.id = en.network_id
        WHERE n.slug = ANY($1::text[]) AND e.status = 'published' AND e.starts_at >= $2 AND e.starts_at < $3
        ORDER BY e.starts_at
        LIMIT 200`,
      [networkSlugs, from, to],
    );
  }
}
