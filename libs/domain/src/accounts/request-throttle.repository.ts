import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * A fixed-window request counter per (scope, key), kept in PostgreSQL so that every API process sees one count. One
 * atomic statement counts the request and answers whether it is within `max` for the window; the answer carries the
 * seconds until the window ends (for `Retry-After`).
 */
@Injectable()
export class RequestThrottleRepository {
  constructor(private readonly dataSource: DataSource) {}

  async hit(
    scope: string,
    key: string,
    now: Date,
    windowSeconds: number,
    max: number,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const rows: Array<{ count: number; windowStartedAt: Date }> = await this.dataSource.query(
      `INSERT INTO request_throttle AS t (scope, key, window_started_at, count) VALUES ($1, $2, $3, 1)
       ON CONFLICT (scope, key) DO UPDATE SET
         count = CASE WHEN t.window_started_at <= $3::timestamptz - make_interval(secs => $4) THEN 1 ELSE t.count + 1 END,
         window_started_at = CASE WHEN t.window_started_at <= $3::timestamptz - make_interval(secs => $4)
                                  THEN $3 ELSE t.window_started_at END
       RETURNING count, window_started_at AS "windowStartedAt"`,
      [scope, key, now, windowSeconds],
    );
    const { count, windowStartedAt } = rows[0];
    const ends = new Date(windowStartedAt).getTime() + windowSeconds * 1000;
    return {
      allowed: count <= max,
      retryAfterSeconds: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)),
    };
  }

  /** Drops windows that ended a day ago or more. */
  async prune(now: Date): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM request_throttle WHERE window_started_at < $1::timestamptz - interval '1 day'`,
      [now],
    );
  }
}
