import { Injectable } from '@nestjs/common';
import { NotAllowed, NotFound } from '../common/domain-error.js';
import { isOfficerOf, isStaff, membershipIn, type Principal } from '../accounts/principal.js';
import { PresidencyService } from '../presidency/presidency.service.js';

/**
 * Who may do what with follow-up items and the Work Plan, in one place:
 * - coordinate (create, change, cancel; Work Plan changes): officers of the network whose country holds the PPT
 *   today, the secretariat and administrators;
 * - respond for a country: officers of the network from an assigned country, for their own country only;
 * - read (board, items, Work Plan): members of the network, the secretariat and administrators.
 * An item in a network the caller does not belong to is answered 404, as if it did not exist.
 */
@Injectable()
export class FollowUpAccessPolicy {
  constructor(private readonly presidency: PresidencyService) {}

  canRead(p: Principal, network: string): boolean {
    return isStaff(p) || !!membershipIn(p, network);
  }

  async canCoordinate(p: Principal, network: string): Promise<boolean> {
    if (isStaff(p)) return true;
    return isOfficerOf(p, network) && (await this.presidency.holdsPresidency(p));
  }

  /** The board and the Work Plan of a network. */
  assertCanReadNetwork(p: Principal, network: string): void {
    if (!this.canRead(p, network))
      throw new NotAllowed({
        en: 'Only members of this network can see its follow-up items and Work Plan.',
        es: 'Solo los miembros de esta red pueden ver sus puntos de seguimiento y su Plan de Trabajo.',
      });
  }

  /** An item the caller may not read does not exist for them. */
  assertCanReadItem(p: Principal, item: { network: string } | null): asserts item {
    if (!item || !this.canRead(p, item.network)) throw new NotFound('follow-up item');
  }

  async assertCanCoordinate(p: Principal, network: string): Promise<void> {
    if (!(await this.canCoordinate(p, network))) {
      throw new NotAllowed({
        en: 'Only officers of the country holding the Presidency Pro-Tempore and the Technical Secretariat can do this.',
        es: 'Solo los oficiales del país que ejerce la Presidencia Pro Tempore y la Secretaría Técnica pueden hacer esto.',
      });
    }
  }

  /** The country the caller answers for: theirs, when it is assigned and they are an officer of the network. */
  assertCanRespond(p: Principal, item: { network: string; assignments: Array<{ country: string }> }): string {
    const country = p.country;
    if (!country || !isOfficerOf(p, item.network) || !item.assignments.some((a) => a.country === country)) {
      throw new NotAllowed({
        en: 'Only officers of a country this item is assigned to can respond for it.',
        es: 'Solo los oficiales de un país al que se asignó este punto pueden responder por él.',
      });
    }
    return country;
  }
}
