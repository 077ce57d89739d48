import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { NotFound } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { AccountAccessPolicy } from './account-access.policy.js';
import { AccountChangesRepository } from './account-changes.repository.js';
import { AccountsRepository } from './accounts.repository.js';
import type { Principal } from './principal.js';
import { SessionsRepository } from './sessions.repository.js';

export type AccountWithState = Principal & { disabledAt: Date | null };

/**
 * Offboarding (API.md "Account self-service, offboarding"): an officer who leaves their post loses access the same
 * minute. Disabling ends every session of the account (refresh tokens, access tokens and, through `access.changed`,
 * live sockets on every API process); sign-in then answers `ACCOUNT_DISABLED`, and every recipient query (reminders,
 * digests, training notices, missed-message emails) skips the account. Its messages, cases and audit history stay.
 * Enabling lets the person sign in again; the sessions that ended stay ended.
 *
 * `by` is the caller, checked by the account policy (staff; never oneself; staff accounts by an admin only); the
 * operator CLI passes null (it acts with the database's own authority, audited with its request id).
 */
@Injectable()
export class OffboardingService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly changes: AccountChangesRepository,
    private readonly sessions: SessionsRepository,
    private readonly policy: AccountAccessPolicy,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async disable(ctx: RequestContext, userId: string, by: Principal | null): Promise<AccountWithState> {
    const target = await this.target(userId, by);
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      if (!(await this.changes.setDisabled(userId, { at: now, by: by?.id ?? null }, m))) return;
      const ended = await this.sessions.revokeAll(userId, 'account-disabled', now, null, m);
      await this.changes.voidResetTokens(userId, now, m);
      await this.audit.record(
        { ...ctx, actorId: by?.id ?? ctx.actorId ?? null },
        {
          action: 'account.disabled',
          targetType: 'user',
          targetId: userId,
          details: {
            email: target.email,
            sessionsEnded: ended,
            ...(target.roles.length ? { staffAccount: target.roles } : {}),
          },
        },
        m,
      );
    });
    // Published after commit; also when it was disabled already, so a process that missed the first notice catches up.
    this.events.publish('access.changed', { userIds: [userId] });
    return (await this.accounts.principalById(userId))!;
  }

  async enable(ctx: RequestContext, userId: string, by: Principal | null): Promise<AccountWithState> {
    const target = await this.target(userId, by);
    await this.dataSource.transaction(async (m) => {
      if (!(await this.changes.setDisabled(userId, null, m))) return;
      await this.audit.record(
        { ...ctx, actorId: by?.id ?? ctx.actorId ?? null },
        { action: 'account.enabled', targetType: 'user', targetId: userId, details: { email: target.email } },
        m,
      );
    });
    return (await this.accounts.principalById(userId))!;
  }

  private async target(userId: string, by: Principal | null): Promise<AccountWithState> {
    const target = await this.accounts.principalById(userId);
    if (!target) throw new NotFound('user');
    if (by) this.policy.assertCanDisable(by, target);
    return target;
  }
}
