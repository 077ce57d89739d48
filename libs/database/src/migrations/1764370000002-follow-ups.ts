import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-up items (one assignment per country), reminder and escalation deliveries (one row per reminder and
 * officer: the exactly-once ledger), Work Plan activities and the PPT handover record.
 */
export class FollowUps1764370000002 implements MigrationInterface {
  name = 'FollowUps1764370000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE work_plan_activities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        network_id uuid NOT NULL REFERENCES networks(id),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        objective text,
        responsible_countries char(2)[] NOT NULL DEFAULT '{}',
        target_date date NOT NULL,
        status text NOT NULL DEFAULT 'planned'
          CHECK (status IN ('planned', 'in-progress', 'completed', 'on-hold', 'cancelled')),
        progress_note text,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX work_plan_activities_network ON work_plan_activities (network_id, target_date)`,
    );

    await q.query(`
      CREATE TABLE follow_ups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        network_id uuid NOT NULL REFERENCES networks(id),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description text,
        due_at timestamptz NOT NULL,
        -- Bumped each time dueAt moves: reminder and escalation jobs carry it, and a job of an older version does nothing.
        due_version integer NOT NULL DEFAULT 1,
        -- When the current dueAt was set: reminders whose time had already passed then are never sent.
        scheduled_at timestamptz NOT NULL DEFAULT now(),
        reminders text[] NOT NULL DEFAULT '{}',
        escalate_every text,
        -- The sequence number of the escalation job scheduled next (its job id carries it).
        escalation_seq integer NOT NULL DEFAULT 1,
        case_id uuid REFERENCES cases(id),
        work_plan_activity_id uuid REFERENCES work_plan_activities(id) ON DELETE SET NULL,
        created_by uuid REFERENCES users(id),
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX follow_ups_network_due ON follow_ups (network_id, due_at)`);
    await q.query(`CREATE INDEX follow_ups_open ON follow_ups (due_at) WHERE cancelled_at IS NULL`);
    await q.query(
      `CREATE INDEX follow_ups_activity ON follow_ups (work_plan_activity_id) WHERE work_plan_activity_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE follow_up_assignments (
        follow_up_id uuid NOT NULL REFERENCES follow_ups(id) ON DELETE CASCADE,
        country char(2) NOT NULL REFERENCES countries(code),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'acknowledged', 'done')),
        responded_at timestamptz,
        responded_by uuid REFERENCES users(id),
        note text,
        PRIMARY KEY (follow_up_id, country)
      )`);
    await q.query(`CREATE INDEX follow_up_assignments_country ON follow_up_assignments (country, status)`);

    // One row per (item, country, reminder, officer). The INSERT is the claim of the socket notification
    // (at most once); email_state records the email (pending → sending → sent; a 'sending' row found by a re-run is
    // sent again with the same Message-ID). `reminder` is 'v<dueVersion>/<offset>' or 'v<dueVersion>/escalation/<seq>'.
    await q.query(`
      CREATE TABLE follow_up_deliveries (
        follow_up_id uuid NOT NULL REFERENCES follow_ups(id) ON DELETE CASCADE,
        country char(2) NOT NULL,
        reminder text NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('upcoming', 'due', 'overdue', 'escalation')),
        details jsonb NOT NULL DEFAULT '{}',
        socket_at timestamptz NOT NULL DEFAULT now(),
        email_state text NOT NULL DEFAULT 'pending' CHECK (email_state IN ('pending', 'sending', 'sent', 'skipped')),
        email_attempts integer NOT NULL DEFAULT 0,
        email_sent_at timestamptz,
        PRIMARY KEY (follow_up_id, country, reminder, user_id)
      )`);
    await q.query(
      `CREATE INDEX follow_up_deliveries_reminder ON follow_up_deliveries (follow_up_id, reminder) WHERE email_state <> 'sent'`,
    );

    // One row per term that began: written once by whichever worker sees the new term first.
    await q.query(`
      CREATE TABLE presidency_handovers (
        starts_on date PRIMARY KEY,
        from_country char(2),
        to_country char(2) NOT NULL,
        handover_date date NOT NULL,
        kind text NOT NULL CHECK (kind IN ('handover', 'initial', 'renewal')),
        summary jsonb NOT NULL DEFAULT '[]',
        posted_at timestamptz,
        emails_queued_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE presidency_handover_deliveries (
        starts_on date NOT NULL REFERENCES presidency_handovers(starts_on) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        email_state text NOT NULL DEFAULT 'pending' CHECK (email_state IN ('pending', 'sending', 'sent', 'skipped')),
        email_attempts integer NOT NULL DEFAULT 0,
        email_sent_at timestamptz,
        PRIMARY KEY (starts_on, user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'presidency_handover_deliveries',
      'presidency_handovers',
      'follow_up_deliveries',
      'follow_up_assignments',
      'follow_ups',
      'work_plan_activities',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
  }
}
