import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface ResetRecipient {
  id: string;
  email: string;
  displayName: string;
  locale: 'en' | 'es';
  timezone: string;
  disabledAt: Date | null;
}

export interface ProfileChange {
  displayName?: string;
  locale?: 'en' | 'es';
  timezone?: string;
}

const returned = <T>(result: unknown): T[] =>
  Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);

/** What self-service, password reset and offboarding write to an account, and the reset tokens. */
@Injectable()
export class AccountChangesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  async passwordHash(userId: string): Promise<string | null> {
    const rows = await this.dataSource.query(
      `SELECT password_hash AS "passwordHash" FROM users WHERE id = $1`,
      [userId],
    );
    return rows[0]?.passwordHash ?? null;
  }

  async setPassword(userId: string, passwordHash: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [
      userId,
      passwordHash,
    ]);
  }

  async updateProfile(userId: string, change: ProfileChange): Promise<void> {
    await this.dataSource.query(
      `UPDATE users SET display_name = COALESCE($2, display_name), locale = COALESCE($3, locale),
              timezone = COALESCE($4, timezone), updated_at = now()
        WHERE id = $1`,
      [userId, change.displayName ?? null, change.locale ?? null, change.timezone ?? null],
    );
  }

  /** Sets or clears `disabled_at`; false when the account was already in that state (nothing changed). */
  async setDisabled(
    userId: string,
    disabled: { at: Date; by: string | null } | null,
    manager: EntityManager,
  ): Promise<boolean> {
    const rows = disabled
      ? await manager.query(
          `UPDATE users SET disabled_at = $2, disabled_by = $3, updated_at = now()
            WHERE id = $1 AND disabled_at IS NULL RETURNING id`,
          [userId, disabled.at, disabled.by],
        )
      : await manager.query(
          `UPDATE users SET disabled_at = NULL, disabled_by = NULL, updated_at = now()
            WHERE id = $1 AND disabled_at IS NOT NULL RETURNING id`,
          [userId],
        );
    return returned(rows).length > 0;
  }

  async resetRecipient(email: string): Promise<ResetRecipient | null> {
    const rows = await this.dataSource.query(
      `SELECT id, email::text AS email, display_name AS "displayName", locale, timezone, disabled_at AS "disabledAt"
         FROM users WHERE email = $1`,
      [email],
    );
    return rows[0] ?? null;
  }

  async insertResetToken(
    userId: string,
    tokenHash: string,
    createdAt: Date,
    expiresAt: Date,
    ip: string | null,
  ): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO password_reset_tokens (user_id, token_hash, created_at, expires_at, ip)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [userId, tokenHash, createdAt, expiresAt, ip],
    );
    return row.id;
  }

  /**
   * Uses a reset token: one atomic statement, so two uses of the same link cannot both pass. Only an unused,
   * unexpired token of an enabled account is taken. Returns the account, or null.
   */
  async consumeResetToken(
    tokenHash: string,
    now: Date,
    manager: EntityManager,
  ): Promise<{ tokenId: string; userId: string; email: string } | null> {
    const rows = await manager.query(
      `UPDATE password_reset_tokens t SET used_at = $2
         FROM users u
        WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2
          AND u.id = t.user_id AND u.disabled_at IS NULL
        RETURNING t.id AS "tokenId", t.user_id AS "userId", u.email::text AS email`,
      [tokenHash, now],
    );
    return returned<{ tokenId: string; userId: string; email: string }>(rows)[0] ?? null;
  }

  /** Ends every outstanding reset link of the account (its password changed, or it was disabled). */
  async voidResetTokens(userId: string, at: Date, manager?: EntityManager): Promise<void> {
    await this.m(manager).query(
      `UPDATE password_reset_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`,
      [userId, at],
    );
  }

  /** Drops reset tokens that ended more than a day ago (kept no longer than needed). */
  async pruneResetTokens(now: Date): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM password_reset_tokens
        WHERE COALESCE(used_at, expires_at) < $1::timestamptz - interval '1 day'`,
      [now],
    );
  }
}
