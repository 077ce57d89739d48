import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../accounts/principal.js';
import type { TrainingReference } from './training.rules.js';
import type {
  RegistrationStatus,
  TrainingEventFields,
  TrainingEventRow,
  TrainingStatus,
} from './training.types.js';

const EVENT_SELECT = `
  SELECT e.id, e.kind, json_build_object('en', e.title_en, 'es', e.title_es) AS title,
         json_build_object('en', e.description_en, 'es', e.description_es) AS description,
         e.sponsors, e.starts_at AS "startsAt", e.ends_at AS "endsAt", e.timezone, e.location,
         e.registration_deadline AS "registrationDeadline", e.capacity, e.audience, e.status, e.sequence,
         e.reminder_version AS "reminderVersion", e.scheduled_at AS "scheduledAt", e.created_by AS "createdBy",
         e.created_at AS "createdAt", e.updated_at AS "updatedAt", e.published_at AS "publishedAt",
         e.cancelled_at AS "cancelledAt",
         ARRAY(SELECT n.slug FROM training_event_networks en JOIN networks n ON n.id = en.network_id
                WHERE en.event_id = e.id ORDER BY n.slug) AS networks,
         ARRAY(SELECT en.network_id FROM training_event_networks en JOIN networks n ON n.id = en.network_id
                WHERE en.event_id = e.id ORDER BY n.slug) AS "networkIds"
    FROM training_events e`;

export interface RegistrationRow {
  userId: string;
  displayName: string;
  country: string | null;
  status: RegistrationStatus;
  registeredAt: Date;
  seq: string;
}

/** Every query of training events and registrations. */
@Injectable()
export class TrainingRepository {
  private reference?: Promise<TrainingReference>;
  private nameMap?: Promise<Map<string, { en: string; es: string }>>;

  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  /** Network slugs, country and organisation codes (reference data: read once per process). */
  referenceData(): Promise<TrainingReference> {
    this.reference ??= (async () => {
      const networks = await this.dataSource.query(`SELECT slug FROM networks`);
      const countries = await this.dataSource.query(`SELECT code FROM countries`);
      const orgs = await this.dataSource.query(`SELECT code FROM organizations`);
      const codes = countries.map((c: any) => String(c.code).trim());
      return {
        networks: new Set<string>(networks.map((n: any) => n.slug)),
        countries: new Set<string>(codes),
        sponsors: new Set<string>([...codes, ...orgs.map((o: any) => o.code)]),
      };
    })();
    this.reference.catch(() => (this.reference = undefined));
    return this.reference;
  }

  /** Names in English and Spanish of countries, organisations and networks (`network:<slug>`), read once. */
  names(): Promise<Map<string, { en: string; es: string }>> {
    this.nameMap ??= this.dataSource
      .query(
        `SELECT trim(code) AS code, name_en AS en, name_es AS es FROM countries
         UNION ALL SELECT code, name_en, name_es FROM organizations
         UNION ALL SELECT 'network:' || slug, name_en, name_es FROM networks`,
      )
      .then((rows: any[]) => new Map(rows.map((r) => [r.code, { en: r.en, es: r.es }])));
    this.nameMap.catch(() => (this.nameMap = undefined));
    return this.nameMap;
  }

  async networkId(slug: string): Promise<string | null> {
    const rows = await this.dataSource.query(`SELECT id FROM networks WHERE slug = $1`, [slug]);
    return rows[0]?.id ?? null;
  }

  /** The event; `lock` takes its row lock first (`update` for changes and registrations, `share` for deliveries). */
  async byId(
    id: string,
    manager?: EntityManager,
    lock?: 'update' | 'share',
  ): Promise<TrainingEventRow | null> {
    const m = this.m(manager);
    if (lock) {
      const locked = await m.query(
        `SELECT id FROM training_events WHERE id = $1 FOR ${lock === 'update' ? 'NO KEY UPDATE' : 'SHARE'}`,
        [id],
      );
      if (!locked.length) return null;
    }
    const rows = await m.query(`${EVENT_SELECT} WHERE e.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async insert(fields: TrainingEventFields, createdBy: string, manager: EntityManager): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO training_events (kind, title_en, title_es, description_en, description_es, sponsors, starts_at,
                                    ends_at, timezone, location, registration_deadline, capacity, audience, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [...this.columns(fields), createdBy],
    );
    await this.setNetworks(row.id, fields.networks, manager);
    return row.id;
  }

  /** Writes every field; `bumpSequence` raises SEQUENCE, `replan` bumps the reminder version (startsAt moved). */
  async update(
    id: string,
    fields: TrainingEventFields,
    opts: { bumpSequence: boolean; replanAt?: Date },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE training_events
          SET kind = $2, title_en = $3, title_es = $4, description_en = $5, description_es = $6, sponsors = $7,
              starts_at = $8, ends_at = $9, timezone = $10, location = $11, registration_deadline = $12,
              capacity = $13, audience = $14, updated_at = now(),
              sequence = sequence + CASE WHEN $15 THEN 1 ELSE 0 END,
              reminder_version = reminder_version + CASE WHEN $16::timestamptz IS NULL THEN 0 ELSE 1 END,
              scheduled_at = COALESCE($16::timestamptz, scheduled_at)
        WHERE id = $1`,
      [id, ...this.columns(fields), opts.bumpSequence, opts.replanAt ?? null],
    );
    await manager.query(`DELETE FROM training_event_networks WHERE event_id = $1`, [id]);
    await this.setNetworks(id, fields.networks, manager);
  }

  async setStatus(id: string, status: TrainingStatus, at: Date, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE training_events
          SET status = $2, updated_at = now(),
              published_at = CASE WHEN $2 = 'published' THEN $3 ELSE published_at END,
              scheduled_at = CASE WHEN $2 = 'published' THEN $3 ELSE scheduled_at END,
              cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END,
              sequence = sequence + CASE WHEN $2 = 'cancelled' THEN 1 ELSE 0 END
        WHERE id = $1`,
      [id, status, at],
    );
  }

  private columns(f: TrainingEventFields): unknown[] {
    return [
      f.kind,
      f.title.en,
      f.title.es,
      f.description.en,
      f.description.es,
      f.sponsors,
      f.startsAt,
      f.endsAt,
      f.timezone,
      JSON.stringify(f.location),
      f.registrationDeadline,
      f.capacity,
      f.audience,
    ];
  }

  private async setNetworks(id: string, slugs: string[], manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO training_event_networks (event_id, network_id)
       SELECT $1, n.id FROM networks n WHERE n.slug = ANY($2::text[])`,
      [id, slugs],
    );
  }

  /**
   * Events of these networks ascending by startsAt: published and cancelled ones, and drafts of the networks in
   * `draftNetworks` (those the caller may edit).
   */
  async list(filter: {
    networks: string[];
    draftNetworks: string[];
    from?: Date;
    to?: Date;
    includeCancelled?: boolean;
  }): Promise<TrainingEventRow[]> {
    return this.dataSource.query(
      `${EVENT_SELECT}
        WHERE EXISTS (SELECT 1 FROM training_event_networks en JOIN networks n ON n.id = en.network_id
                       WHERE en.event_id = e.id
                         AND ((n.slug = ANY($1::text[]) AND e.status <> 'draft' AND ($5 OR e.status <> 'cancelled'))
                              OR (n.slug = ANY($2::text[]) AND e.status = 'draft')))
          AND ($3::timestamptz IS NULL OR e.ends_at >= $3)
          AND ($4::timestamptz IS NULL OR e.starts_at <= $4)
        ORDER BY e.starts_at, e.id
        LIMIT 1000`,
      [
        filter.networks,
        filter.draftNetworks,
        filter.from ?? null,
        filter.to ?? null,
        filter.includeCancelled ?? true,
      ],
    );
  }

  /** Published events whose reminders may still be due (the reconcile sweep). */
  async upcomingPublished(since: Date): Promise<TrainingEventRow[]> {
    return this.dataSource.query(`${EVENT_SELECT} WHERE e.status = 'published' AND e.starts_at >= $1`, [
      since,
    ]);
  }

  // ---- registrations ------------------------------------------------------------------------------------------

  async registration(eventId: string, userId: string, manager?: EntityManager) {
    const rows = await this.m(manager).query(
      `SELECT status, seq::text AS seq FROM training_registrations WHERE event_id = $1 AND user_id = $2`,
      [eventId, userId],
    );
    return (rows[0] as { status: RegistrationStatus; seq: string } | undefined) ?? null;
  }

  async counts(
    eventId: string,
    manager?: EntityManager,
  ): Promise<{ registered: number; waitlisted: number }> {
    const [row] = await this.m(manager).query(
      `SELECT count(*) FILTER (WHERE status = 'registered')::int AS registered,
              count(*) FILTER (WHERE status = 'waitlisted')::int AS waitlisted
         FROM training_registrations WHERE event_id = $1`,
      [eventId],
    );
    return row;
  }

  async insertRegistration(
    eventId: string,
    userId: string,
    status: RegistrationStatus,
    at: Date,
    manager: EntityManager,
  ): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO training_registrations (event_id, user_id, status, registered_at) VALUES ($1, $2, $3, $4)
       RETURNING seq::text AS seq`,
      [eventId, userId, status, at],
    );
    return row.seq;
  }

  async deleteRegistration(eventId: string, userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM training_registrations WHERE event_id = $1 AND user_id = $2`, [
      eventId,
      userId,
    ]);
  }

  /** Moves the first waitlisted person (by arrival) to registered; null when nobody waits. */
  async promoteFirstWaitlisted(
    eventId: string,
    at: Date,
    manager: EntityManager,
  ): Promise<{ userId: string; seq: string } | null> {
    const rows = await manager.query(
      `WITH first AS (
         SELECT user_id FROM training_registrations WHERE event_id = $1 AND status = 'waitlisted'
          ORDER BY seq LIMIT 1)
       , promoted AS (
         UPDATE training_registrations r SET status = 'registered', promoted_at = $2
           FROM first WHERE r.event_id = $1 AND r.user_id = first.user_id
         RETURNING r.user_id AS "userId", r.seq::text AS seq)
       SELECT * FROM promoted`,
      [eventId, at],
    );
    return rows[0] ?? null;
  }

  async registrations(eventId: string): Promise<RegistrationRow[]> {
    return this.dataSource.query(
      `SELECT u.id AS "userId", u.display_name AS "displayName", u.country, r.status,
              r.registered_at AS "registeredAt", r.seq::text AS seq
         FROM training_registrations r JOIN users u ON u.id = r.user_id
        WHERE r.event_id = $1
        ORDER BY CASE r.status WHEN 'registered' THEN 0 ELSE 1 END, r.seq`,
      [eventId],
    );
  }

  // ---- calendar feed ------------------------------------------------------------------------------------------

  async principalByCalendarToken(token: string): Promise<Principal | null> {
    const rows = await this.dataSource.query(
      `SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.organization, u.locale, u.timezone,
              u.roles, u.calendar_token AS "calendarToken",
              COALESCE(json_agg(json_build_object('networkId', n.id, 'network', n.slug, 'role', m.role))
                       FILTER (WHERE m.user_id IS NOT NULL), '[]') AS memberships
         FROM users u
         LEFT JOIN network_memberships m ON m.user_id = u.id
         LEFT JOIN networks n ON n.id = m.network_id
        WHERE u.calendar_token = $1 AND u.disabled_at IS NULL
        GROUP BY u.id`,
      [token],
    );
    return rows[0] ?? null;
  }

  async setCalendarToken(userId: string, token: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET calendar_token = $2, updated_at = now() WHERE id = $1`, [
      userId,
      token,
    ]);
  }
}
