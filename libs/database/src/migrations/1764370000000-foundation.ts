import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Foundation1764370000000 implements MigrationInterface {
  name = 'Foundation1764370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS citext`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`
      CREATE TABLE countries (
        code char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
        name_en text NOT NULL,
        name_es text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('member', 'observer'))
      )`);
    await q.query(`
      CREATE TABLE organizations (
        code text PRIMARY KEY,
        name_en text NOT NULL,
        name_es text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE networks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        name_en text NOT NULL,
        name_es text NOT NULL,
        case_prefix text NOT NULL UNIQUE
      )`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email citext NOT NULL UNIQUE,
        password_hash text NOT NULL,
        display_name text NOT NULL,
        country char(2) REFERENCES countries(code),
        organization text REFERENCES organizations(code),
        locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'es')),
        timezone text NOT NULL DEFAULT 'UTC',
        roles text[] NOT NULL DEFAULT '{}',
        calendar_token text NOT NULL UNIQUE,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (roles <@ ARRAY['admin', 'secretariat']::text[])
      )`);
    await q.query(`
      CREATE TABLE network_memberships (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        network_id uuid NOT NULL REFERENCES networks(id),
        role text NOT NULL CHECK (role IN ('officer', 'observer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, network_id)
      )`);
    await q.query(`CREATE INDEX network_memberships_network ON network_memberships (network_id, role)`);
    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        generation integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        ip text,
        user_agent text
      )`);
    await q.query(`CREATE INDEX auth_sessions_user ON auth_sessions (user_id)`);
    await q.query(`
      CREATE TABLE presidency_terms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        country char(2) NOT NULL REFERENCES countries(code),
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_on >= starts_on),
        EXCLUDE USING gist (daterange(starts_on, ends_on, '[]') WITH &&)
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        action text NOT NULL,
        target_type text,
        target_id text,
        ip text,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_action_target ON audit_log (action, target_id, at)`);
    await q.query(`CREATE INDEX audit_log_action_ip ON audit_log (action, ip, at)`);
    await q.query(`CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TABLE channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        network_id uuid NOT NULL REFERENCES networks(id),
        name text NOT NULL,
        visibility text NOT NULL CHECK (visibility IN ('network', 'officers', 'private')),
        is_default boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES users(id),
        last_seq bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (network_id, name)
      )`);
    await q.query(`
      CREATE TABLE channel_members (
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (channel_id, user_id)
      )`);
    await q.query(`CREATE INDEX channel_members_user ON channel_members (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'channel_members',
      'channels',
      'audit_log',
      'presidency_terms',
      'auth_sessions',
      'network_memberships',
      'users',
      'networks',
      'organizations',
      'countries',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS audit_log_append_only()`);
  }
}
