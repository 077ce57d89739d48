import { Injectable } from '@nestjs/common';
import { isAdmin, type Principal } from '../accounts/principal.js';
import { CaseAccessPolicy, type CaseAccessFacts } from '../messaging/case-access.policy.js';

/**
 * Who sees what in a digest (DOMAIN.md "Handling of case information", API.md "Email digests"):
 * - everyone (public subscribers, observers, staff): training ahead and follow-up counts, nothing of any case;
 * - an officer of the network (an enabled account with a country), in addition: new cases they may read, with the
 *   title only for `network` handling; follow-ups due or overdue for their country; unread counts per channel;
 * - a disabled account: nothing at all.
 * Only an admin runs a digest cycle by hand.
 */
@Injectable()
export class DigestAccessPolicy {
  constructor(private readonly cases: CaseAccessPolicy) {}

  canRunCycle(p: Principal): boolean {
    return isAdmin(p);
  }

  /** The officer view of a network, or null for the public view. */
  officerView(reader: Principal | null, networkId: string): { country: string } | null {
    if (!reader || !reader.country) return null;
    const m = reader.memberships.find((x) => x.networkId === networkId);
    return m?.role === 'officer' ? { country: reader.country } : null;
  }

  /** Whether the reader may see this case in a digest at all (the same rule as reading it). */
  mayListCase(reader: Principal, c: CaseAccessFacts): boolean {
    return this.cases.canRead(reader, c);
  }

  /** What of a case a digest may carry: reference and title (`network`) or the reference alone (`involved`). */
  caseLine(c: { reference: string; title: string | null; handling: 'network' | 'involved' }) {
    return { reference: c.reference, title: c.handling === 'network' ? c.title : null };
  }
}
