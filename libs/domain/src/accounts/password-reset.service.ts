import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { RateLimited } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { AccountChangesRepository } from './account-changes.repository.js';
import { AccountMail } from './account-mail.port.js';
import { assertNewPassword, invalidResetToken } from './account.errors.js';
import { normalizeEmail } from './accounts.service.js';
import { hashPassword } from './password-hash.js';
import { RequestThrottleRepository } from './request-throttle.repository.js';
import { SessionsRepository } from './sessions.repository.js';

/** How long a reset link works. */
export const RESET_TOKEN_TTL_SECONDS = 30 * 60;
/** Reset emails per address: at most 3 an hour (more requests get the same answer and send nothing). */
export const RESET_PER_EMAIL = { windowSeconds: 60 * 60, max: 3 };
/** Reset requests per client address: at most 10 in 15 minutes, then `429` with `Retry-After`. */
export const RESET_PER_ADDRESS = { windowSeconds: 15 * 60, max: 10 };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Password reset by email (API.md "Account self-service"): a request answers the same whatever the address (no
 * enumeration) and sends a known, enabled account a link with a random 32-byte token, of which only the sha256 is
 * stored. The link works once, for 30 minutes (by the injected clock); using it sets the password and ends every
 * session of the account.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger('PasswordReset');

  constructor(
    private readonly changes: AccountChangesRepository,
    private readonly sessions: SessionsRepository,
    private readonly throttle: RequestThrottleRepository,
    private readonly mail: AccountMail,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The answer is the same, and takes about the same time, for a known and an unknown address: the lookup and the
   * throttles run for both, and the email leaves after the answer. Only the client address limit answers `429`
   * (it does not depend on the account).
   */
  async request(ctx: RequestContext, emailInput: string): Promise<void> {
    const now = this.clock.now();
    const email = normalizeEmail(emailInput);
    const byAddress = await this.throttle.hit(
      'password-reset:address',
      ctx.ip ?? '',
      now,
      RESET_PER_ADDRESS.windowSeconds,
      RESET_PER_ADDRESS.max,
    );
    if (!byAddress.allowed) {
      await this.audit.record(ctx, {
        action: 'account.password.reset.throttled',
        targetType: 'email',
        targetId: email,
        details: { by: 'address' },
      });
      throw new RateLimited(byAddress.retryAfterSeconds, {
        en: 'Too many password reset requests from this address; try again later.',
        es: 'Demasiadas solicitudes de restablecimiento de contraseña desde esta dirección; inténtelo más tarde.',
      });
    }
    const byEmail = await this.throttle.hit(
      'password-reset:email',
      email,
      now,
      RESET_PER_EMAIL.windowSeconds,
      RESET_PER_EMAIL.max,
    );
    const account = await this.changes.resetRecipient(email);
    const outcome = !account
      ? 'unknown-email'
      : account.disabledAt
        ? 'disabled'
        : !byEmail.allowed
          ? 'throttled'
          : 'sent';
    await this.audit.record(ctx, {
      action: 'account.password.reset.requested',
      targetType: account ? 'user' : 'email',
      targetId: account?.id ?? email,
      details: { outcome },
    });
    if (outcome !== 'sent' || !account) return;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_SECONDS * 1000);
    const tokenId = await this.changes.insertResetToken(
      account.id,
      sha256(token),
      now,
      expiresAt,
      ctx.ip ?? null,
    );
    void this.mail
      .sendPasswordReset(
        { to: account.email, language: account.locale, messageId: `password-reset.${tokenId}` },
        {
          locale: account.locale,
          timezone: account.timezone,
          recipientName: account.displayName,
          link: `${this.config.publicUrl}/reset-password?token=${token}`,
          expiresAt,
          requestedFrom: ctx.ip ?? null,
        },
      )
      .catch((e: unknown) =>
        this.logger.warn(`the password reset email ${tokenId} was not sent: ${(e as Error)?.message ?? e}`),
      );
    void Promise.all([this.changes.pruneResetTokens(now), this.throttle.prune(now)]).catch(() => undefined);
  }

  /** Sets a new password with a reset token; every session of the account ends. */
  async confirm(ctx: RequestContext, token: string, newPassword: string): Promise<void> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) {
      await this.audit.record(ctx, {
        action: 'account.password.reset.invalid',
        details: { reason: 'shape' },
      });
      throw invalidResetToken();
    }
    assertNewPassword('newPassword', newPassword);
    const nextHash = await hashPassword(newPassword);
    const now = this.clock.now();
    const used = await this.dataSource.transaction(async (m) => {
      const found = await this.changes.consumeResetToken(sha256(token), now, m);
      if (!found) return null;
      await this.changes.setPassword(found.userId, nextHash, m);
      const ended = await this.sessions.revokeAll(found.userId, 'password-reset', now, null, m);
      await this.changes.voidResetTokens(found.userId, now, m);
      await this.audit.record(
        { ...ctx, actorId: found.userId },
        {
          action: 'account.password.reset',
          targetType: 'user',
          targetId: found.userId,
          details: { tokenId: found.tokenId, sessionsEnded: ended },
        },
        m,
      );
      return found;
    });
    if (!used) {
      await this.audit.record(ctx, {
        action: 'account.password.reset.invalid',
        details: { reason: 'unknown, used or expired' },
      });
      throw invalidResetToken();
    }
    this.events.publish('access.changed', { userIds: [used.userId] });
  }
}
