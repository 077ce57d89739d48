import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import { AuditService, type RequestContext } from '../../audit/audit.service.js';
import { AuthService } from '../auth.service.js';
import { invalidCode, mfaTokenEnded } from './mfa.errors.js';
import { MfaChallengesService } from './mfa-challenges.service.js';
import { MfaRepository } from './mfa.repository.js';
import { TotpService } from './totp.service.js';

/** `POST /api/auth/mfa`: the second step of a password sign-in, with a TOTP or a recovery code. */
@Injectable()
export class MfaSignInService {
  constructor(
    private readonly challenges: MfaChallengesService,
    private readonly totp: TotpService,
    private readonly auth: AuthService,
    private readonly repo: MfaRepository,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async complete(ctx: RequestContext & { userAgent?: string }, mfaToken: string, code: string) {
    const { challengeId, userId } = await this.challenges.claim(mfaToken);
    const method = await this.totp.verify(userId, code);
    if (!method) {
      await this.challenges.failed(challengeId);
      await this.audit.record(
        { ...ctx, actorId: userId },
        { action: 'auth.mfa.failed', targetType: 'user', targetId: userId },
      );
      throw invalidCode();
    }
    const used = await this.dataSource.transaction((m) =>
      this.repo.challengeUsed(challengeId, this.clock.now(), m),
    );
    if (!used) throw mfaTokenEnded();
    if (method === 'recovery-code') {
      await this.audit.record(
        { ...ctx, actorId: userId },
        {
          action: 'auth.mfa.recovery-code-used',
          targetType: 'user',
          targetId: userId,
          details: { left: await this.repo.recoveryCodesLeft(userId) },
        },
      );
    }
    return this.auth.startSession(ctx, userId, method);
  }
}
