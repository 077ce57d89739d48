import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface PresidencyTerm {
  id: string;
  country: string;
  startsOn: string;
  endsOn: string;
}

const COLUMNS = `id, country, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn"`;

@Injectable()
export class PresidencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async covering(date: string): Promise<PresidencyTerm | null> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM presidency_terms WHERE starts_on <= $1::date AND ends_on >= $1::date`,
      [date],
    );
    return rows[0] ?? null;
  }

  async all(): Promise<PresidencyTerm[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM presidency_terms ORDER BY starts_on`);
  }

  async overlapping(startsOn: string, endsOn: string, manager: EntityManager): Promise<PresidencyTerm[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM presidency_terms
        WHERE daterange(starts_on, ends_on, '[]') && daterange($1::date, $2::date, '[]') FOR UPDATE`,
      [startsOn, endsOn],
    );
  }

  async upsertByStart(
    country: string,
    startsOn: string,
    endsOn: string,
    manager: EntityManager,
  ): Promise<PresidencyTerm> {
    await manager.query(`DELETE FROM presidency_terms WHERE starts_on = $1::date`, [startsOn]);
    const [row] = await manager.query(
      `INSERT INTO presidency_terms (country, starts_on, ends_on) VALUES ($1, $2::date, $3::date) RETURNING ${COLUMNS}`,
      [country, startsOn, endsOn],
    );
    return row;
  }
}
