import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Principal } from './principal.js';

const PRINCIPAL_SELECT = `
  SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.organization, u.locale, u.timezone, u.roles,
         u.calendar_token AS "calendarToken", u.disabled_at AS "disabledAt",
         COALESCE(json_agg(json_build_object('networkId', n.id, 'network', n.slug, 'role', m.role) ORDER BY n.slug)
                  FILTER (WHERE m.user_id IS NOT NULL), '[]') AS memberships
    FROM users u
    LEFT JOIN network_memberships m ON m.user_id = u.id
    LEFT JOIN networks n ON n.id = m.network_id`;

export interface NewUserRow {
  email: string;
  passwordHash: string;
  displayName: string;
  country: string | null;
  organization: string | null;
  locale: 'en' | 'es';
  timezone: string;
  roles: string[];
  calendarToken: string;
}

@Injectable()
export class AccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  async principalById(
    id: string,
    manager?: EntityManager,
  ): Promise<(Principal & { disabledAt: Date | null }) | null> {
    const rows = await this.m(manager).query(`${PRINCIPAL_SELECT} WHERE u.id = $1 GROUP BY u.id`, [id]);
    return rows[0] ?? null;
  }

  /** The principal of a live session: null when the user or the session is gone, disabled, revoked or expired. */
  async principalForSession(userId: string, sessionId: string, now: Date): Promise<Principal | null> {
    const rows = await this.dataSource.query(
      `${PRINCIPAL_SELECT}
        WHERE u.id = $1 AND u.disabled_at IS NULL
          AND EXISTS (SELECT 1 FROM auth_sessions s WHERE s.id = $2 AND s.user_id = u.id
                        AND s.revoked_at IS NULL AND s.expires_at > $3)
        GROUP BY u.id`,
      [userId, sessionId, now],
    );
    if (!rows[0]) return null;
    const { disabledAt: _d, ...principal } = rows[0];
    return { ...principal, sessionId };
  }

  async credentialsByEmail(
    email: string,
  ): Promise<{ id: string; passwordHash: string; disabledAt: Date | null } | null> {
    const rows = await this.dataSource.query(
      `SELECT id, password_hash AS "passwordHash", disabled_at AS "disabledAt" FROM users WHERE email = $1`,
      [email],
    );
    return rows[0] ?? null;
  }

  async anyAdmin(): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM users WHERE 'admin' = ANY(roles) LIMIT 1`);
    return rows.length > 0;
  }

  async emailTaken(email: string, manager?: EntityManager): Promise<boolean> {
    const rows = await this.m(manager).query(`SELECT 1 FROM users WHERE email = $1`, [email]);
    return rows.length > 0;
  }

  async insertUser(row: NewUserRow, manager: EntityManager): Promise<string> {
    const [created] = await manager.query(
      `INSERT INTO users (email, password_hash, display_name, country, organization, locale, timezone, roles, calendar_token)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        row.email,
        row.passwordHash,
        row.displayName,
        row.country,
        row.organization,
        row.locale,
        row.timezone,
        row.roles,
        row.calendarToken,
      ],
    );
    return created.id;
  }

  async userIdByEmail(email: string): Promise<string | null> {
    const rows = await this.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email]);
    return rows[0]?.id ?? null;
  }

  async replaceMemberships(
    userId: string,
    memberships: Array<{ networkId: string; role: string }>,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(`DELETE FROM network_memberships WHERE user_id = $1`, [userId]);
    for (const m of memberships) {
      await manager.query(`INSERT INTO network_memberships (user_id, network_id, role) VALUES ($1, $2, $3)`, [
        userId,
        m.networkId,
        m.role,
      ]);
    }
  }

  async networksBySlug(manager?: EntityManager): Promise<Map<string, { id: string; slug: string }>> {
    const rows: Array<{ id: string; slug: string }> = await this.m(manager).query(
      `SELECT id, slug FROM networks`,
    );
    return new Map(rows.map((r) => [r.slug, r]));
  }

  async countryExists(code: string): Promise<boolean> {
    return (await this.dataSource.query(`SELECT 1 FROM countries WHERE code = $1`, [code])).length > 0;
  }

  async organizationExists(code: string): Promise<boolean> {
    return (await this.dataSource.query(`SELECT 1 FROM organizations WHERE code = $1`, [code])).length > 0;
  }

  async listUsers(): Promise<Array<Principal>> {
    return this.dataSource.query(`${PRINCIPAL_SELECT} GROUP BY u.id ORDER BY u.email`);
  }

  /**
   * Replaces a session's refresh token hash if it is still `currentHash`, keeping the old hash as rotated (reuse
   * detection) in the same statement. False when someone else rotated it first.
   */
  async rotateRefreshToken(
    sessionId: string,
    currentHash: string,
    nextHash: string,
    at: Date,
  ): Promise<boolean> {
    const rows = await this.dataSource.query(
      `WITH rotated AS (
         UPDATE auth_sessions SET token_hash = $3, generation = generation + 1, last_used_at = $4
          WHERE id = $1 AND token_hash = $2 AND revoked_at IS NULL RETURNING id)
       INSERT INTO auth_refresh_rotations (token_hash, session_id, rotated_at)
       SELECT $2, id, $4 FROM rotated
       ON CONFLICT (token_hash) DO UPDATE SET rotated_at = EXCLUDED.rotated_at
       RETURNING session_id`,
      [sessionId, currentHash, nextHash, at],
    );
    return rows.length > 0;
  }

  /** Whether this hash is an earlier, rotated refresh token of the session. */
  async wasRotated(sessionId: string, tokenHash: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM auth_refresh_rotations WHERE token_hash = $1 AND session_id = $2`,
      [tokenHash, sessionId],
    );
    return rows.length > 0;
  }
}
