import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email digests and missed-message emails (issue 11).
 *
 * - `digest_subscriptions`: one row per public subscriber (email, double opt-in) or per account (`user_id`, no
 *   confirmation). `pending` holds the settings a public subscriber asked for until they confirm them.
 * - `digest_deliveries`: the exactly-once ledger, one row per (subscription, period). The row is claimed before the
 *   email is sent; a retried or duplicated job finds it and sends nothing twice.
 * - `missed_message_emails`: one row per (officer, channel or case thread, last seq covered).
 */
export class Digests1764370000700 implements MigrationInterface {
  name = 'Digests1764370000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE digest_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid UNIQUE REFERENCES users(id) ON DELETE CASCADE,
        email citext,
        status text NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed')),
        networks text[] NOT NULL CHECK (cardinality(networks) >= 1),
        frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly')),
        hour smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
        -- NULL for an account digest that follows the account's time zone
        timezone text,
        locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'es')),
        pending jsonb,
        confirm_token_hash text UNIQUE,
        confirm_expires_at timestamptz,
        confirmed_at timestamptz,
        unsubscribed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((user_id IS NULL) <> (email IS NULL)),
        CHECK (user_id IS NOT NULL OR timezone IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX digest_subscriptions_email ON digest_subscriptions (email) WHERE email IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX digest_subscriptions_due ON digest_subscriptions (frequency, hour) WHERE status = 'active'`,
    );

    await q.query(`
      CREATE TABLE digest_deliveries (
        subscription_id uuid NOT NULL REFERENCES digest_subscriptions(id) ON DELETE CASCADE,
        -- 'daily/2027-03-28' (the subscriber's local date) or 'weekly/2027-W13' (ISO week)
        period text NOT NULL,
        state text NOT NULL CHECK (state IN ('sending', 'sent', 'empty', 'skipped')),
        attempts integer NOT NULL DEFAULT 1,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        PRIMARY KEY (subscription_id, period)
      )`);

    await q.query(`
      CREATE TABLE missed_message_emails (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        up_to_seq bigint NOT NULL,
        message_count integer NOT NULL,
        state text NOT NULL CHECK (state IN ('sending', 'sent')),
        attempts integer NOT NULL DEFAULT 1,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        PRIMARY KEY (user_id, channel_id, up_to_seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['missed_message_emails', 'digest_deliveries', 'digest_subscriptions'])
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
  }
}
