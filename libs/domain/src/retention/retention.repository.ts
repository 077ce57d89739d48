import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** How many rows one purge transaction deletes: short transactions, no long locks. */
export const MESSAGE_BATCH = 1000;
export const AUDIT_BATCH = 5000;
const PURGE_LOCK = 7_351_420_014;

/**
 * The purge's SQL. Messages go as a prefix of each channel (oldest seq first, stopping at the first message younger
 * than the cut-off), in batches, each batch in its own transaction that also raises `channels.purged_seq`.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `fn` while holding the purge's advisory lock; undefined when another purge holds it. */
  async exclusively<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [PURGE_LOCK]);
      if (!locked) return undefined;
      try {
        return await fn();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PURGE_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The latest `retention.purge` audit row (only purges that deleted something leave one). */
  async lastPurge(): Promise<{ at: Date; requestId: string | null; details: Record<string, any> } | null> {
    const rows = await this.dataSource.query(
      `SELECT at, request_id AS "requestId", details FROM audit_log
        WHERE action = 'retention.purge' ORDER BY id DESC LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  async networks(): Promise<Array<{ id: string; slug: string }>> {
    return this.dataSource.query(`SELECT id, slug FROM networks ORDER BY slug`);
  }

  /** Channels (not case threads) of a network whose oldest kept message is older than the cut-off. */
  async channelsWithMessagesBefore(networkId: string, cutoff: Date): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT c.id FROM channels c
        WHERE c.network_id = $1 AND c.kind = 'channel'
          AND (SELECT m.created_at FROM messages m WHERE m.channel_id = c.id AND m.seq > c.purged_seq
                ORDER BY m.seq LIMIT 1) < $2`,
      [networkId, cutoff],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /** Deletes up to MESSAGE_BATCH of the channel's oldest messages older than the cut-off; returns how many went. */
  async purgeChannelBatch(channelId: string, cutoff: Date): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const page: Array<{ id: string; seq: string; created_at: Date }> = await m.query(
        `SELECT id, seq, created_at FROM messages
          WHERE channel_id = $1 AND seq > (SELECT purged_seq FROM channels WHERE id = $1)
          ORDER BY seq LIMIT $2`,
        [channelId, MESSAGE_BATCH],
      );
      const stop = page.findIndex((r) => r.created_at >= cutoff);
      const doomed = stop < 0 ? page : page.slice(0, stop);
      if (!doomed.length) return 0;
      await this.deleteMessages(
        m,
        doomed.map((r) => r.id),
      );
      await m.query(`UPDATE channels SET purged_seq = GREATEST(purged_seq, $2) WHERE id = $1`, [
        channelId,
        doomed[doomed.length - 1].seq,
      ]);
      return doomed.length;
    });
  }

  /**
   * THE place where messages are deleted, with every row that depends on them. Read cursors stay (they are seqs);
   * search vectors are columns of the rows. Attachments (when they exist) are removed here too: add their rows (and
   * the release of their stored bytes) before the messages go. `retention.e2e-spec.ts` fails when a table refers to
   * `messages` and is not handled here or by ON DELETE CASCADE.
   */
  async deleteMessages(m: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return;
    if (await this.hasAttachments(m)) {
      // Attachments (issue 12): detached and marked deleted, with their names scrubbed, so the attachments
      // feature's sweeper releases the stored bytes (their rows would otherwise cascade away with the message and
      // leave the bytes behind); the purge deletes the rows once the bytes are gone.
      await m.query(
        `UPDATE attachments SET message_id = NULL, name = 'purged', deleted_at = COALESCE(deleted_at, now())
          WHERE message_id = ANY($1::uuid[])`,
        [ids],
      );
    }
    await m.query(`DELETE FROM message_acks WHERE message_id = ANY($1::uuid[])`, [ids]);
    await m.query(`DELETE FROM message_edits WHERE message_id = ANY($1::uuid[])`, [ids]);
    await m.query(`DELETE FROM messages WHERE id = ANY($1::uuid[])`, [ids]);
  }

  private attachmentsTable?: boolean;
  /** Whether the attachments feature's table exists (it lands separately; until then there is nothing to do). */
  private async hasAttachments(m: EntityManager): Promise<boolean> {
    this.attachmentsTable ??= Boolean(
      (await m.query(`SELECT to_regclass('public.attachments') IS NOT NULL AS present`))[0].present,
    );
    return this.attachmentsTable;
  }

  /** Closed cases of a network closed before the cut-off, oldest first. */
  async closedCasesBefore(networkId: string, cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT id FROM cases WHERE network_id = $1 AND status = 'closed' AND closed_at < $2
        ORDER BY closed_at, id LIMIT $3`,
      [networkId, cutoff, limit],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /**
   * Deletes one case record: its thread (messages, cursors, members) and the case, in one transaction holding the
   * case's row lock, after checking again that it is still closed since before the cut-off (a case reopened
   * meanwhile stays whole). Links to it from channel messages and follow-up items are cleared. The case counter is
   * kept, so a reference is never given out twice. Returns the case's reference, or null when it was left.
   */
  async purgeCase(
    caseId: string,
    cutoff: Date,
  ): Promise<{ reference: string; messages: number; pending?: boolean } | null> {
    return this.dataSource.transaction(async (m) => {
      const [kase] = await m.query(
        `SELECT reference, channel_id AS "channelId" FROM cases
          WHERE id = $1 AND status = 'closed' AND closed_at < $2 FOR UPDATE`,
        [caseId, cutoff],
      );
      if (!kase) return null;
      const ids: string[] = (
        await m.query(`SELECT id FROM messages WHERE channel_id = $1`, [kase.channelId])
      ).map((r: { id: string }) => r.id);
      for (let i = 0; i < ids.length; i += MESSAGE_BATCH) {
        await this.deleteMessages(m, ids.slice(i, i + MESSAGE_BATCH));
      }
      if (await this.hasAttachments(m)) {
        // files of the thread whose bytes are not released yet keep the thread channel (their rows cascade with
        // it): the case record goes at a later run, once the sweeper has released them
        const [{ holding }] = await m.query(
          `SELECT count(*)::int AS holding FROM attachments WHERE channel_id = $1 AND storage_key IS NOT NULL`,
          [kase.channelId],
        );
        if (holding > 0) {
          await m.query(
            `UPDATE attachments SET name = 'purged', deleted_at = COALESCE(deleted_at, now()) WHERE channel_id = $1`,
            [kase.channelId],
          );
          return { reference: kase.reference as string, messages: ids.length, pending: true };
        }
      }
      await m.query(`UPDATE messages SET case_id = NULL WHERE case_id = $1`, [caseId]);
      await m.query(`UPDATE follow_ups SET case_id = NULL WHERE case_id = $1`, [caseId]);
      await m.query(`DELETE FROM cases WHERE id = $1`, [caseId]);
      await m.query(`DELETE FROM channels WHERE id = $1`, [kase.channelId]);
      return { reference: kase.reference as string, messages: ids.length };
    });
  }

  /** Attachment rows of purged messages whose bytes the sweeper has released: nothing of them is kept. */
  async deleteReleasedAttachments(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      if (!(await this.hasAttachments(m))) return 0;
      const [{ n }] = await m.query(
        `WITH gone AS (DELETE FROM attachments WHERE message_id IS NULL AND name = 'purged'
                         AND deleted_at IS NOT NULL AND storage_key IS NULL RETURNING id)
         SELECT count(*)::int AS n FROM gone`,
      );
      return n as number;
    });
  }

  /**
   * Deletes up to AUDIT_BATCH of the oldest audit rows older than the cut-off (by id, stopping at the first younger
   * row). The append-only trigger lets these through only because the transaction names the cut-off.
   */
  async purgeAuditBatch(cutoff: Date): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT set_config('enlace.audit_purge_before', $1, true)`, [cutoff.toISOString()]);
      const [{ n }] = await m.query(
        `WITH page AS (SELECT id, at FROM audit_log ORDER BY id LIMIT $2),
              stop AS (SELECT min(id) AS id FROM page WHERE at >= $1),
              gone AS (DELETE FROM audit_log a USING page, stop
                        WHERE a.id = page.id AND (stop.id IS NULL OR page.id < stop.id)
                       RETURNING a.id)
         SELECT count(*)::int AS n FROM gone`,
        [cutoff, AUDIT_BATCH],
      );
      return n as number;
    });
  }
}
