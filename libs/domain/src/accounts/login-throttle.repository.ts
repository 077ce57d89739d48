import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Failed logins for one email from one client address within this window before that address is slowed. */
export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const LOGIN_MAX_FAILURES = 5;
/** The delay after the 5th failure; each further failure doubles it, up to the maximum. */
export const LOGIN_BASE_DELAY_SECONDS = 60;
export const LOGIN_MAX_DELAY_SECONDS = 3600;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * The failed-login limit per (email, client address), kept in PostgreSQL so that every API process sees one count.
 *
 * An attempt is counted *before* its password is checked, in one atomic statement (INSERT … ON CONFLICT DO UPDATE
 * locks the row): concurrent attempts are serialised on the row, so 20 parallel guesses get at most 5 password checks.
 * A correct password then clears the pair. While a pair is locked its attempts are refused without a password check
 * and are not counted; once the lock ends, each further failure locks it again for twice as long. Other addresses
 * are never slowed by it: an attacker slows only themselves.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly dataSource: DataSource) {}

  async attempt(email: string, address: string | null | undefined, now: Date): Promise<ThrottleDecision> {
    const reset = `(t.window_started_at <= $3::timestamptz - make_interval(secs => $4)
                    AND (t.locked_until IS NULL OR t.locked_until <= $3::timestamptz - make_interval(secs => $4)))`;
    const locked = `(t.locked_until IS NOT NULL AND t.locked_until > $3::timestamptz)`;
    const rows: Array<{ blocked: boolean; lockedUntil: Date | null }> = await this.dataSource.query(
      `INSERT INTO login_throttle AS t (email, address, failures, window_started_at, locked_until, blocked)
       VALUES ($1, $2, 1, $3, CASE WHEN 1 >= $5 THEN $3::timestamptz + make_interval(secs => $6) END, false)
       ON CONFLICT (email, address) DO UPDATE SET
         blocked = ${locked},
         failures = CASE WHEN ${locked} THEN t.failures WHEN ${reset} THEN 1 ELSE t.failures + 1 END,
         window_started_at = CASE WHEN ${locked} THEN t.window_started_at WHEN ${reset} THEN $3 ELSE t.window_started_at END,
         locked_until = CASE
           WHEN ${locked} THEN t.locked_until
           WHEN ${reset} THEN NULL
           WHEN t.failures + 1 >= $5
             THEN $3::timestamptz + make_interval(secs => least($7, $6 * power(2, t.failures + 1 - $5)))
           ELSE t.locked_until END
       RETURNING blocked, locked_until AS "lockedUntil"`,
      [
        email,
        address ?? '',
        now,
        LOGIN_WINDOW_SECONDS,
        LOGIN_MAX_FAILURES,
        LOGIN_BASE_DELAY_SECONDS,
        LOGIN_MAX_DELAY_SECONDS,
      ],
    );
    const row = rows[0];
    if (!row.blocked) return { allowed: true };
    const ms = new Date(row.lockedUntil!).getTime() - now.getTime();
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
  }

  /** A correct password: the pair starts over. Rows idle for a day are dropped on the way. */
  async succeeded(email: string, address: string | null | undefined, now: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_throttle WHERE email = $1 AND address = $2`, [
      email,
      address ?? '',
    ]);
    await this.dataSource.query(
      `DELETE FROM login_throttle
        WHERE window_started_at < $1::timestamptz - interval '1 day'
          AND (locked_until IS NULL OR locked_until < $1::timestamptz - interval '1 day')`,
      [now],
    );
  }
}
