import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { isOfficerAnywhere, type Principal } from '../principal.js';
import { mfaEnrolmentRequired } from './mfa.errors.js';
import { MfaRepository } from './mfa.repository.js';

/**
 * Who may do what with second factors, in one place:
 * - an account manages only its own factors (every route is under `/api/me`, the caller is the target; nobody,
 *   staff included, enrols, lists or removes another account's factors);
 * - removing TOTP and recovery codes takes a current code (a stolen access token alone cannot turn it off);
 * - MFA_REQUIRED decides which accounts must have a second factor before anything but their own account,
 *   security settings and sign-out: `officers` covers every account that is an officer of a network, `all` every
 *   account (staff and observers included).
 */
@Injectable()
export class MfaAccessPolicy {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: MfaRepository,
  ) {}

  /** Whether MFA_REQUIRED covers this account (whether it has a factor is asked only when it does). */
  covers(p: Principal): boolean {
    switch (this.config.mfaRequired) {
      case 'all':
        return true;
      case 'officers':
        return isOfficerAnywhere(p);
      default:
        return false;
    }
  }

  /**
   * The one MFA_REQUIRED check, made by the HTTP auth guard (every route but the exempt ones) and the socket
   * handshake: `403 MFA_ENROLMENT_REQUIRED` for a covered account with neither a confirmed TOTP nor a passkey.
   */
  async ensureEnrolled(p: Principal): Promise<void> {
    if (!this.covers(p)) return;
    const f = await this.repo.factors(p.id);
    if (!f.totp && f.passkeys === 0) throw mfaEnrolmentRequired();
  }
}
