import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SheetVersionRow } from './sheet.types.js';

const AUTHOR = `CASE WHEN u.id IS NULL THEN NULL
                ELSE json_build_object('id', u.id, 'displayName', u.display_name, 'country', trim(u.country)) END`;

function hydrate(r: any): SheetVersionRow {
  return { ...r, version: Number(r.version), createdAt: new Date(r.createdAt) };
}

/** Every query of country sheets (one row per version; rows are never changed: a trigger refuses it). */
@Injectable()
export class SheetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the next version of (country, topic) and returns its number. Publishes of one sheet are serialised by a
   * transaction-scoped advisory lock, so two concurrent publishes never compute the same number; the primary key
   * (country, topic, version) would refuse a duplicate anyway.
   */
  async insertVersion(
    row: { country: string; topic: string; bodyEn: string; bodyEs: string; authorId: string; at: Date },
    m: EntityManager,
  ): Promise<number> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('country_sheet:' || $1 || ':' || $2, 0))`, [
      row.country,
      row.topic,
    ]);
    const [inserted] = await m.query(
      `INSERT INTO country_sheets (country, topic, version, body_en, body_es, author_id, created_at)
       SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5, $6
         FROM country_sheets WHERE country = $1 AND topic = $2
       RETURNING version`,
      [row.country, row.topic, row.bodyEn, row.bodyEs, row.authorId, row.at],
    );
    return Number(inserted.version);
  }

  /** One version (the latest when `version` is undefined), with its author. */
  async version(country: string, topic: string, version?: number): Promise<SheetVersionRow | null> {
    const rows = await this.dataSource.query(
      `SELECT trim(s.country) AS country, s.topic, s.version, s.body_en AS "bodyEn", s.body_es AS "bodyEs",
              s.created_at AS "createdAt", ${AUTHOR} AS author
         FROM country_sheets s LEFT JOIN users u ON u.id = s.author_id
        WHERE s.country = $1 AND s.topic = $2 AND ($3::int IS NULL OR s.version = $3)
        ORDER BY s.version DESC LIMIT 1`,
      [country, topic, version ?? null],
    );
    return rows[0] ? hydrate(rows[0]) : null;
  }

  /** Every version of a sheet without the bodies, newest first. */
  async versions(country: string, topic: string): Promise<Omit<SheetVersionRow, 'bodyEn' | 'bodyEs'>[]> {
    const rows = await this.dataSource.query(
      `SELECT trim(s.country) AS country, s.topic, s.version, s.created_at AS "createdAt", ${AUTHOR} AS author
         FROM country_sheets s LEFT JOIN users u ON u.id = s.author_id
        WHERE s.country = $1 AND s.topic = $2
        ORDER BY s.version DESC`,
      [country, topic],
    );
    return rows.map(hydrate);
  }

  /** The latest version of every sheet (of one country, of one topic, or all), without the bodies. */
  async latest(filter: {
    country?: string;
    topic?: string;
  }): Promise<Omit<SheetVersionRow, 'bodyEn' | 'bodyEs'>[]> {
    const rows = await this.dataSource.query(
      `SELECT DISTINCT ON (s.country, s.topic)
              trim(s.country) AS country, s.topic, s.version, s.created_at AS "createdAt", ${AUTHOR} AS author
         FROM country_sheets s LEFT JOIN users u ON u.id = s.author_id
        WHERE ($1::text IS NULL OR s.country = $1) AND ($2::text IS NULL OR s.topic = $2)
        ORDER BY s.country, s.topic, s.version DESC`,
      [filter.country ?? null, filter.topic ?? null],
    );
    return rows.map(hydrate);
  }

  async networkIds(): Promise<string[]> {
    const rows = await this.dataSource.query(`SELECT id FROM networks ORDER BY slug`);
    return rows.map((r: any) => r.id);
  }
}
