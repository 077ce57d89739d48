import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DeliveryKind, TrainingRecipient } from './training.types.js';

const RECIPIENT = `u.id AS "userId", u.email, u.display_name AS "displayName", u.country, u.locale, u.timezone`;

export interface UnsentTrainingDelivery extends TrainingRecipient {
  key: string;
  kind: DeliveryKind;
}

/**
 * The delivery ledger of training events: one row per (event, key, user). Inserting a row claims the notice (the
 * socket event goes to the rows a run inserted only); its email goes pending → sending → sent.
 */
@Injectable()
export class TrainingDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  /** Every member (officers and observers) of the event's networks whose account is not disabled, once each. */
  async memberIds(eventId: string, manager?: EntityManager): Promise<string[]> {
    const rows = await this.m(manager).query(
      `SELECT DISTINCT u.id FROM users u
         JOIN network_memberships m ON m.user_id = u.id
         JOIN training_event_networks en ON en.network_id = m.network_id
        WHERE en.event_id = $1 AND u.disabled_at IS NULL
        ORDER BY u.id`,
      [eventId],
    );
    return rows.map((r: any) => r.id);
  }

  /** Registrants with the given statuses who are still enabled members of one of the event's networks. */
  async registrantIds(
    eventId: string,
    statuses: Array<'registered' | 'waitlisted'>,
    manager?: EntityManager,
  ): Promise<string[]> {
    const rows = await this.m(manager).query(
      `SELECT r.user_id AS id FROM training_registrations r JOIN users u ON u.id = r.user_id
        WHERE r.event_id = $1 AND r.status = ANY($2::text[]) AND u.disabled_at IS NULL
          AND EXISTS (SELECT 1 FROM network_memberships m JOIN training_event_networks en
                        ON en.network_id = m.network_id AND en.event_id = r.event_id
                       WHERE m.user_id = u.id)
        ORDER BY r.seq`,
      [eventId, statuses],
    );
    return rows.map((r: any) => r.id);
  }

  /** Inserts the rows not there yet; returns the users whose row this call inserted. */
  async claim(
    eventId: string,
    key: string,
    kind: DeliveryKind,
    userIds: string[],
    manager?: EntityManager,
  ): Promise<string[]> {
    if (!userIds.length) return [];
    const rows = await this.m(manager).query(
      `INSERT INTO training_deliveries (event_id, key, user_id, kind)
       SELECT $1, $2, u, $3 FROM unnest($4::uuid[]) AS u
       ON CONFLICT DO NOTHING
       RETURNING user_id AS "userId"`,
      [eventId, key, kind, userIds],
    );
    return rows.map((r: any) => r.userId);
  }

  async unsent(eventId: string, key: string): Promise<UnsentTrainingDelivery[]> {
    return this.dataSource.query(
      `SELECT d.key, d.kind, ${RECIPIENT}
         FROM training_deliveries d JOIN users u ON u.id = d.user_id
        WHERE d.event_id = $1 AND d.key = $2 AND d.email_state IN ('pending', 'sending') AND u.disabled_at IS NULL
        ORDER BY u.id`,
      [eventId, key],
    );
  }

  /** Marks the email as being sent; false when another run already sent it. */
  async claimEmail(eventId: string, key: string, userId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE training_deliveries SET email_state = 'sending', email_attempts = email_attempts + 1
          WHERE event_id = $1 AND key = $2 AND user_id = $3 AND email_state IN ('pending', 'sending')
          RETURNING 1)
       SELECT * FROM claimed`,
      [eventId, key, userId],
    );
    return rows.length > 0;
  }

  async markSent(eventId: string, key: string, userId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE training_deliveries SET email_state = 'sent', email_sent_at = now()
        WHERE event_id = $1 AND key = $2 AND user_id = $3`,
      [eventId, key, userId],
    );
  }

  async skipUnsent(eventId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE training_deliveries SET email_state = 'skipped'
        WHERE event_id = $1 AND key = $2 AND email_state IN ('pending', 'sending')`,
      [eventId, key],
    );
  }

  /** (event, key) pairs with emails not sent yet, created since `since`: the reconcile sweep queues them again. */
  async unsentKeys(since: Date): Promise<Array<{ eventId: string; key: string }>> {
    return this.dataSource.query(
      `SELECT DISTINCT event_id AS "eventId", key FROM training_deliveries
        WHERE email_state IN ('pending', 'sending') AND created_at >= $1`,
      [since],
    );
  }
}
