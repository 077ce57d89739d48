import { Injectable } from '@nestjs/common';
import { isOfficerAnywhere, isStaff, type Principal } from '../accounts/principal.js';
import { NotAllowed } from '../common/domain-error.js';

/**
 * Who may do what with country sheets, in one place (DOMAIN.md: sheets are not case information):
 * - read (a country's library, any version, the staleness view): every member of either network, officers and
 *   observers, and the staff (secretariat, admins), who run the Virtual Secretariat; an account with no membership
 *   and no staff role reads nothing (403: the library's existence is no secret);
 * - publish a new version: officers (of either network) of that country, and nobody else: not its observers, not the
 *   secretariat, not an admin (a sheet speaks for its country's government).
 */
@Injectable()
export class SheetAccessPolicy {
  canRead(p: Principal): boolean {
    return isStaff(p) || p.memberships.length > 0;
  }

  canPublish(p: Principal, country: string): boolean {
    return !!p.country && p.country === country && isOfficerAnywhere(p);
  }

  /** The editor's preview: whoever may publish some country's sheets (an officer with a country). */
  canPreview(p: Principal): boolean {
    return !!p.country && isOfficerAnywhere(p);
  }

  assertCanPreview(p: Principal): void {
    if (!this.canPreview(p))
      throw new NotAllowed({
        en: 'Only liaison officers can preview country sheets.',
        es: 'Solo los oficiales de enlace pueden previsualizar fichas de país.',
      });
  }

  assertCanRead(p: Principal): void {
    if (!this.canRead(p))
      throw new NotAllowed({
        en: 'Only members of the liaison officer networks can read country sheets.',
        es: 'Solo los miembros de las redes de oficiales de enlace pueden leer las fichas de país.',
      });
  }

  assertCanPublish(p: Principal, country: string): void {
    if (!this.canPublish(p, country))
      throw new NotAllowed({
        en: "Only this country's liaison officers can publish its sheets.",
        es: 'Solo los oficiales de enlace de este país pueden publicar sus fichas.',
      });
  }
}
