import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (issue 14): what the daily purge needs.
 *
 * - `cases.closed_at`: when the case was last closed, kept by a trigger from the `updated_at` the service writes (the
 *   service clock), cleared when the case reopens; case records are kept for their period from that instant.
 * - `channels.purged_seq`: every message with a seq at or below it was purged (the purge removes the oldest messages
 *   of a channel as a prefix). Unread counts read `last_seq − GREATEST(read cursor, purged_seq)`, so purged messages
 *   are not counted as unread, and `seq` never restarts: sync clients see a channel that starts later.
 * - The audit log stays append-only, except for the purge: a DELETE passes only for rows older than the cut-off the
 *   purge sets for its own transaction (`SET LOCAL enlace.audit_purge_before`). UPDATE and TRUNCATE stay refused.
 */
export class Retention1764370001050 implements MigrationInterface {
  name = 'Retention1764370001050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN closed_at timestamptz`);
    await q.query(`UPDATE cases SET closed_at = updated_at WHERE status = 'closed'`);
    await q.query(`
      CREATE FUNCTION cases_closed_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'closed' THEN
          IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'closed' THEN
            NEW.closed_at := NEW.updated_at;
          ELSE
            NEW.closed_at := OLD.closed_at;
          END IF;
        ELSE
          NEW.closed_at := NULL;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER cases_closed_at BEFORE INSERT OR UPDATE OF status, updated_at ON cases
      FOR EACH ROW EXECUTE FUNCTION cases_closed_at()`);
    await q.query(`CREATE INDEX cases_closed ON cases (network_id, closed_at) WHERE status = 'closed'`);

    await q.query(`ALTER TABLE channels ADD COLUMN purged_seq bigint NOT NULL DEFAULT 0`);

    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cutoff text := current_setting('enlace.audit_purge_before', true);
      BEGIN
        IF TG_OP = 'DELETE' AND cutoff IS NOT NULL AND cutoff <> '' AND OLD.at < cutoff::timestamptz THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await q.query(`ALTER TABLE channels DROP COLUMN IF EXISTS purged_seq`);
    await q.query(`DROP INDEX IF EXISTS cases_closed`);
    await q.query(`DROP TRIGGER IF EXISTS cases_closed_at ON cases`);
    await q.query(`DROP FUNCTION IF EXISTS cases_closed_at()`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS closed_at`);
  }
}
