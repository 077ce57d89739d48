import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-factor sign-in (issue 15 part B): a TOTP secret per account (encrypted at rest, with the last time-step used
 * so that no code is accepted twice), ten single-use recovery codes stored hashed, the short-lived second-factor
 * challenges issued after a correct password (their attempt counter is updated atomically, so five wrong codes end
 * one on every API process), WebAuthn passkeys, and the WebAuthn challenges handed out with registration and
 * sign-in options (server-side, with an expiry, consumed once).
 */
export class TwoFactor1764370000950 implements MigrationInterface {
  name = 'TwoFactor1764370000950';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mfa_totp (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret_encrypted text NOT NULL,
        confirmed_at timestamptz,
        last_step bigint,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE mfa_recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz,
        UNIQUE (user_id, code_hash)
      )`);
    await q.query(`
      CREATE TABLE mfa_challenges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        failures integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX mfa_challenges_user ON mfa_challenges (user_id, created_at)`);
    await q.query(`
      CREATE TABLE webauthn_credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        credential_id text NOT NULL UNIQUE,
        public_key bytea NOT NULL,
        counter bigint NOT NULL DEFAULT 0,
        transports text[] NOT NULL DEFAULT '{}',
        name text NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id)`);
    await q.query(`
      CREATE TABLE webauthn_challenges (
        challenge text PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('registration', 'authentication')),
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webauthn_challenges`);
    await q.query(`DROP TABLE IF EXISTS webauthn_credentials`);
    await q.query(`DROP TABLE IF EXISTS mfa_challenges`);
    await q.query(`DROP TABLE IF EXISTS mfa_recovery_codes`);
    await q.query(`DROP TABLE IF EXISTS mfa_totp`);
  }
}
