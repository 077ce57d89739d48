import { Injectable } from '@nestjs/common';
import { Clock } from '#config';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { NotFound } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import type { Principal } from './principal.js';
import { SessionsRepository } from './sessions.repository.js';

export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  /** The session of the access token that asked. */
  current: boolean;
}

/** The caller's own sign-in sessions: the list, and signing one out remotely. */
@Injectable()
export class AccountSessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async list(me: Principal): Promise<SessionView[]> {
    const rows = await this.sessions.live(me.id, this.clock.now());
    return rows.map((r) => ({
      id: r.id,
      createdAt: new Date(r.createdAt).toISOString(),
      lastUsedAt: new Date(r.lastUsedAt).toISOString(),
      ip: r.ip,
      userAgent: r.userAgent,
      current: r.id === me.sessionId,
    }));
  }

  /**
   * Ends one of the caller's sessions: its refresh token, its access tokens and its live sockets, at once on every
   * process. Someone else's session, or one that already ended, is 404 (the caller may not know it exists).
   */
  async revoke(ctx: RequestContext, me: Principal, sessionId: string): Promise<void> {
    const ok = await this.sessions.revokeOne(me.id, sessionId, 'signed-out-remotely', this.clock.now());
    if (!ok) throw new NotFound('session');
    await this.audit.record(
      { ...ctx, actorId: me.id },
      {
        action: 'auth.session.revoked',
        targetType: 'session',
        targetId: sessionId,
        details: { current: sessionId === me.sessionId },
      },
    );
    this.events.publish('access.changed', { userIds: [me.id] });
  }
}
