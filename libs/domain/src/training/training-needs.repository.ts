import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Bilingual, NeedEntry, TrainingNeedsView } from './training.types.js';

/** Every query of countries' training needs and offers. */
@Injectable()
export class TrainingNeedsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsert(
    networkId: string,
    country: string,
    entry: { needs: NeedEntry[]; offers: Array<{ topic: Bilingual }> },
    userId: string,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO training_needs (network_id, country, needs, offers, updated_by, updated_at)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, now())
       ON CONFLICT (network_id, country)
       DO UPDATE SET needs = EXCLUDED.needs, offers = EXCLUDED.offers, updated_by = EXCLUDED.updated_by,
                     updated_at = now()`,
      [networkId, country, JSON.stringify(entry.needs), JSON.stringify(entry.offers), userId],
    );
  }

  /** Entries of a network (of one country when given), by country. */
  async rows(networkId: string, country?: string): Promise<TrainingNeedsView[]> {
    const rows = await this.dataSource.query(
      `SELECT trim(country) AS country, needs, offers, updated_at AS "updatedAt" FROM training_needs
        WHERE network_id = $1 AND ($2::text IS NULL OR country = $2) ORDER BY country`,
      [networkId, country ?? null],
    );
    return rows.map((r: any) => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString() }));
  }
}
