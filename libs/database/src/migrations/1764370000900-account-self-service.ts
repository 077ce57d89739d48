import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account self-service and offboarding (issue 15, part A): single-use password reset tokens (only their sha256 is
 * kept), a small request counter for the throttles of the reset requests (per email and per client address), and
 * who disabled an account (the audit log keeps the history; the column lets the administration screen say it).
 */
export class AccountSelfService1764370000900 implements MigrationInterface {
  name = 'AccountSelfService1764370000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE password_reset_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        ip text
      )`);
    await q.query(`CREATE INDEX password_reset_tokens_user ON password_reset_tokens (user_id)`);
    await q.query(`
      CREATE TABLE request_throttle (
        scope text NOT NULL,
        key text NOT NULL,
        window_started_at timestamptz NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX request_throttle_window ON request_throttle (window_started_at)`);
    await q.query(`ALTER TABLE users ADD COLUMN disabled_by uuid REFERENCES users(id) ON DELETE SET NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS disabled_by`);
    await q.query(`DROP TABLE IF EXISTS request_throttle`);
    await q.query(`DROP TABLE IF EXISTS password_reset_tokens`);
  }
}
