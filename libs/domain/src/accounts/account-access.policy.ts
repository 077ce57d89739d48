import { Injectable } from '@nestjs/common';
import { NotAllowed } from '../common/domain-error.js';
import { isAdmin, isStaff, type Principal } from './principal.js';

/**
 * Who may administer accounts, memberships and PPT terms: the Technical Secretariat and admins, with three limits
 * (DOMAIN.md: nobody grants themselves access):
 * - nobody changes their own memberships or roles;
 * - only an admin grants system roles or changes a staff (admin or secretariat) account, e.g. gives it an officer
 *   membership; the secretariat manages officer and observer accounts.
 */
@Injectable()
export class AccountAccessPolicy {
  assertCanManageUsers(p: Principal): void {
    if (!isStaff(p))
      throw new NotAllowed({
        en: 'Only the Technical Secretariat or an administrator can manage accounts.',
        es: 'Solo la Secretaría Técnica o un administrador pueden gestionar cuentas.',
      });
  }

  /** Only an admin may grant the admin or secretariat roles. */
  assertCanGrantRoles(p: Principal, roles: string[]): void {
    if (roles.length && !isAdmin(p))
      throw new NotAllowed({
        en: 'Only an administrator can grant system roles.',
        es: 'Solo un administrador puede otorgar roles del sistema.',
      });
  }

  /** Replacing a user's memberships: staff, never on themselves; a staff account only by an admin. */
  assertCanSetMemberships(p: Principal, target: Pick<Principal, 'id' | 'roles'>): void {
    this.assertCanManageUsers(p);
    if (target.id === p.id)
      throw new NotAllowed({
        en: 'Nobody changes their own memberships or roles.',
        es: 'Nadie cambia sus propias membresías o roles.',
      });
    if (isStaff(target as Principal) && !isAdmin(p))
      throw new NotAllowed({
        en: 'Only an administrator can change a staff account.',
        es: 'Solo un administrador puede cambiar una cuenta del personal.',
      });
  }

  /**
   * Disabling or enabling an account (offboarding): staff, never on themselves (nobody locks themselves out or lets
   * themselves back in); a staff account only by an admin.
   */
  assertCanDisable(p: Principal, target: Pick<Principal, 'id' | 'roles'>): void {
    this.assertCanManageUsers(p);
    if (target.id === p.id)
      throw new NotAllowed({
        en: 'Nobody disables or enables their own account.',
        es: 'Nadie desactiva ni reactiva su propia cuenta.',
      });
    if (isStaff(target as Principal) && !isAdmin(p))
      throw new NotAllowed({
        en: 'Only an administrator can disable or enable a staff account.',
        es: 'Solo un administrador puede desactivar o reactivar una cuenta del personal.',
      });
  }

  assertCanSetPresidency(p: Principal): void {
    if (!isStaff(p))
      throw new NotAllowed({
        en: 'Only the Technical Secretariat or an administrator can set the PPT term.',
        es: 'Solo la Secretaría Técnica o un administrador pueden fijar el período de la PPT.',
      });
  }
}
