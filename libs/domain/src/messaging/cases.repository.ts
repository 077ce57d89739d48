import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CaseAccessFacts } from './case-access.policy.js';
import { ChannelAccessPolicy, type AccessScope, type CaseHandling } from './channel-access.policy.js';
import { trimCountries } from './channels.repository.js';
import type { CaseStatus } from './case-rules.js';

export interface CaseRecord extends CaseAccessFacts {
  id: string;
  reference: string;
  networkSlug: string;
  title: string;
  type: string;
  status: CaseStatus;
  summary: string;
  openedBy: { id: string; displayName: string; country: string | null };
  assignees: Array<{ id: string; displayName: string; country: string | null }>;
  channelId: string;
  createdAt: Date;
  updatedAt: Date;
  lastSeq?: number;
  unreadCount?: number;
}

const CASE_SELECT = `
  SELECT k.id, k.reference, k.network_id AS "networkId", n.slug AS "networkSlug", k.title, k.type, k.handling,
         k.countries, k.status, k.summary, k.channel_id AS "channelId", k.created_at AS "createdAt",
         k.updated_at AS "updatedAt",
         json_build_object('id', o.id, 'displayName', o.display_name, 'country', o.country) AS "openedBy",
         COALESCE((SELECT json_agg(json_build_object('id', a.id, 'displayName', a.display_name, 'country', a.country)
                                   ORDER BY a.display_name)
                     FROM users a WHERE a.id = ANY(k.assignees)), '[]') AS assignees
    FROM cases k JOIN networks n ON n.id = k.network_id JOIN users o ON o.id = k.opened_by`;

function toRecord(r: any): CaseRecord {
  const countries = trimCountries(r.countries);
  return {
    ...r,
    countries,
    openedBy: { ...r.openedBy, country: r.openedBy.country?.trim() ?? null },
    assignees: r.assignees.map((a: any) => ({ ...a, country: a.country?.trim() ?? null })),
    ...(r.lastSeq !== undefined ? { lastSeq: Number(r.lastSeq), unreadCount: Number(r.unreadCount) } : {}),
  };
}

@Injectable()
export class CasesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  async facts(id: string): Promise<CaseAccessFacts | null> {
    return (await this.factsMany([id])).get(id) ?? null;
  }

  async factsMany(ids: string[]): Promise<Map<string, CaseAccessFacts>> {
    if (!ids.length) return new Map();
    const rows = await this.dataSource.query(
      `SELECT id, network_id AS "networkId", handling, countries FROM cases WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((r: any) => [
        r.id,
        { networkId: r.networkId, handling: r.handling, countries: trimCountries(r.countries) },
      ]),
    );
  }

  /** The next number of the network's cases in a year; the row lock serialises concurrent openings. */
  async nextNumber(networkId: string, year: number, manager: EntityManager): Promise<number> {
    const [row] = await manager.query(
      `INSERT INTO case_counters (network_id, year, last_number) VALUES ($1, $2, 1)
       ON CONFLICT (network_id, year) DO UPDATE SET last_number = case_counters.last_number + 1
       RETURNING last_number AS n`,
      [networkId, year],
    );
    return row.n;
  }

  async insert(
    row: {
      id: string;
      networkId: string;
      reference: string;
      title: string;
      type: string;
      handling: CaseHandling;
      countries: string[];
      summary: string;
      openedBy: string;
      channelId: string;
      at: Date;
    },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO cases (id, network_id, reference, title, type, handling, countries, summary, opened_by, channel_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [
        row.id,
        row.networkId,
        row.reference,
        row.title,
        row.type,
        row.handling,
        row.countries,
        row.summary,
        row.openedBy,
        row.channelId,
        row.at,
      ],
    );
  }

  async byId(id: string, manager?: EntityManager): Promise<CaseRecord | null> {
    const rows = await this.m(manager).query(`${CASE_SELECT} WHERE k.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async lockForUpdate(id: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, [id]);
  }

  /** The cases of a network the caller may read (the case thread's channel carries the access rule). */
  async listReadable(
    networkId: string,
    scope: AccessScope,
    filter: { status?: string; country?: string },
  ): Promise<CaseRecord[]> {
    const rows = await this.dataSource.query(
      `${CASE_SELECT.replace(
        'FROM cases k',
        `, c.last_seq AS "lastSeq", GREATEST(c.last_seq - GREATEST(COALESCE(r.seq, 0), c.purged_seq), 0) AS "unreadCount"
           FROM cases k JOIN channels c ON c.id = k.channel_id
           LEFT JOIN read_cursors r ON r.channel_id = c.id AND r.user_id = $1`,
      )}
        WHERE k.network_id = $6 AND ${ChannelAccessPolicy.readableSql('c', 1)}
          AND ($7::text IS NULL OR k.status = $7) AND ($8::text IS NULL OR k.countries @> ARRAY[$8]::char(2)[])
        ORDER BY k.created_at DESC, k.reference DESC
        LIMIT 500`,
      [...ChannelAccessPolicy.sqlParams(scope), networkId, filter.status ?? null, filter.country ?? null],
    );
    return rows.map(toRecord);
  }

  async update(
    id: string,
    patch: { status: string; handling: string; countries: string[]; assignees: string[]; at: Date },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE cases SET status = $2, handling = $3, countries = $4, assignees = $5, updated_at = $6 WHERE id = $1`,
      [id, patch.status, patch.handling, patch.countries, patch.assignees, patch.at],
    );
  }

  async countryCodes(): Promise<Set<string>> {
    const rows = await this.dataSource.query(`SELECT code FROM countries`);
    return new Set(rows.map((r: { code: string }) => r.code));
  }
}
