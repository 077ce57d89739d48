import { Inject, Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import { AuditService, type RequestContext } from '../../audit/audit.service.js';
import { DomainEvents } from '../../common/domain-events.js';
import type { Principal } from '../principal.js';
import { invalidCode, totpAlreadyOn, totpNotStarted, twoFactorOff } from './mfa.errors.js';
import { MfaRepository } from './mfa.repository.js';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';
import { SecretBox } from './secret-box.js';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'Enlace';

export type SecondFactorMethod = 'totp' | 'recovery-code';

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) through otplib, and the recovery codes that come with it.
 * A code is accepted in the current step or one step either side (clock drift), and each step only once.
 */
@Injectable()
export class TotpService {
  private readonly box: SecretBox;

  constructor(
    private readonly repo: MfaRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = new SecretBox(config.jwtSecret);
  }

  /** What protects the caller's sign-in (for the security screen): TOTP on, recovery codes left, passkeys. */
  async status(p: Principal): Promise<{ totp: boolean; recoveryCodesLeft: number; passkeys: number }> {
    const f = await this.repo.factors(p.id);
    return {
      totp: f.totp,
      recoveryCodesLeft: f.totp ? await this.repo.recoveryCodesLeft(p.id) : 0,
      passkeys: f.passkeys,
    };
  }

  /** A new secret, not active until confirmed; a confirmed one must be turned off first. */
  async enrol(ctx: RequestContext, p: Principal): Promise<{ secret: string; otpauthUrl: string }> {
    const secret = generateSecret({ length: 20 });
    if (!(await this.repo.startTotp(p.id, this.box.seal(secret), this.clock.now()))) throw totpAlreadyOn();
    await this.audit.record(ctx, { action: 'mfa.totp.enrol', targetType: 'user', targetId: p.id });
    return { secret, otpauthUrl: generateURI({ issuer: TOTP_ISSUER, label: p.email, secret }) };
  }

  /** The first right code turns TOTP on and yields ten new recovery codes, shown this once. */
  async confirm(ctx: RequestContext, p: Principal, code: string): Promise<{ recoveryCodes: string[] }> {
    const totp = await this.repo.totp(p.id);
    if (!totp) throw totpNotStarted();
    if (totp.confirmedAt) throw totpAlreadyOn();
    const step = await this.matchingStep(totp.secretEncrypted, totp.lastStep, code);
    const recoveryCodes = newRecoveryCodes();
    await this.dataSource.transaction(async (m) => {
      if (step === null || !(await this.repo.consumeTotpStep(p.id, step, false, m))) {
        await this.audit.record(ctx, {
          action: 'mfa.totp.confirm.failed',
          targetType: 'user',
          targetId: p.id,
        });
        throw invalidCode(400);
      }
      if (!(await this.repo.confirmTotp(p.id, this.clock.now(), m))) throw totpAlreadyOn();
      await this.repo.replaceRecoveryCodes(
        p.id,
        recoveryCodes.map((c) => hashRecoveryCode(normalizeRecoveryCode(c)!)),
        m,
      );
      await this.audit.record(ctx, { action: 'mfa.totp.enabled', targetType: 'user', targetId: p.id }, m);
    });
    return { recoveryCodes };
  }

  /** Turns TOTP and its recovery codes off; takes a current TOTP or recovery code. Passkeys stay. */
  async disable(ctx: RequestContext, p: Principal, code: string): Promise<void> {
    const totp = await this.repo.totp(p.id);
    if (!totp?.confirmedAt) throw twoFactorOff();
    const method = await this.verify(p.id, code);
    if (!method) {
      await this.audit.record(ctx, { action: 'mfa.disable.failed', targetType: 'user', targetId: p.id });
      throw invalidCode(400);
    }
    await this.dataSource.transaction(async (m) => {
      await this.repo.deleteTotp(p.id, m);
      await this.audit.record(
        ctx,
        { action: 'mfa.totp.disabled', targetType: 'user', targetId: p.id, details: { method } },
        m,
      );
    });
    // MFA_REQUIRED may cover this account again: live sockets re-check it.
    this.events.publish('access.changed', { userIds: [p.id] });
  }

  /**
   * Checks and consumes a second factor of an account with TOTP on: a 6-digit code of a step not used before, or
   * an unused recovery code. Null when it is neither.
   */
  async verify(userId: string, input: string): Promise<SecondFactorMethod | null> {
    const code = input.trim().replace(/\s/g, '');
    if (/^\d{6}$/.test(code)) {
      const totp = await this.repo.totp(userId);
      if (!totp?.confirmedAt) return null;
      const step = await this.matchingStep(totp.secretEncrypted, totp.lastStep, code);
      return step !== null && (await this.repo.consumeTotpStep(userId, step, true)) ? 'totp' : null;
    }
    const normalized = normalizeRecoveryCode(code);
    if (!normalized) return null;
    const used = await this.repo.consumeRecoveryCode(userId, hashRecoveryCode(normalized), this.clock.now());
    return used ? 'recovery-code' : null;
  }

  private async matchingStep(sealed: string, lastStep: number | null, code: string): Promise<number | null> {
    const secret = this.box.open(sealed);
    if (!secret || !/^\d{6}$/.test(code.trim())) return null;
    try {
      const result = await verify({
        secret,
        token: code.trim(),
        epoch: Math.floor(this.clock.now().getTime() / 1000),
        epochTolerance: TOTP_PERIOD_SECONDS,
        ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
      });
      return result.valid ? (result as unknown as { timeStep: number }).timeStep : null;
    } catch {
      return null; // otplib refuses what it cannot check (e.g. every step of the window already used)
    }
  }
}
