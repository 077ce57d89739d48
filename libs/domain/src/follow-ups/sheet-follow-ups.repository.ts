import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The queries of follow-up items that name a country sheet (`sheet:{topic}`). */
@Injectable()
export class SheetFollowUpsRepository {
  /**
   * Marks `done` the assignment of `country` on every open item (not cancelled) naming the sheet `topic` where that
   * country is not done yet; returns the ids of the items changed. The items are locked first, in id order, as a
   * response locks its item: a concurrent response waits or is waited for, and never both answers count.
   */
  async completeAssignments(
    a: { country: string; topic: string; at: Date; userId: string; note: string },
    m: EntityManager,
  ): Promise<string[]> {
    const rows = await m.query(
      `WITH items AS (
         SELECT f.id FROM follow_ups f
          WHERE f.sheet_topic = $2 AND f.cancelled_at IS NULL
            AND EXISTS (SELECT 1 FROM follow_up_assignments x
                         WHERE x.follow_up_id = f.id AND x.country = $1 AND x.status <> 'done')
          ORDER BY f.id
          FOR NO KEY UPDATE OF f),
       changed AS (
         UPDATE follow_up_assignments a
            SET status = 'done', responded_at = $3, responded_by = $4, note = $5
           FROM items
          WHERE a.follow_up_id = items.id AND a.country = $1 AND a.status <> 'done'
          RETURNING a.follow_up_id AS id)
       SELECT id FROM changed ORDER BY id`,
      [a.country, a.topic, a.at, a.userId, a.note],
    );
    return rows.map((r: any) => r.id);
  }
}
