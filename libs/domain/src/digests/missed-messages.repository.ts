import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseHandling, ChannelVisibility } from '../messaging/channel-access.policy.js';

export interface MissedMessagePlace {
  channelId: string;
  networkId: string;
  networkSlug: string;
  networkName: { en: string; es: string };
  name: string;
  visibility: ChannelVisibility;
  kind: 'channel' | 'case';
  caseId: string | null;
  caseReference: string | null;
  caseHandling: CaseHandling | null;
  caseCountries: string[] | null;
}

export interface Reader {
  id: string;
  email: string;
  displayName: string;
  locale: 'en' | 'es';
  country: string | null;
  role: 'officer' | 'observer';
  isMember: boolean;
  cursor: number;
}

/** Queries of the missed-message email: the message's facts, its possible readers and their cursors. */
@Injectable()
export class MissedMessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async message(id: string): Promise<{
    id: string;
    channelId: string;
    seq: number;
    authorId: string | null;
    priority: 'normal' | 'urgent';
    body: string;
    deleted: boolean;
  } | null> {
    const rows = await this.dataSource.query(
      `SELECT id, channel_id AS "channelId", seq, author_id AS "authorId", priority, body,
              (deleted_at IS NOT NULL) AS deleted
         FROM messages WHERE id = $1`,
      [id],
    );
    return rows[0] ? { ...rows[0], seq: Number(rows[0].seq) } : null;
  }

  async place(channelId: string): Promise<MissedMessagePlace | null> {
    const rows = await this.dataSource.query(
      `SELECT c.id AS "channelId", c.network_id AS "networkId", n.slug AS "networkSlug",
              json_build_object('en', n.name_en, 'es', n.name_es) AS "networkName", c.name, c.visibility, c.kind,
              c.case_id AS "caseId", k.reference AS "caseReference", k.handling AS "caseHandling",
              k.countries AS "caseCountries"
         FROM channels c JOIN networks n ON n.id = c.network_id LEFT JOIN cases k ON k.id = c.case_id
        WHERE c.id = $1`,
      [channelId],
    );
    const r = rows[0];
    if (!r) return null;
    return { ...r, caseCountries: r.caseCountries?.map((c: string) => c.trim()) ?? null };
  }

  /**
   * Enabled officers of the network who are the channel's possible readers: everyone (`urgent`) or those named by
   * `@GT` / `@name` (`names` normalised as parseMentions does). The caller applies the channel access rule.
   */
  async officers(
    networkId: string,
    channelId: string,
    who: { everyone: boolean; countries: string[]; names: string[] },
  ): Promise<Reader[]> {
    const rows = await this.dataSource.query(
      `SELECT u.id, u.email::text AS email, u.display_name AS "displayName", u.locale, u.country, nm.role,
              EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = $2 AND cm.user_id = u.id) AS "isMember",
              COALESCE((SELECT r.seq FROM read_cursors r WHERE r.user_id = u.id AND r.channel_id = $2), 0) AS cursor
         FROM users u JOIN network_memberships nm ON nm.user_id = u.id AND nm.network_id = $1 AND nm.role = 'officer'
        WHERE u.disabled_at IS NULL
          AND ($3::boolean
               OR u.country = ANY($4::text[])
               OR lower(regexp_replace(enlace_unaccent(u.display_name), '[^[:alnum:]]', '', 'g')) = ANY($5::text[])
               OR lower(split_part(u.email::text, '@', 1)) = ANY($5::text[]))`,
      [networkId, channelId, who.everyone, who.countries, who.names],
    );
    return rows.map((r: any) => ({ ...r, country: r.country?.trim() ?? null, cursor: Number(r.cursor) }));
  }

  /** The last email to this officer about this channel: what it covered and whether it went out. */
  async latest(
    userId: string,
    channelId: string,
  ): Promise<{ upToSeq: number; count: number; state: 'sending' | 'sent' } | null> {
    const [row] = await this.dataSource.query(
      `SELECT up_to_seq AS "upToSeq", message_count AS count, state FROM missed_message_emails
        WHERE user_id = $1 AND channel_id = $2 ORDER BY up_to_seq DESC LIMIT 1`,
      [userId, channelId],
    );
    return row ? { ...row, upToSeq: Number(row.upToSeq) } : null;
  }

  /** Messages of the channel after `afterSeq` that may concern a reader (urgent, or with a mention), oldest first. */
  async candidates(
    channelId: string,
    afterSeq: number,
  ): Promise<Array<{ seq: number; authorId: string | null; priority: string; body: string }>> {
    const rows = await this.dataSource.query(
      `SELECT seq, author_id AS "authorId", priority, body FROM messages
        WHERE channel_id = $1 AND seq > $2 AND deleted_at IS NULL AND author_id IS NOT NULL
          AND (priority = 'urgent' OR position('@' in body) > 0)
        ORDER BY seq LIMIT 1000`,
      [channelId, afterSeq],
    );
    return rows.map((r: any) => ({ ...r, seq: Number(r.seq) }));
  }

  /** Claims the email for (officer, channel, last seq covered); a `sending` row of a dead worker is taken over. */
  async claim(
    userId: string,
    channelId: string,
    upToSeq: number,
    count: number,
    leaseSeconds: number,
  ): Promise<boolean> {
    const rows = await this.dataSource.query(
      `INSERT INTO missed_message_emails (user_id, channel_id, up_to_seq, message_count, state)
       VALUES ($1, $2, $3, $4, 'sending')
       ON CONFLICT (user_id, channel_id, up_to_seq) DO UPDATE
         SET attempts = missed_message_emails.attempts + 1, claimed_at = now()
         WHERE missed_message_emails.state = 'sending'
           AND missed_message_emails.claimed_at < now() - make_interval(secs => $5)
       RETURNING attempts`,
      [userId, channelId, upToSeq, count, leaseSeconds],
    );
    return rows.length > 0;
  }

  async sent(userId: string, channelId: string, upToSeq: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE missed_message_emails SET state = 'sent', sent_at = now()
        WHERE user_id = $1 AND channel_id = $2 AND up_to_seq = $3`,
      [userId, channelId, upToSeq],
    );
  }

  async release(userId: string, channelId: string, upToSeq: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE missed_message_emails SET claimed_at = '-infinity'
        WHERE user_id = $1 AND channel_id = $2 AND up_to_seq = $3 AND state = 'sending'`,
      [userId, channelId, upToSeq],
    );
  }
}
