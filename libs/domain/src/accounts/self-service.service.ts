import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { RateLimited, ValidationFailed, type ErrorDetail } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { AccountChangesRepository, type ProfileChange } from './account-changes.repository.js';
import { assertNewPassword, wrongCurrentPassword } from './account.errors.js';
import { AccountsRepository } from './accounts.repository.js';
import { displayNameProblemText, isTimeZone } from './accounts.service.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import type { Principal } from './principal.js';
import { SessionsRepository } from './sessions.repository.js';

/**
 * What an account does to itself (API.md "Account self-service"): its profile (name, language, time zone) and its
 * password. Every call acts on the caller's own account only: there is no id to point elsewhere.
 */
@Injectable()
export class SelfService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly changes: AccountChangesRepository,
    private readonly sessions: SessionsRepository,
    private readonly throttle: LoginThrottleRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async updateProfile(ctx: RequestContext, me: Principal, change: ProfileChange): Promise<Principal> {
    const details: ErrorDetail[] = [];
    if (change.displayName !== undefined) {
      const problem = displayNameProblemText(change.displayName);
      if (problem) details.push({ field: 'displayName', message: problem.en, es: problem.es });
    }
    if (change.locale !== undefined && change.locale !== 'en' && change.locale !== 'es')
      details.push({ field: 'locale', message: 'must be en or es', es: 'debe ser en o es' });
    if (change.timezone !== undefined && !isTimeZone(change.timezone))
      details.push({
        field: 'timezone',
        message: 'must be an IANA time zone, e.g. America/Guatemala',
        es: 'debe ser una zona horaria IANA, p. ej. America/Guatemala',
      });
    if (details.length) throw new ValidationFailed(details);
    const next: ProfileChange = {
      ...(change.displayName !== undefined ? { displayName: change.displayName.trim() } : {}),
      ...(change.locale !== undefined ? { locale: change.locale } : {}),
      ...(change.timezone !== undefined ? { timezone: change.timezone } : {}),
    };
    const changed = Object.entries(next)
      .filter(([k, v]) => (me as unknown as Record<string, unknown>)[k] !== v)
      .map(([k]) => k);
    if (changed.length) {
      await this.changes.updateProfile(me.id, next);
      await this.audit.record(
        { ...ctx, actorId: me.id },
        {
          action: 'account.profile.updated',
          targetType: 'user',
          targetId: me.id,
          details: { fields: changed },
        },
      );
      // live sockets carry the name and language of their user: they reload it
      this.events.publish('access.changed', { userIds: [me.id] });
    }
    const { disabledAt: _d, ...user } = (await this.accounts.principalById(me.id))!;
    return { ...user, sessionId: me.sessionId };
  }

  /**
   * Changes the caller's password after checking the current one (counted by the failed-login limit, so a stolen
   * access token cannot be used to guess it). Every other session of the account ends: refresh tokens, access tokens
   * and live sockets, on every process; the calling session keeps working.
   */
  async changePassword(
    ctx: RequestContext,
    me: Principal,
    currentPassword: string,
    newPassword: string,
  ): Promise<{ sessionsEnded: number }> {
    const now = this.clock.now();
    const decision = await this.throttle.attempt(me.email, ctx.ip, now);
    if (!decision.allowed)
      throw new RateLimited(decision.retryAfterSeconds, {
        en: 'Too many wrong passwords; try again later.',
        es: 'Demasiadas contraseñas incorrectas; inténtelo más tarde.',
      });
    const hash = await this.changes.passwordHash(me.id);
    if (!hash || !(await verifyPassword(hash, currentPassword))) {
      await this.audit.record(
        { ...ctx, actorId: me.id },
        { action: 'account.password.change.failed', targetType: 'user', targetId: me.id },
      );
      throw wrongCurrentPassword();
    }
    await this.throttle.succeeded(me.email, ctx.ip, now);
    assertNewPassword('newPassword', newPassword, me.email);
    if (newPassword === currentPassword)
      throw new ValidationFailed([
        {
          field: 'newPassword',
          message: 'must differ from the current password',
          es: 'debe ser distinta de la contraseña actual',
        },
      ]);
    const nextHash = await hashPassword(newPassword);
    const ended = await this.dataSource.transaction(async (m) => {
      await this.changes.setPassword(me.id, nextHash, m);
      const n = await this.sessions.revokeAll(me.id, 'password-change', now, me.sessionId ?? null, m);
      await this.changes.voidResetTokens(me.id, now, m);
      await this.audit.record(
        { ...ctx, actorId: me.id },
        {
          action: 'account.password.changed',
          targetType: 'user',
          targetId: me.id,
          details: { sessionsEnded: n, keptSession: me.sessionId ?? null },
        },
        m,
      );
      return n;
    });
    this.events.publish('access.changed', { userIds: [me.id] });
    return { sessionsEnded: ended };
  }
}
