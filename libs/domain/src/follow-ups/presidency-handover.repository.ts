import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HandoverNetworkSummary } from './follow-up.ports.js';
import type { Recipient } from './follow-up.types.js';

export interface HandoverRow {
  startsOn: string;
  fromCountry: string | null;
  toCountry: string;
  handoverDate: string;
  kind: 'handover' | 'initial' | 'renewal';
  summary: HandoverNetworkSummary[];
  postedAt: Date | null;
  emailsQueuedAt: Date | null;
}

export interface HandoverRecipient extends Recipient {
  /** Slugs of the networks the recipient is an officer of. */
  networks: string[];
}

const COLUMNS = `to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", from_country AS "fromCountry", to_country AS "toCountry",
  to_char(handover_date, 'YYYY-MM-DD') AS "handoverDate", kind, summary, posted_at AS "postedAt",
  emails_queued_at AS "emailsQueuedAt"`;

/** The record of each PPT term that began (written once) and the handover emails sent for it. */
@Injectable()
export class PresidencyHandoverRepository {
  constructor(private readonly dataSource: DataSource) {}

  async previousTerm(startsOn: string): Promise<{ country: string } | null> {
    const rows = await this.dataSource.query(
      `SELECT country FROM presidency_terms WHERE ends_on < $1::date ORDER BY ends_on DESC LIMIT 1`,
      [startsOn],
    );
    return rows[0] ?? null;
  }

  async byStart(startsOn: string): Promise<HandoverRow | null> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM presidency_handovers WHERE starts_on = $1::date`,
      [startsOn],
    );
    return rows[0] ?? null;
  }

  /** Inserts the record once; a second worker's insert does nothing. */
  async insert(row: Omit<HandoverRow, 'postedAt' | 'emailsQueuedAt'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO presidency_handovers (starts_on, from_country, to_country, handover_date, kind, summary)
       VALUES ($1::date, $2, $3, $4::date, $5, $6::jsonb) ON CONFLICT (starts_on) DO NOTHING`,
      [row.startsOn, row.fromCountry, row.toCountry, row.handoverDate, row.kind, JSON.stringify(row.summary)],
    );
  }

  async markPosted(startsOn: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE presidency_handovers SET posted_at = now() WHERE starts_on = $1::date`,
      [startsOn],
    );
  }

  async markEmailsQueued(startsOn: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE presidency_handovers SET emails_queued_at = now() WHERE starts_on = $1::date`,
      [startsOn],
    );
  }

  /** One delivery row per officer (any network) of the outgoing and the incoming PPT country. */
  async addDeliveries(startsOn: string, countries: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO presidency_handover_deliveries (starts_on, user_id)
       SELECT $1::date, u.id FROM users u
        WHERE u.country = ANY($2::text[]) AND u.disabled_at IS NULL
          AND EXISTS (SELECT 1 FROM network_memberships m WHERE m.user_id = u.id AND m.role = 'officer')
       ON CONFLICT DO NOTHING`,
      [startsOn, countries],
    );
  }

  async unsentDeliveries(startsOn: string): Promise<HandoverRecipient[]> {
    return this.dataSource.query(
      `SELECT u.id AS "userId", u.email, u.display_name AS "displayName", u.country, u.locale, u.timezone,
              COALESCE((SELECT array_agg(n.slug ORDER BY n.slug) FROM network_memberships m JOIN networks n ON n.id = m.network_id
                         WHERE m.user_id = u.id AND m.role = 'officer'), '{}') AS networks
         FROM presidency_handover_deliveries d JOIN users u ON u.id = d.user_id
        WHERE d.starts_on = $1::date AND d.email_state IN ('pending', 'sending') AND u.disabled_at IS NULL
        ORDER BY u.country, u.id`,
      [startsOn],
    );
  }

  async claimEmail(startsOn: string, userId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE presidency_handover_deliveries SET email_state = 'sending', email_attempts = email_attempts + 1
          WHERE starts_on = $1::date AND user_id = $2 AND email_state IN ('pending', 'sending') RETURNING 1)
       SELECT * FROM claimed`,
      [startsOn, userId],
    );
    return rows.length > 0;
  }

  async markEmailSent(startsOn: string, userId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE presidency_handover_deliveries SET email_state = 'sent', email_sent_at = now() WHERE starts_on = $1::date AND user_id = $2`,
      [startsOn, userId],
    );
  }
}
