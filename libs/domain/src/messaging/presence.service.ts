import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../accounts/principal.js';
import { invalid } from '../common/domain-error.js';
import { isUuid } from './message-rules.js';

/** How many users one socket may watch at once (a screen shows far fewer authors). */
export const PRESENCE_WATCH_MAX = 200;

/**
 * Whose presence a user may see: a user who shares a network with them (as an officer or an observer), as when
 * presence went to every member of the user's networks. Staff without a membership see no one's; a user always sees
 * their own.
 */
@Injectable()
export class PresencePolicy {
  mayWatch(watcher: Principal, target: { userId: string; networkIds: string[] }): boolean {
    if (target.userId === watcher.id) return true;
    const mine = new Set(watcher.memberships.map((m) => m.networkId));
    return target.networkIds.some((n) => mine.has(n));
  }
}

/**
 * Presence is watched, not broadcast: a socket names the users it shows (`presence.watch`), hears `presence` for those
 * only, and learns at once which of them are online. Broadcasting every change to every member of a network cost each
 * connection a packet per other user (n² in all: 2,000 sockets took 147 s to connect, bench:sockets).
 */
@Injectable()
export class PresenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: PresencePolicy,
  ) {}

  /** Of these user ids, the ones this user may watch (ids of no one, or of users they may not watch, are left out). */
  async watchable(p: Principal, userIds: unknown): Promise<string[]> {
    if (!Array.isArray(userIds) || userIds.length > PRESENCE_WATCH_MAX || !userIds.every(isUuid))
      throw invalid('userIds', {
        en: `must be a list of at most ${PRESENCE_WATCH_MAX} user ids`,
        es: `debe ser una lista de ${PRESENCE_WATCH_MAX} identificadores de usuario como máximo`,
      });
    const ids = [...new Set(userIds as string[])];
    if (!ids.length) return [];
    const rows: Array<{ id: string; networkIds: string[] }> = await this.dataSource.query(
      `SELECT u.id, COALESCE(array_agg(m.network_id) FILTER (WHERE m.network_id IS NOT NULL), '{}') AS "networkIds"
         FROM users u LEFT JOIN network_memberships m ON m.user_id = u.id
        WHERE u.id = ANY($1::uuid[]) AND u.disabled_at IS NULL
        GROUP BY u.id`,
      [ids],
    );
    return rows
      .filter((r) => this.policy.mayWatch(p, { userId: r.id, networkIds: r.networkIds }))
      .map((r) => r.id);
  }
}
