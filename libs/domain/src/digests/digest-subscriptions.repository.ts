import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DigestFrequency } from './digest-schedule.js';

export type SubscriptionStatus = 'pending' | 'active' | 'unsubscribed';

export interface DigestSettings {
  networks: string[];
  frequency: DigestFrequency;
  hour: number;
  timezone: string | null;
  locale: 'en' | 'es';
}

/** A subscription as the cycle and the pages see it: account digests take the account's address, zone and language. */
export interface SubscriptionRow {
  id: string;
  userId: string | null;
  email: string;
  status: SubscriptionStatus;
  networks: string[];
  frequency: DigestFrequency;
  hour: number;
  /** Effective zone: the subscription's, else the account's. */
  timezone: string;
  /** The subscription's own zone (null: follows the account). */
  ownTimezone: string | null;
  locale: 'en' | 'es';
  displayName: string | null;
  disabled: boolean;
}

const SELECT = `
  SELECT s.id, s.user_id AS "userId", COALESCE(s.email, u.email)::text AS email, s.status, s.networks, s.frequency,
         s.hour, COALESCE(s.timezone, u.timezone) AS timezone, s.timezone AS "ownTimezone",
         CASE WHEN s.user_id IS NULL THEN s.locale ELSE u.locale END AS locale,
         u.display_name AS "displayName", (u.disabled_at IS NOT NULL) AS disabled
    FROM digest_subscriptions s LEFT JOIN users u ON u.id = s.user_id`;

/** Active subscriptions whose account (if any) is enabled. */
const ACTIVE = `s.status = 'active' AND (s.user_id IS NULL OR u.disabled_at IS NULL)`;

export type ClaimResult = 'claimed' | 'done' | 'busy';

/** TypeORM answers an UPDATE … RETURNING with [rows, count] and an INSERT … RETURNING with rows. */
function returned<T>(result: unknown): T[] {
  const r = result as unknown[];
  return (Array.isArray(r[0]) ? r[0] : r) as T[];
}

@Injectable()
export class DigestSubscriptionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Subscription requests recorded in the audit log since a time, from one client address or for one subscription. */
  async requestsSince(by: { ip: string } | { subscriptionId: string }, since: Date): Promise<number> {
    const [row] = await this.dataSource.query(
      'ip' in by
        ? `SELECT count(*)::int AS n FROM audit_log WHERE action = 'digest.subscription.requested' AND ip = $1 AND at >= $2`
        : `SELECT count(*)::int AS n FROM audit_log WHERE action = 'digest.subscription.requested' AND target_id = $1 AND at >= $2`,
      ['ip' in by ? by.ip : by.subscriptionId, since],
    );
    return row.n;
  }

  async byId(id: string): Promise<SubscriptionRow | null> {
    const rows = await this.dataSource.query(`${SELECT} WHERE s.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async byUser(userId: string): Promise<SubscriptionRow | null> {
    const rows = await this.dataSource.query(`${SELECT} WHERE s.user_id = $1`, [userId]);
    return rows[0] ?? null;
  }

  async publicByEmail(email: string): Promise<{ id: string; status: SubscriptionStatus } | null> {
    const rows = await this.dataSource.query(`SELECT id, status FROM digest_subscriptions WHERE email = $1`, [
      email,
    ]);
    return rows[0] ?? null;
  }

  /**
   * A public request: a new row (pending) or the existing one with the requested settings kept aside in `pending`
   * until the address confirms them. Nothing the subscriber gets changes before that.
   */
  async requestPublic(
    email: string,
    settings: DigestSettings,
    tokenHash: string,
    expiresAt: Date,
  ): Promise<{ id: string }> {
    const rows = await this.dataSource.query(
      `INSERT INTO digest_subscriptions (email, status, networks, frequency, hour, timezone, locale, pending,
                                         confirm_token_hash, confirm_expires_at)
       VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (email) WHERE email IS NOT NULL DO UPDATE
         SET pending = EXCLUDED.pending, confirm_token_hash = EXCLUDED.confirm_token_hash,
             confirm_expires_at = EXCLUDED.confirm_expires_at, updated_at = now()
       RETURNING id`,
      [
        email,
        settings.networks,
        settings.frequency,
        settings.hour,
        settings.timezone,
        settings.locale,
        JSON.stringify(settings),
        tokenHash,
        expiresAt,
      ],
    );
    return rows[0];
  }

  /** Applies the settings waiting for this token and activates the subscription; single use. */
  async confirm(tokenHash: string, now: Date): Promise<{ id: string } | null> {
    const rows = await this.dataSource.query(
      `UPDATE digest_subscriptions
          SET status = 'active', networks = ARRAY(SELECT jsonb_array_elements_text(pending->'networks')),
              frequency = pending->>'frequency', hour = (pending->>'hour')::smallint,
              timezone = pending->>'timezone', locale = pending->>'locale', pending = NULL,
              confirm_token_hash = NULL, confirm_expires_at = NULL, confirmed_at = $2, unsubscribed_at = NULL,
              updated_at = now()
        WHERE confirm_token_hash = $1 AND confirm_expires_at > $2 AND pending IS NOT NULL
        RETURNING id`,
      [tokenHash, now],
    );
    return returned<{ id: string }>(rows)[0] ?? null;
  }

  async upsertAccount(userId: string, settings: DigestSettings, enabled: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO digest_subscriptions (user_id, status, networks, frequency, hour, timezone, locale, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (user_id) DO UPDATE
         SET status = EXCLUDED.status, networks = EXCLUDED.networks, frequency = EXCLUDED.frequency,
             hour = EXCLUDED.hour, timezone = EXCLUDED.timezone,
             unsubscribed_at = CASE WHEN EXCLUDED.status = 'unsubscribed' THEN now() END, updated_at = now()`,
      [
        userId,
        enabled ? 'active' : 'unsubscribed',
        settings.networks,
        settings.frequency,
        settings.hour,
        settings.timezone,
        settings.locale,
      ],
    );
  }

  /** One-click unsubscribe: idempotent; false when the subscription does not exist. */
  async unsubscribe(id: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `UPDATE digest_subscriptions
          SET status = CASE WHEN status = 'pending' THEN 'pending' ELSE 'unsubscribed' END,
              unsubscribed_at = COALESCE(unsubscribed_at, now()), updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id],
    );
    return returned(rows).length > 0;
  }

  /** "Weekly instead": keeps (or restores) the subscription with a weekly digest. */
  async weeklyInstead(id: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `UPDATE digest_subscriptions
          SET frequency = 'weekly',
              status = CASE WHEN confirmed_at IS NULL THEN status ELSE 'active' END,
              unsubscribed_at = CASE WHEN confirmed_at IS NULL THEN unsubscribed_at END, updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id],
    );
    return returned(rows).length > 0;
  }

  // ---- the cycle ---------------------------------------------------------------------------------------------------

  /** The time zones of active subscriptions of a frequency (few: the cycle computes local hours per zone). */
  async activeZones(frequency: DigestFrequency): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT DISTINCT COALESCE(s.timezone, u.timezone) AS zone
         FROM digest_subscriptions s LEFT JOIN users u ON u.id = s.user_id
        WHERE ${ACTIVE} AND s.frequency = $1`,
      [frequency],
    );
    return rows.map((r: { zone: string }) => r.zone);
  }

  /** Active subscriptions of the zone and hours with no delivery for the period yet. */
  async dueIds(frequency: DigestFrequency, zone: string, hours: number[], period: string): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT s.id FROM digest_subscriptions s LEFT JOIN users u ON u.id = s.user_id
        WHERE ${ACTIVE} AND s.frequency = $1 AND COALESCE(s.timezone, u.timezone) = $2 AND s.hour = ANY($3::int[])
          AND NOT EXISTS (SELECT 1 FROM digest_deliveries d WHERE d.subscription_id = s.id AND d.period = $4)
        ORDER BY s.id`,
      [frequency, zone, hours, period],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /**
   * Claims the delivery of (subscription, period) before anything is sent. A row left `sending` by a worker that died
   * is taken over once its lease (`leaseSeconds`, longer than a job lock) has passed; `busy` means another run holds
   * it right now; `done` that it was sent (or found empty) already.
   */
  async claim(subscriptionId: string, period: string, leaseSeconds: number): Promise<ClaimResult> {
    const rows = await this.dataSource.query(
      `INSERT INTO digest_deliveries (subscription_id, period, state) VALUES ($1, $2, 'sending')
       ON CONFLICT (subscription_id, period) DO UPDATE
         SET attempts = digest_deliveries.attempts + 1, claimed_at = now()
         WHERE digest_deliveries.state = 'sending'
           AND digest_deliveries.claimed_at < now() - make_interval(secs => $3)
       RETURNING attempts`,
      [subscriptionId, period, leaseSeconds],
    );
    if (rows.length) return 'claimed';
    const [row] = await this.dataSource.query(
      `SELECT state FROM digest_deliveries WHERE subscription_id = $1 AND period = $2`,
      [subscriptionId, period],
    );
    return row?.state === 'sending' ? 'busy' : 'done';
  }

  async finish(subscriptionId: string, period: string, state: 'sent' | 'empty' | 'skipped'): Promise<void> {
    await this.dataSource.query(
      `UPDATE digest_deliveries SET state = $3, sent_at = CASE WHEN $3 = 'sent' THEN now() END
        WHERE subscription_id = $1 AND period = $2`,
      [subscriptionId, period, state],
    );
  }

  /** Gives a claim back after a failed send, so the retry takes it at once. */
  async release(subscriptionId: string, period: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE digest_deliveries SET claimed_at = '-infinity' WHERE subscription_id = $1 AND period = $2 AND state = 'sending'`,
      [subscriptionId, period],
    );
  }
}
