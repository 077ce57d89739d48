import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DEFAULT_CHANNELS,
  MEMBER_COUNTRIES,
  NETWORKS,
  OBSERVER_COUNTRIES,
  ORGANIZATIONS,
} from './reference-data.js';

@Injectable()
export class ReferenceDataService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReferenceData');
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensure();
  }

  /** Idempotent: safe at every start of every process. */
  async ensure(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      for (const [list, kind] of [
        [MEMBER_COUNTRIES, 'member'],
        [OBSERVER_COUNTRIES, 'observer'],
      ] as const) {
        for (const [code, en, es] of list) {
          await m.query(
            `INSERT INTO countries (code, name_en, name_es, kind) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET name_en = EXCLUDED.name_en, name_es = EXCLUDED.name_es, kind = EXCLUDED.kind`,
            [code, en, es, kind],
          );
        }
      }
      for (const [code, en, es] of ORGANIZATIONS) {
        await m.query(
          `INSERT INTO organizations (code, name_en, name_es) VALUES ($1, $2, $3)
           ON CONFLICT (code) DO UPDATE SET name_en = EXCLUDED.name_en, name_es = EXCLUDED.name_es`,
          [code, en, es],
        );
      }
      for (const n of NETWORKS) {
        const [row] = await m.query(
          `INSERT INTO networks (slug, name_en, name_es, case_prefix) VALUES ($1, $2, $3, $4)
           ON CONFLICT (slug) DO UPDATE SET name_en = EXCLUDED.name_en, name_es = EXCLUDED.name_es
           RETURNING id`,
          [n.slug, n.en, n.es, n.casePrefix],
        );
        for (const { name, visibility } of DEFAULT_CHANNELS) {
          await m.query(
            `INSERT INTO channels (network_id, name, visibility, is_default) VALUES ($1, $2, $3, true)
             ON CONFLICT (network_id, name) DO NOTHING`,
            [row.id, name, visibility],
          );
        }
      }
    });
    this.logger.log('reference data in place (countries, organizations, networks, default channels)');
  }
}
