import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channels, messages, read cursors, acknowledgements, cases and search (issue 2).
 *
 * - `channels.last_seq` is the per-channel counter: a message takes `last_seq + 1` in the statement that stores it,
 *   so seq has no gap and no duplicate under concurrent writers in any number of processes.
 * - A case thread is a hidden channel (`kind = 'case'`): seq, sync, read cursors and rooms work as for any channel.
 * - Full-text search: English and Spanish stems of the unaccented text, so "trafico" finds "tráfico".
 */
export class Messaging1764370000001 implements MigrationInterface {
  name = 'Messaging1764370000001';

  async up(q: QueryRunner): Promise<void> {
    // unaccent() is STABLE (it reads a dictionary); generated columns and index expressions need an IMMUTABLE wrapper.
    await q.query(`
      CREATE FUNCTION enlace_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`);
    await q.query(`
      CREATE FUNCTION enlace_search_vector(text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT to_tsvector('english'::regconfig, enlace_unaccent($1)) || to_tsvector('spanish'::regconfig, enlace_unaccent($1)) $$`);
    await q.query(`
      CREATE FUNCTION enlace_search_query(text) RETURNS tsquery
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT websearch_to_tsquery('english'::regconfig, enlace_unaccent($1)) || websearch_to_tsquery('spanish'::regconfig, enlace_unaccent($1)) $$`);

    await q.query(
      `ALTER TABLE channels ADD COLUMN kind text NOT NULL DEFAULT 'channel' CHECK (kind IN ('channel', 'case'))`,
    );
    await q.query(`ALTER TABLE channels ADD COLUMN case_id uuid`);
    await q.query(
      `ALTER TABLE channels ADD CONSTRAINT channels_case_kind CHECK ((kind = 'case') = (case_id IS NOT NULL))`,
    );

    await q.query(`
      CREATE TABLE case_counters (
        network_id uuid NOT NULL REFERENCES networks(id),
        year integer NOT NULL,
        last_number integer NOT NULL,
        PRIMARY KEY (network_id, year)
      )`);
    await q.query(`
      CREATE TABLE cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        network_id uuid NOT NULL REFERENCES networks(id),
        reference text NOT NULL UNIQUE,
        title text NOT NULL,
        type text NOT NULL,
        handling text NOT NULL CHECK (handling IN ('network', 'involved')),
        countries char(2)[] NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'awaiting-response', 'resolved', 'closed')),
        summary text NOT NULL,
        opened_by uuid NOT NULL REFERENCES users(id),
        assignees uuid[] NOT NULL DEFAULT '{}',
        channel_id uuid NOT NULL UNIQUE REFERENCES channels(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        search_vector tsvector GENERATED ALWAYS AS (
          enlace_search_vector(reference || ' ' || title || ' ' || summary)
        ) STORED
      )`);
    await q.query(`CREATE INDEX cases_network ON cases (network_id, created_at DESC)`);
    await q.query(`CREATE INDEX cases_countries ON cases USING gin (countries)`);
    await q.query(`CREATE INDEX cases_search ON cases USING gin (search_vector)`);
    await q.query(
      `ALTER TABLE channels ADD CONSTRAINT channels_case_fk FOREIGN KEY (case_id) REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED`,
    );
    await q.query(`CREATE UNIQUE INDEX channels_case ON channels (case_id) WHERE case_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES channels(id),
        seq bigint NOT NULL,
        author_id uuid REFERENCES users(id),
        case_id uuid REFERENCES cases(id),
        body text NOT NULL,
        priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'urgent')),
        request_ack boolean NOT NULL DEFAULT false,
        client_message_id text,
        created_at timestamptz NOT NULL,
        edited_at timestamptz,
        deleted_at timestamptz,
        search_vector tsvector GENERATED ALWAYS AS (enlace_search_vector(body)) STORED,
        CONSTRAINT messages_channel_seq UNIQUE (channel_id, seq)
      )`);
    // Idempotency: (author, clientMessageId) for people; the key alone for system posts.
    await q.query(
      `CREATE UNIQUE INDEX messages_author_client_id ON messages (author_id, client_message_id) WHERE author_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX messages_system_key ON messages (client_message_id) WHERE author_id IS NULL AND client_message_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX messages_case ON messages (case_id) WHERE case_id IS NOT NULL`);
    await q.query(`CREATE INDEX messages_search ON messages USING gin (search_vector)`);

    await q.query(`
      CREATE TABLE message_edits (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES messages(id),
        kind text NOT NULL CHECK (kind IN ('edit', 'delete')),
        previous_body text NOT NULL,
        editor_id uuid REFERENCES users(id),
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX message_edits_message ON message_edits (message_id, id)`);

    await q.query(`
      CREATE TABLE message_acks (
        message_id uuid NOT NULL REFERENCES messages(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        acked_at timestamptz NOT NULL,
        PRIMARY KEY (message_id, user_id)
      )`);

    await q.query(`
      CREATE TABLE read_cursors (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, channel_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['read_cursors', 'message_acks', 'message_edits', 'messages'])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query(`DELETE FROM channels WHERE kind = 'case'`);
    await q.query(`ALTER TABLE channels DROP CONSTRAINT IF EXISTS channels_case_fk`);
    await q.query(`DROP TABLE IF EXISTS cases`);
    await q.query(`DROP TABLE IF EXISTS case_counters`);
    await q.query(`ALTER TABLE channels DROP COLUMN IF EXISTS case_id, DROP COLUMN IF EXISTS kind`);
    await q.query(`DROP FUNCTION IF EXISTS enlace_search_query(text)`);
    await q.query(`DROP FUNCTION IF EXISTS enlace_search_vector(text)`);
    await q.query(`DROP FUNCTION IF EXISTS enlace_unaccent(text)`);
  }
}
