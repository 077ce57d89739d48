import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface SessionRow {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** TypeORM answers an UPDATE … RETURNING with [rows, count]. */
const returned = <T>(result: unknown): T[] =>
  Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);

/** Sign-in sessions (`auth_sessions`) as their owner and the offboarding see them. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  /** The account's sessions that still work (not revoked, not expired), most recently used first. */
  async live(userId: string, now: Date): Promise<SessionRow[]> {
    return this.dataSource.query(
      `SELECT id, created_at AS "createdAt", last_used_at AS "lastUsedAt", ip, user_agent AS "userAgent"
         FROM auth_sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
        ORDER BY last_used_at DESC, created_at DESC`,
      [userId, now],
    );
  }

  /** Revokes one live session of this account; false when it is not theirs, or already ended. */
  async revokeOne(userId: string, sessionId: string, reason: string, at: Date): Promise<boolean> {
    const rows = await this.dataSource.query(
      `UPDATE auth_sessions SET revoked_at = $3, revoked_reason = $4
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3 RETURNING id`,
      [sessionId, userId, at, reason],
    );
    return returned(rows).length > 0;
  }

  /** Revokes every session of the account (but `exceptSessionId`); returns how many ended. */
  async revokeAll(
    userId: string,
    reason: string,
    at: Date,
    exceptSessionId: string | null,
    manager?: EntityManager,
  ): Promise<number> {
    const rows = await this.m(manager).query(
      `UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid) RETURNING id`,
      [userId, at, reason, exceptSessionId],
    );
    return returned(rows).length;
  }

  /**
   * Of these sessions, those that no longer work: revoked, expired, unknown, or their account disabled. Usually none:
   * asking for those rather than for the live ones spares the caller a row per session (the sweep of every live
   * socket's session, every few seconds).
   */
  async ended(sessionIds: string[], now: Date): Promise<Set<string>> {
    if (!sessionIds.length) return new Set();
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT t.id FROM unnest($1::uuid[]) AS t(id)
        WHERE NOT EXISTS (
          SELECT 1 FROM auth_sessions s JOIN users u ON u.id = s.user_id
           WHERE s.id = t.id AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL)`,
      [sessionIds, now],
    );
    return new Set(rows.map((r) => r.id));
  }
}
