import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ChannelAccessPolicy,
  type AccessScope,
  type CaseHandling,
  type ChannelVisibility,
} from './channel-access.policy.js';

export interface NetworkRecord {
  id: string;
  slug: string;
  nameEn: string;
  nameEs: string;
  casePrefix: string;
}

/** A channel (or case thread) with what the access rules need, loaded for one caller. */
export interface ChannelRecord {
  id: string;
  networkId: string;
  networkSlug: string;
  name: string;
  visibility: ChannelVisibility;
  kind: 'channel' | 'case';
  caseId: string | null;
  lastSeq: number;
  createdBy: string | null;
  isMember: boolean;
  caseHandling: CaseHandling | null;
  caseCountries: string[] | null;
  caseStatus: string | null;
}

export interface ChannelListItem {
  id: string;
  name: string;
  visibility: ChannelVisibility;
  lastSeq: number;
  unreadCount: number;
}

export interface NetworkMemberRow {
  id: string;
  role: 'officer' | 'observer';
  country: string | null;
}

@Injectable()
export class ChannelsRepository {
  private networks?: Promise<NetworkRecord[]>;

  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  /** Networks are reference data: read once per process. */
  async allNetworks(): Promise<NetworkRecord[]> {
    this.networks ??= this.dataSource
      .query(
        `SELECT id, slug, name_en AS "nameEn", name_es AS "nameEs", case_prefix AS "casePrefix" FROM networks ORDER BY slug`,
      )
      .then((rows: NetworkRecord[]) => {
        if (!rows.length) this.networks = undefined;
        return rows;
      });
    return this.networks;
  }

  async load(id: string, userId: string, manager?: EntityManager): Promise<ChannelRecord | null> {
    const rows = await this.m(manager).query(
      `SELECT c.id, c.network_id AS "networkId", n.slug AS "networkSlug", c.name, c.visibility, c.kind,
              c.case_id AS "caseId", c.last_seq AS "lastSeq", c.created_by AS "createdBy",
              EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = c.id AND cm.user_id = $2) AS "isMember",
              k.handling AS "caseHandling", k.countries AS "caseCountries", k.status AS "caseStatus"
         FROM channels c JOIN networks n ON n.id = c.network_id LEFT JOIN cases k ON k.id = c.case_id
        WHERE c.id = $1`,
      [id, userId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      ...r,
      lastSeq: Number(r.lastSeq),
      caseCountries: r.caseCountries ? trimCountries(r.caseCountries) : null,
    };
  }

  async listReadable(networkId: string, scope: AccessScope): Promise<ChannelListItem[]> {
    const rows = await this.dataSource.query(
      `SELECT c.id, c.name, c.visibility, c.last_seq AS "lastSeq",
              GREATEST(c.last_seq - GREATEST(COALESCE(r.seq, 0), c.purged_seq), 0) AS "unreadCount"
         FROM channels c
         LEFT JOIN read_cursors r ON r.channel_id = c.id AND r.user_id = $1
        WHERE c.network_id = $6 AND c.kind = 'channel' AND ${ChannelAccessPolicy.readableSql('c', 1)}
        ORDER BY c.is_default DESC, c.name`,
      [...ChannelAccessPolicy.sqlParams(scope), networkId],
    );
    return rows.map((r: any) => ({ ...r, lastSeq: Number(r.lastSeq), unreadCount: Number(r.unreadCount) }));
  }

  /** Every channel and case thread the caller may read: the rooms of their sockets. */
  async readableIds(scope: AccessScope): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT c.id FROM channels c WHERE ${ChannelAccessPolicy.readableSql('c', 1)}`,
      ChannelAccessPolicy.sqlParams(scope),
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /** Of the given ids, those the caller may read, with their kind and case. */
  async readableAmong(
    ids: string[],
    scope: AccessScope,
  ): Promise<Array<{ id: string; caseId: string | null; lastSeq: number; purgedSeq: number }>> {
    if (!ids.length) return [];
    return this.dataSource.query(
      `SELECT c.id, c.case_id AS "caseId", c.last_seq::float8 AS "lastSeq", c.purged_seq::float8 AS "purgedSeq"
         FROM channels c
        WHERE c.id = ANY($6::uuid[]) AND ${ChannelAccessPolicy.readableSql('c', 1)}`,
      [...ChannelAccessPolicy.sqlParams(scope), ids],
    );
  }

  async nameTaken(networkId: string, name: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM channels WHERE network_id = $1 AND name = $2`, [
      networkId,
      name,
    ]);
    return rows.length > 0;
  }

  async insert(
    row: {
      networkId: string;
      name: string;
      visibility: ChannelVisibility;
      createdBy: string | null;
      kind?: 'channel' | 'case';
      caseId?: string | null;
    },
    manager: EntityManager,
  ): Promise<{ id: string; createdAt: Date }> {
    const [created] = await manager.query(
      `INSERT INTO channels (network_id, name, visibility, created_by, kind, case_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at AS "createdAt"`,
      [row.networkId, row.name, row.visibility, row.createdBy, row.kind ?? 'channel', row.caseId ?? null],
    );
    return created;
  }

  async addMembers(channelId: string, userIds: string[], manager?: EntityManager): Promise<string[]> {
    if (!userIds.length) return [];
    const rows = await this.m(manager).query(
      `INSERT INTO channel_members (channel_id, user_id) SELECT $1, unnest($2::uuid[])
       ON CONFLICT DO NOTHING RETURNING user_id AS "userId"`,
      [channelId, userIds],
    );
    return rows.map((r: { userId: string }) => r.userId);
  }

  async removeMember(channelId: string, userId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2 RETURNING user_id`,
      [channelId, userId],
    );
    return rows.length > 0;
  }

  async members(
    channelId: string,
  ): Promise<Array<{ id: string; displayName: string; country: string | null }>> {
    return this.dataSource.query(
      `SELECT u.id, u.display_name AS "displayName", u.country FROM channel_members cm JOIN users u ON u.id = cm.user_id
        WHERE cm.channel_id = $1 ORDER BY u.display_name`,
      [channelId],
    );
  }

  /** Of the given users, those who are (enabled) members of the network, with their role and country. */
  async networkMembers(networkId: string, userIds: string[]): Promise<NetworkMemberRow[]> {
    if (!userIds.length) return [];
    return this.dataSource.query(
      `SELECT u.id, m.role, u.country FROM users u JOIN network_memberships m ON m.user_id = u.id AND m.network_id = $1
        WHERE u.id = ANY($2::uuid[]) AND u.disabled_at IS NULL`,
      [networkId, userIds],
    );
  }

  async idByName(networkSlug: string, name: string): Promise<string | null> {
    const rows = await this.dataSource.query(
      `SELECT c.id FROM channels c JOIN networks n ON n.id = c.network_id WHERE n.slug = $1 AND c.name = $2 AND c.kind = 'channel'`,
      [networkSlug, name],
    );
    return rows[0]?.id ?? null;
  }

  /** Moves the caller's read cursor forward (never back, never past the last message). */
  async advanceCursor(userId: string, channelId: string, seq: number, now: Date): Promise<number | null> {
    const rows = await this.dataSource.query(
      `INSERT INTO read_cursors (user_id, channel_id, seq, updated_at)
       SELECT $1, c.id, LEAST($3::bigint, c.last_seq), $4 FROM channels c WHERE c.id = $2
       ON CONFLICT (user_id, channel_id)
       DO UPDATE SET seq = GREATEST(read_cursors.seq, EXCLUDED.seq), updated_at = EXCLUDED.updated_at
       RETURNING seq`,
      [userId, channelId, seq, now],
    );
    return rows[0] ? Number(rows[0].seq) : null;
  }
}

/** char(2)[] comes back as strings; keep them trimmed uppercase codes. */
export function trimCountries(value: string[] | string): string[] {
  const list = Array.isArray(value) ? value : String(value).replace(/[{}]/g, '').split(',').filter(Boolean);
  return list.map((c) => c.trim());
}
