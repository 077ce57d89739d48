import { Injectable } from '@nestjs/common';
import { NotAllowed } from '../common/domain-error.js';
import { isAdmin, isStaff, type Principal } from './principal.js';

/** Who may administer accounts, memberships and PPT terms: the Technical Secretariat and admins. */
@Injectable()
export class AccountAccessPolicy {
  assertCanManageUsers(p: Principal): void {
    if (!isStaff(p))
      throw new NotAllowed('Only the Technical Secretariat or an administrator can manage accounts.');
  }

  /** Only an admin may grant the admin or secretariat roles. */
  assertCanGrantRoles(p: Principal, roles: string[]): void {
    if (roles.length && !isAdmin(p)) throw new NotAllowed('Only an administrator can grant system roles.');
  }

  assertCanSetPresidency(p: Principal): void {
    if (!isStaff(p))
      throw new NotAllowed('Only the Technical Secretariat or an administrator can set the PPT term.');
  }
}
