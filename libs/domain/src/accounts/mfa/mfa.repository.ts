import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface StoredPasskey {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const PASSKEY_COLUMNS = `id, user_id AS "userId", credential_id AS "credentialId", public_key AS "publicKey",
  counter::float8 AS counter, transports, name, created_at AS "createdAt", last_used_at AS "lastUsedAt"`;

/** The only SQL of two-factor sign-in. Every consuming update is one atomic statement, valid across processes. */
@Injectable()
export class MfaRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  private static rows<T>(result: any): T[] {
    return Array.isArray(result?.[0]) ? result[0] : result;
  }

  // ---- TOTP ----

  async totp(
    userId: string,
  ): Promise<{ secretEncrypted: string; confirmedAt: Date | null; lastStep: number | null } | null> {
    const rows = await this.dataSource.query(
      `SELECT secret_encrypted AS "secretEncrypted", confirmed_at AS "confirmedAt", last_step::float8 AS "lastStep"
         FROM mfa_totp WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  /** A new, unconfirmed secret replaces an unconfirmed one; a confirmed one is never replaced here. */
  async startTotp(userId: string, secretEncrypted: string, now: Date): Promise<boolean> {
    const rows = await this.dataSource.query(
      `INSERT INTO mfa_totp AS t (user_id, secret_encrypted, confirmed_at, last_step, created_at)
       VALUES ($1, $2, NULL, NULL, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = $2, last_step = NULL, created_at = $3
         WHERE t.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, secretEncrypted, now],
    );
    return rows.length > 0;
  }

  /**
   * Accepts a time-step once: only a step later than the last accepted one moves `last_step`, in one statement,
   * so the same code (or an earlier one) is refused even when two requests race.
   */
  async consumeTotpStep(userId: string, step: number, confirmedOnly: boolean, manager?: EntityManager) {
    const result = await this.m(manager).query(
      `UPDATE mfa_totp SET last_step = $2
        WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)
          AND ($3::boolean = false OR confirmed_at IS NOT NULL)
        RETURNING user_id`,
      [userId, step, confirmedOnly],
    );
    return MfaRepository.rows(result).length > 0;
  }

  async confirmTotp(userId: string, now: Date, manager: EntityManager): Promise<boolean> {
    const result = await manager.query(
      `UPDATE mfa_totp SET confirmed_at = $2 WHERE user_id = $1 AND confirmed_at IS NULL RETURNING user_id`,
      [userId, now],
    );
    return MfaRepository.rows(result).length > 0;
  }

  async deleteTotp(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM mfa_totp WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
  }

  // ---- recovery codes ----

  async replaceRecoveryCodes(userId: string, hashes: string[], manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(`INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`, [
      userId,
      hashes,
    ]);
  }

  async consumeRecoveryCode(userId: string, hash: string, now: Date, manager?: EntityManager) {
    const result = await this.m(manager).query(
      `UPDATE mfa_recovery_codes SET used_at = $3
        WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, hash, now],
    );
    return MfaRepository.rows(result).length > 0;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return row.n;
  }

  // ---- what an account has ----

  async factors(userId: string): Promise<{ totp: boolean; passkeys: number }> {
    const [row] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL) AS totp,
              (SELECT count(*)::int FROM webauthn_credentials WHERE user_id = $1) AS passkeys`,
      [userId],
    );
    return row;
  }

  // ---- second-factor challenges (mfaToken) ----

  async createChallenge(userId: string, tokenHash: string, now: Date, expiresAt: Date): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO mfa_challenges (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
      [userId, tokenHash, now, expiresAt],
    );
    return row.id;
  }

  /**
   * Counts one attempt on a live challenge before its code is checked (one statement locks the row), so parallel
   * guesses cannot pass the limit: null when the challenge is unknown, used, expired or out of attempts.
   */
  async claimAttempt(id: string, tokenHash: string, now: Date, maxAttempts: number) {
    const result = await this.dataSource.query(
      `UPDATE mfa_challenges SET attempts = attempts + 1
        WHERE id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3 AND attempts < $4
        RETURNING user_id AS "userId"`,
      [id, tokenHash, now, maxAttempts],
    );
    return MfaRepository.rows<{ userId: string }>(result)[0] ?? null;
  }

  async challengeFailed(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE mfa_challenges SET failures = failures + 1 WHERE id = $1`, [id]);
  }

  async challengeUsed(id: string, now: Date, manager: EntityManager): Promise<boolean> {
    const result = await manager.query(
      `UPDATE mfa_challenges SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING id`,
      [id, now],
    );
    return MfaRepository.rows(result).length > 0;
  }

  /** Wrong second-factor codes of this account since `since` (over every challenge), and the latest one's time. */
  async recentFailures(userId: string, since: Date): Promise<{ failures: number; latest: Date | null }> {
    const [row] = await this.dataSource.query(
      `SELECT coalesce(sum(failures), 0)::int AS failures, max(created_at) FILTER (WHERE failures > 0) AS latest
         FROM mfa_challenges WHERE user_id = $1 AND created_at > $2`,
      [userId, since],
    );
    await this.dataSource.query(
      `DELETE FROM mfa_challenges WHERE created_at < $1::timestamptz - interval '1 day'`,
      [since],
    );
    return row;
  }

  // ---- passkeys ----

  async passkeys(userId: string): Promise<StoredPasskey[]> {
    return this.dataSource.query(
      `SELECT ${PASSKEY_COLUMNS} FROM webauthn_credentials WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  async passkeyByCredentialId(credentialId: string): Promise<StoredPasskey | null> {
    const rows = await this.dataSource.query(
      `SELECT ${PASSKEY_COLUMNS} FROM webauthn_credentials WHERE credential_id = $1`,
      [credentialId],
    );
    return rows[0] ?? null;
  }

  async insertPasskey(
    row: Omit<StoredPasskey, 'id' | 'lastUsedAt'>,
  ): Promise<{ id: string; name: string; createdAt: Date }> {
    const [created] = await this.dataSource.query(
      `INSERT INTO webauthn_credentials (user_id, credential_id, public_key, counter, transports, name, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, name, created_at AS "createdAt"`,
      [row.userId, row.credentialId, row.publicKey, row.counter, row.transports, row.name, row.createdAt],
    );
    return created;
  }

  /** Moves the signature counter forward only (a lower or equal one was refused before this). */
  async passkeyUsed(id: string, counter: number, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE webauthn_credentials SET counter = greatest(counter, $2), last_used_at = $3 WHERE id = $1`,
      [id, counter, now],
    );
  }

  async deletePasskey(userId: string, id: string): Promise<boolean> {
    const result = await this.dataSource.query(
      `DELETE FROM webauthn_credentials WHERE id = $1 AND user_id = $2 RETURNING id`,
      [id, userId],
    );
    return MfaRepository.rows(result).length > 0;
  }

  // ---- WebAuthn challenges ----

  async saveWebauthnChallenge(
    challenge: string,
    purpose: 'registration' | 'authentication',
    userId: string | null,
    expiresAt: Date,
    now: Date,
  ): Promise<void> {
    await this.dataSource.query(`DELETE FROM webauthn_challenges WHERE expires_at < $1`, [now]);
    await this.dataSource.query(
      `INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES ($1, $2, $3, $4)`,
      [challenge, purpose, userId, expiresAt],
    );
  }

  /** Takes a live challenge once (deleted as it is read): a replayed response finds nothing. */
  async takeWebauthnChallenge(
    challenge: string,
    purpose: 'registration' | 'authentication',
    userId: string | null,
    now: Date,
  ): Promise<boolean> {
    const result = await this.dataSource.query(
      `DELETE FROM webauthn_challenges
        WHERE challenge = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3 AND expires_at > $4
        RETURNING challenge`,
      [challenge, purpose, userId, now],
    );
    return MfaRepository.rows(result).length > 0;
  }
}
