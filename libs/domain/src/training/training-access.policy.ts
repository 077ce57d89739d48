import { Injectable } from '@nestjs/common';
import { isOfficerOf, isStaff, membershipIn, type Principal } from '../accounts/principal.js';
import { NotAllowed, NotFound } from '../common/domain-error.js';
import { PresidencyService } from '../presidency/presidency.service.js';
import { OutsideAudience, TrainingEventNotFound } from './training.errors.js';
import type { TrainingEventRow } from './training.types.js';

/**
 * Who may do what with training events and training needs, in one place:
 * - edit (create, change, publish, cancel, see drafts and registrations): the secretariat and admins, and officers
 *   of the country holding the PPT today who are officers of every network the event is in;
 * - read a published or cancelled event: members (officers and observers) of one of its networks, and staff; a
 *   draft, or an event of other networks, does not exist for anyone else (404);
 * - register: members of one of its networks within its audience (`officers`: officers only), never staff as such;
 * - training needs: members of the network and staff read; officers of that network from that country write.
 */
@Injectable()
export class TrainingAccessPolicy {
  constructor(private readonly presidency: PresidencyService) {}

  async canEdit(p: Principal, networks: string[]): Promise<boolean> {
    if (isStaff(p)) return true;
    if (!networks.length || !networks.every((n) => isOfficerOf(p, n))) return false;
    return this.presidency.holdsPresidency(p);
  }

  async assertCanEdit(p: Principal, networks: string[]): Promise<void> {
    if (!(await this.canEdit(p, networks)))
      throw new NotAllowed({
        en: 'Only officers of the country holding the Presidency Pro-Tempore in every network of the event, and the Technical Secretariat, can do this.',
        es: 'Solo los oficiales de enlace del país que ejerce la Presidencia Pro Tempore en todas las redes de la actividad, y la Secretaría Técnica, pueden hacer esto.',
      });
  }

  isMemberOfAny(p: Principal, networks: string[]): boolean {
    return networks.some((n) => !!membershipIn(p, n));
  }

  /** The event as the caller may see it; drafts only for editors. */
  async assertCanRead(p: Principal, event: TrainingEventRow | null): Promise<TrainingEventRow> {
    if (!event) throw new TrainingEventNotFound();
    const reader = isStaff(p) || this.isMemberOfAny(p, event.networks);
    if (!reader) throw new TrainingEventNotFound();
    if (event.status === 'draft' && !(await this.canEdit(p, event.networks)))
      throw new TrainingEventNotFound();
    return event;
  }

  assertCanRegister(p: Principal, event: TrainingEventRow): void {
    if (!this.isMemberOfAny(p, event.networks))
      throw new NotAllowed({
        en: 'Only members of the networks of this training event can register.',
        es: 'Solo los miembros de las redes de esta actividad de capacitación pueden inscribirse.',
      });
    if (event.audience === 'officers' && !event.networks.some((n) => isOfficerOf(p, n)))
      throw new OutsideAudience();
  }

  assertCanReadNetwork(p: Principal, network: string): void {
    if (!isStaff(p) && !membershipIn(p, network))
      throw new NotAllowed({
        en: 'Only members of this network can see its training events and needs.',
        es: 'Solo los miembros de esta red pueden ver sus actividades de capacitación y necesidades.',
      });
  }

  assertCanWriteNeeds(p: Principal, network: string, country: string): void {
    if (!isOfficerOf(p, network) || p.country !== country)
      throw new NotAllowed({
        en: "Only this country's liaison officers in this network can write its training needs.",
        es: 'Solo los oficiales de enlace de este país en esta red pueden registrar sus necesidades de capacitación.',
      });
  }

  /** The calendar feed: its token's owner must still be a member of the network (or staff); otherwise 404. */
  assertFeedReader(p: Principal | null, network: string): Principal {
    if (!p || (!isStaff(p) && !membershipIn(p, network))) throw new NotFound('calendar');
    return p;
  }
}
