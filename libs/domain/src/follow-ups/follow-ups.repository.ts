import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AssignmentRow,
  AssignmentStatus,
  FollowUpRow,
  NetworkRef,
  Recipient,
  ReminderKind,
} from './follow-up.types.js';

const ITEM_COLUMNS = `
  f.id, f.network_id AS "networkId", n.slug AS network, f.title, f.description, f.due_at AS "dueAt",
  f.due_version AS "dueVersion", f.scheduled_at AS "scheduledAt", f.reminders, f.escalate_every AS "escalateEvery",
  f.escalation_seq AS "escalationSeq", f.case_id AS "caseId", f.work_plan_activity_id AS "workPlanActivityId",
  f.sheet_topic AS "sheetTopic", f.created_by AS "createdBy", f.cancelled_at AS "cancelledAt", f.created_at AS "createdAt", f.updated_at AS "updatedAt"`;

const ASSIGNMENTS = `
  COALESCE((SELECT json_agg(json_build_object('country', a.country, 'status', a.status, 'respondedAt', a.responded_at,
                                              'respondedBy', a.responded_by, 'note', a.note) ORDER BY a.country)
              FROM follow_up_assignments a WHERE a.follow_up_id = f.id), '[]') AS assignments`;

const RECIPIENT_COLUMNS = `u.id AS "userId", u.email, u.display_name AS "displayName", u.country, u.locale, u.timezone`;

function hydrate(row: any): FollowUpRow {
  return {
    ...row,
    assignments: (row.assignments ?? []).map((a: any) => ({
      ...a,
      respondedAt: a.respondedAt ? new Date(a.respondedAt) : null,
    })),
  };
}

export interface NewFollowUp {
  networkId: string;
  title: string;
  description: string | null;
  dueAt: Date;
  scheduledAt: Date;
  reminders: string[];
  escalateEvery: string | null;
  caseId: string | null;
  workPlanActivityId: string | null;
  sheetTopic: string | null;
  createdBy: string;
}

export interface DeliveryClaim {
  country: string;
  userId: string;
}

export interface UnsentDelivery extends Recipient {
  country: string;
  reminder: string;
  kind: ReminderKind;
  details: Record<string, any>;
}

export interface LinkedCase {
  id: string;
  reference: string;
  networkId: string;
  handling: 'network' | 'involved';
  countries: string[];
}

export interface OpenItemSummaryRow {
  id: string;
  title: string;
  dueAt: Date;
  pendingCountries: string[];
}

/** Every query of follow-up items, their assignments and deliveries. */
@Injectable()
export class FollowUpsRepository {
  private names?: Promise<Map<string, { en: string; es: string }>>;

  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  async network(slug: string): Promise<NetworkRef | null> {
    const rows = await this.dataSource.query(
      `SELECT id, slug, name_en AS "nameEn", name_es AS "nameEs" FROM networks WHERE slug = $1`,
      [slug],
    );
    return rows[0] ?? null;
  }

  async networks(): Promise<NetworkRef[]> {
    return this.dataSource.query(
      `SELECT id, slug, name_en AS "nameEn", name_es AS "nameEs" FROM networks ORDER BY slug`,
    );
  }

  async memberCountries(): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT code FROM countries WHERE kind = 'member' ORDER BY code`,
    );
    return rows.map((r: any) => r.code.trim());
  }

  /** Names of every country in English and Spanish (reference data: read once per process). */
  countryNames(): Promise<Map<string, { en: string; es: string }>> {
    this.names ??= this.dataSource
      .query(`SELECT code, name_en AS en, name_es AS es FROM countries`)
      .then((rows: any[]) => new Map(rows.map((r) => [r.code.trim(), { en: r.en, es: r.es }])));
    this.names.catch(() => (this.names = undefined));
    return this.names;
  }

  async insert(item: NewFollowUp, countries: string[], manager: EntityManager): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO follow_ups (network_id, title, description, due_at, scheduled_at, reminders, escalate_every, case_id,
                               work_plan_activity_id, created_by, sheet_topic)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        item.networkId,
        item.title,
        item.description,
        item.dueAt,
        item.scheduledAt,
        item.reminders,
        item.escalateEvery,
        item.caseId,
        item.workPlanActivityId,
        item.createdBy,
        item.sheetTopic,
      ],
    );
    await manager.query(
      `INSERT INTO follow_up_assignments (follow_up_id, country) SELECT $1, c FROM unnest($2::text[]) AS c`,
      [row.id, countries],
    );
    return row.id;
  }

  /**
   * The item with its assignments. `lock` takes a row lock on the item first: `update` for changes (dueAt,
   * responses), `share` for a delivery that must not interleave with a change.
   */
  async byId(id: string, manager?: EntityManager, lock?: 'update' | 'share'): Promise<FollowUpRow | null> {
    const m = this.m(manager);
    if (lock) {
      const locked = await m.query(
        `SELECT id FROM follow_ups WHERE id = $1 FOR ${lock === 'update' ? 'NO KEY UPDATE' : 'SHARE'}`,
        [id],
      );
      if (!locked.length) return null;
    }
    const rows = await m.query(
      `SELECT ${ITEM_COLUMNS}, ${ASSIGNMENTS} FROM follow_ups f JOIN networks n ON n.id = f.network_id WHERE f.id = $1`,
      [id],
    );
    return rows[0] ? hydrate(rows[0]) : null;
  }

  /** Items of a network (cancelled ones only when asked), by due time. */
  async listByNetwork(networkId: string, includeCancelled = false): Promise<FollowUpRow[]> {
    const rows = await this.dataSource.query(
      `SELECT ${ITEM_COLUMNS}, ${ASSIGNMENTS} FROM follow_ups f JOIN networks n ON n.id = f.network_id
        WHERE f.network_id = $1 AND ($2 OR f.cancelled_at IS NULL)
        ORDER BY f.due_at, f.created_at`,
      [networkId, includeCancelled],
    );
    return rows.map(hydrate);
  }

  /** Items not cancelled with at least one country not done, due after `since`: the reconcile sweep. */
  async openSince(since: Date): Promise<FollowUpRow[]> {
    const rows = await this.dataSource.query(
      `SELECT ${ITEM_COLUMNS}, ${ASSIGNMENTS} FROM follow_ups f JOIN networks n ON n.id = f.network_id
        WHERE f.cancelled_at IS NULL
          AND (f.due_at >= $1 OR f.escalate_every IS NOT NULL)
          AND EXISTS (SELECT 1 FROM follow_up_assignments a WHERE a.follow_up_id = f.id AND a.status <> 'done')`,
      [since],
    );
    return rows.map(hydrate);
  }

  async update(
    id: string,
    fields: Partial<{
      title: string;
      description: string | null;
      dueAt: Date;
      scheduledAt: Date;
      bumpVersion: boolean;
      cancelledAt: Date;
      workPlanActivityId: string | null;
    }>,
    manager: EntityManager,
  ): Promise<void> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (fields.title !== undefined) set('title', fields.title);
    if (fields.description !== undefined) set('description', fields.description);
    if (fields.dueAt !== undefined) set('due_at', fields.dueAt);
    if (fields.scheduledAt !== undefined) set('scheduled_at', fields.scheduledAt);
    if (fields.cancelledAt !== undefined) set('cancelled_at', fields.cancelledAt);
    if (fields.workPlanActivityId !== undefined) set('work_plan_activity_id', fields.workPlanActivityId);
    if (fields.bumpVersion) sets.push('due_version = due_version + 1', 'escalation_seq = 1');
    await manager.query(`UPDATE follow_ups SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async setAssignment(
    id: string,
    country: string,
    status: AssignmentStatus,
    note: string | null | undefined,
    userId: string,
    at: Date,
    manager: EntityManager,
  ): Promise<AssignmentRow> {
    // A CTE: TypeORM answers an UPDATE with [rows, count], a SELECT with rows.
    const [row] = await manager.query(
      `WITH changed AS (
         UPDATE follow_up_assignments
            SET status = $3, note = CASE WHEN $4::boolean THEN $5 ELSE note END, responded_at = $6, responded_by = $7
          WHERE follow_up_id = $1 AND country = $2
          RETURNING country, status, responded_at AS "respondedAt", responded_by AS "respondedBy", note)
       SELECT * FROM changed`,
      [id, country, status, note !== undefined, note ?? null, at, userId],
    );
    return row;
  }

  /** Officers of these countries in the network (accounts not disabled), in a stable order. */
  async officers(networkId: string, countries: string[], manager?: EntityManager): Promise<Recipient[]> {
    if (!countries.length) return [];
    return this.m(manager).query(
      `SELECT ${RECIPIENT_COLUMNS}
         FROM users u JOIN network_memberships m ON m.user_id = u.id
        WHERE m.network_id = $1 AND m.role = 'officer' AND u.disabled_at IS NULL AND u.country = ANY($2::text[])
        ORDER BY u.country, u.id`,
      [networkId, countries],
    );
  }

  /**
   * The claim: one row per (item, country, reminder, officer). Returns the rows this call inserted; those (and only
   * those) get the socket event, so a re-run or a duplicate job emits nothing twice.
   */
  async claimDeliveries(
    followUpId: string,
    reminder: string,
    kind: ReminderKind,
    claims: DeliveryClaim[],
    details: Record<string, unknown>,
    manager: EntityManager,
  ): Promise<DeliveryClaim[]> {
    if (!claims.length) return [];
    return manager.query(
      `INSERT INTO follow_up_deliveries (follow_up_id, country, reminder, user_id, kind, details)
       SELECT $1, c, $2, u, $3, $4::jsonb FROM unnest($5::text[], $6::uuid[]) AS t(c, u)
       ON CONFLICT DO NOTHING
       RETURNING country, user_id AS "userId"`,
      [
        followUpId,
        reminder,
        kind,
        JSON.stringify(details),
        claims.map((c) => c.country),
        claims.map((c) => c.userId),
      ],
    );
  }

  /** Deliveries of one reminder whose email is not sent yet ('pending', or 'sending' left by a dead worker). */
  async unsentDeliveries(followUpId: string, reminder: string): Promise<UnsentDelivery[]> {
    return this.dataSource.query(
      `SELECT d.country, d.reminder, d.kind, d.details, u.id AS "userId", u.email, u.display_name AS "displayName",
              u.locale, u.timezone
         FROM follow_up_deliveries d JOIN users u ON u.id = d.user_id
        WHERE d.follow_up_id = $1 AND d.reminder = $2 AND d.email_state IN ('pending', 'sending')
          AND u.disabled_at IS NULL
        ORDER BY d.country, d.user_id`,
      [followUpId, reminder],
    );
  }

  /** Marks the email as being sent; false when another run already sent it. */
  async claimEmail(
    followUpId: string,
    d: { country: string; reminder: string; userId: string },
  ): Promise<boolean> {
    const rows = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE follow_up_deliveries SET email_state = 'sending', email_attempts = email_attempts + 1
          WHERE follow_up_id = $1 AND country = $2 AND reminder = $3 AND user_id = $4 AND email_state IN ('pending', 'sending')
          RETURNING 1)
       SELECT * FROM claimed`,
      [followUpId, d.country, d.reminder, d.userId],
    );
    return rows.length > 0;
  }

  async markEmail(
    followUpId: string,
    d: { country: string; reminder: string; userId: string },
    state: 'sent' | 'skipped',
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE follow_up_deliveries SET email_state = $5, email_sent_at = CASE WHEN $5 = 'sent' THEN now() END
        WHERE follow_up_id = $1 AND country = $2 AND reminder = $3 AND user_id = $4`,
      [followUpId, d.country, d.reminder, d.userId, state],
    );
  }

  async skipUnsentEmails(followUpId: string, reminder: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE follow_up_deliveries SET email_state = 'skipped'
        WHERE follow_up_id = $1 AND reminder = $2 AND email_state IN ('pending', 'sending')`,
      [followUpId, reminder],
    );
  }

  /** Moves the escalation sequence forward (never back) once escalation `seq` is delivered. */
  async advanceEscalation(
    id: string,
    version: number,
    nextSeq: number,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE follow_ups SET escalation_seq = GREATEST(escalation_seq, $3) WHERE id = $1 AND due_version = $2`,
      [id, version, nextSeq],
    );
  }

  /** Open and overdue items of a network for a handover summary: counts and the first `limit` of each. */
  async openItemsSummary(
    networkId: string,
    now: Date,
    limit: number,
  ): Promise<{
    openCount: number;
    overdueCount: number;
    open: OpenItemSummaryRow[];
    overdue: OpenItemSummaryRow[];
  }> {
    const rows: Array<OpenItemSummaryRow & { overdue: boolean }> = await this.dataSource.query(
      `SELECT f.id, f.title, f.due_at AS "dueAt", f.due_at < $2 AS overdue,
              array_agg(a.country::text ORDER BY a.country) FILTER (WHERE a.status <> 'done') AS "pendingCountries"
         FROM follow_ups f JOIN follow_up_assignments a ON a.follow_up_id = f.id
        WHERE f.network_id = $1 AND f.cancelled_at IS NULL
        GROUP BY f.id
       HAVING bool_or(a.status <> 'done')
        ORDER BY f.due_at, f.id`,
      [networkId, now],
    );
    const overdue = rows.filter((r) => r.overdue);
    const strip = ({ overdue: _o, ...r }: OpenItemSummaryRow & { overdue: boolean }) => r;
    return {
      openCount: rows.length,
      overdueCount: overdue.length,
      open: rows.slice(0, limit).map(strip),
      overdue: overdue.slice(0, limit).map(strip),
    };
  }

  /**
   * What the case-read rule needs to know about a linked case of this network (and its reference), or null when there
   * is no such case. Case content never leaves the system by email: a follow-up linked to a case carries at most the
   * reference, and only to those who may read the case.
   */
  async linkedCase(caseId: string, networkId: string): Promise<LinkedCase | null> {
    const rows = await this.dataSource.query(
      `SELECT id, reference, network_id AS "networkId", handling, countries::text[] AS countries
         FROM cases WHERE id = $1 AND network_id = $2`,
      [caseId, networkId],
    );
    return rows[0] ?? null;
  }

  /** The same for the cases linked from many items (the board). */
  async linkedCases(caseIds: string[]): Promise<Map<string, LinkedCase>> {
    if (!caseIds.length) return new Map();
    const rows: LinkedCase[] = await this.dataSource.query(
      `SELECT id, reference, network_id AS "networkId", handling, countries::text[] AS countries
         FROM cases WHERE id = ANY($1::uuid[])`,
      [caseIds],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }
}
