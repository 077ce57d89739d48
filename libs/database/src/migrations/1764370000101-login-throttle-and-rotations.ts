import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed logins per (email, client address), updated by one atomic statement so that concurrent attempts on every API
 * process see one count (issue 7, items 3 and 4); and the hashes of rotated refresh tokens, so that only a real,
 * earlier-rotated token of a session counts as reuse and revokes it (item 9).
 */
export class LoginThrottleAndRotations1764370000101 implements MigrationInterface {
  name = 'LoginThrottleAndRotations1764370000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        email text NOT NULL,
        address text NOT NULL,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        locked_until timestamptz,
        -- whether the latest attempt found the pair locked (read back by the statement that made it)
        blocked boolean NOT NULL DEFAULT false,
        PRIMARY KEY (email, address)
      )`);
    await q.query(`CREATE INDEX login_throttle_window ON login_throttle (window_started_at)`);
    await q.query(`
      CREATE TABLE auth_refresh_rotations (
        token_hash text PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        rotated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX auth_refresh_rotations_session ON auth_refresh_rotations (session_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS auth_refresh_rotations`);
    await q.query(`DROP TABLE IF EXISTS login_throttle`);
  }
}
