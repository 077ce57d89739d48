import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '#config';
import { mfaTokenEnded, tooManySecondFactorFailures } from './mfa.errors.js';
import { MfaRepository } from './mfa.repository.js';

/** An mfaToken lives 5 minutes and allows 5 codes. */
export const MFA_TOKEN_TTL_SECONDS = 5 * 60;
export const MFA_TOKEN_MAX_ATTEMPTS = 5;
/** Wrong second-factor codes of one account (over all its mfaTokens) in this window before sign-in pauses. */
export const MFA_FAILURE_WINDOW_SECONDS = 15 * 60;
export const MFA_MAX_FAILURES_PER_WINDOW = 10;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The step between a correct password and the second factor: an opaque `mfaToken` (`<id>.<secret>`, only its hash
 * stored) bound to one account, valid 5 minutes, 5 attempts counted atomically in PostgreSQL before each code is
 * checked. A correct password does not reset the account's second-factor failures: after 10 wrong codes within
 * 15 minutes (whatever the tokens) no new mfaToken is issued until the window has passed.
 */
@Injectable()
export class MfaChallengesService {
  constructor(
    private readonly repo: MfaRepository,
    private readonly clock: Clock,
  ) {}

  /** Whether password sign-in of this account needs a second step, and which ways it can be completed. */
  async methods(userId: string): Promise<Array<'totp' | 'recovery-code' | 'passkey'>> {
    const f = await this.repo.factors(userId);
    return [
      ...(f.totp ? (['totp', 'recovery-code'] as const) : []),
      ...(f.passkeys ? (['passkey'] as const) : []),
    ];
  }

  async issue(userId: string): Promise<string> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - MFA_FAILURE_WINDOW_SECONDS * 1000);
    const recent = await this.repo.recentFailures(userId, since);
    if (recent.failures >= MFA_MAX_FAILURES_PER_WINDOW) {
      const until = new Date(recent.latest!).getTime() + MFA_FAILURE_WINDOW_SECONDS * 1000;
      throw tooManySecondFactorFailures(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
    }
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + MFA_TOKEN_TTL_SECONDS * 1000);
    const id = await this.repo.createChallenge(userId, sha256(secret), now, expiresAt);
    return `${id}.${secret}`;
  }

  /** Counts one attempt on a live token; throws when it is unknown, used, expired or out of attempts. */
  async claim(token: string): Promise<{ challengeId: string; userId: string }> {
    const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) throw mfaTokenEnded();
    const claimed = await this.repo.claimAttempt(
      m[1],
      sha256(m[2]),
      this.clock.now(),
      MFA_TOKEN_MAX_ATTEMPTS,
    );
    if (!claimed) throw mfaTokenEnded();
    return { challengeId: m[1], userId: claimed.userId };
  }

  failed(challengeId: string): Promise<void> {
    return this.repo.challengeFailed(challengeId);
  }
}
