import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Training events (bilingual, one or more networks), registrations with capacity and waitlist, the delivery ledger
 * of every notice, reminder and email of an event (one row per event, key and user: the exactly-once claim), and
 * each country's training needs and offers per network (communiqué 11.1).
 */
export class Training1764370000600 implements MigrationInterface {
  name = 'Training1764370000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE training_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('exercise', 'course', 'seminar', 'working-session')),
        title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
        title_es text NOT NULL CHECK (length(title_es) BETWEEN 1 AND 200),
        description_en text NOT NULL DEFAULT '',
        description_es text NOT NULL DEFAULT '',
        sponsors text[] NOT NULL DEFAULT '{}',
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        timezone text NOT NULL,
        location jsonb NOT NULL,
        registration_deadline timestamptz,
        capacity integer CHECK (capacity IS NULL OR capacity > 0),
        audience text NOT NULL CHECK (audience IN ('officers', 'members')),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled')),
        -- iCalendar SEQUENCE: raised by every change made once the event is published (and by its cancellation).
        sequence integer NOT NULL DEFAULT 0,
        -- Bumped when startsAt moves after publication: reminder jobs carry it; a job of an older version does nothing.
        reminder_version integer NOT NULL DEFAULT 1,
        -- When the current reminders were planned: reminders whose time had passed then are never sent.
        scheduled_at timestamptz,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        cancelled_at timestamptz,
        CHECK (ends_at > starts_at)
      )`);
    await q.query(
      `CREATE INDEX training_events_starts ON training_events (starts_at) WHERE status <> 'draft'`,
    );
    await q.query(`
      CREATE TABLE training_event_networks (
        event_id uuid NOT NULL REFERENCES training_events(id) ON DELETE CASCADE,
        network_id uuid NOT NULL REFERENCES networks(id),
        PRIMARY KEY (event_id, network_id)
      )`);
    await q.query(`CREATE INDEX training_event_networks_network ON training_event_networks (network_id)`);

    // seq orders the waitlist (first come, first promoted); a withdrawal deletes the row (audited).
    await q.query(`
      CREATE TABLE training_registrations (
        event_id uuid NOT NULL REFERENCES training_events(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        status text NOT NULL CHECK (status IN ('registered', 'waitlisted')),
        registered_at timestamptz NOT NULL DEFAULT now(),
        promoted_at timestamptz,
        PRIMARY KEY (event_id, user_id)
      )`);
    await q.query(
      `CREATE INDEX training_registrations_queue ON training_registrations (event_id, status, seq)`,
    );

    // One row per (event, key, user). key: 'notice' (publication), 'v<version>/<offset>' (reminders),
    // 'update/<sequence>', 'cancel', 'registration/<seq>', 'promotion/<seq>'. The INSERT is the claim of the socket
    // event; email_state records the email: pending → sending → sent (a 'sending' row found by a re-run is sent
    // again with the same Message-ID).
    await q.query(`
      CREATE TABLE training_deliveries (
        event_id uuid NOT NULL REFERENCES training_events(id) ON DELETE CASCADE,
        key text NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('notice', 'reminder', 'update', 'cancel', 'registration', 'promotion')),
        created_at timestamptz NOT NULL DEFAULT now(),
        email_state text NOT NULL DEFAULT 'pending' CHECK (email_state IN ('pending', 'sending', 'sent', 'skipped')),
        email_attempts integer NOT NULL DEFAULT 0,
        email_sent_at timestamptz,
        PRIMARY KEY (event_id, key, user_id)
      )`);
    await q.query(
      `CREATE INDEX training_deliveries_unsent ON training_deliveries (event_id, key) WHERE email_state IN ('pending', 'sending')`,
    );

    await q.query(`
      CREATE TABLE training_needs (
        network_id uuid NOT NULL REFERENCES networks(id),
        country char(2) NOT NULL REFERENCES countries(code),
        needs jsonb NOT NULL DEFAULT '[]',
        offers jsonb NOT NULL DEFAULT '[]',
        updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (network_id, country)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'training_needs',
      'training_deliveries',
      'training_registrations',
      'training_event_networks',
      'training_events',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
  }
}
