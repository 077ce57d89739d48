import { Injectable } from '@nestjs/common';
import { isOfficerOf, type Principal } from '../accounts/principal.js';
import type { CaseHandling } from './channel-access.policy.js';

export interface CaseAccessFacts {
  networkId: string;
  handling: CaseHandling;
  countries: string[];
}

/** The facts of a case that decide who may read it (and nothing else). */
export function caseAccess(c: CaseAccessFacts): CaseAccessFacts {
  return { networkId: c.networkId, handling: c.handling, countries: [...c.countries] };
}

/**
 * Who may read and change a case (DOMAIN.md "Handling of case information"):
 * - officers of the case's network when handling is `network`;
 * - only officers of a listed country when handling is `involved` (the opener's country is always listed);
 * - observers never; staff (admin, secretariat) administer the service but read no case content unless they are also
 *   such an officer.
 * Whoever may not read a case may not know it exists: callers answer 404.
 */
@Injectable()
export class CaseAccessPolicy {
  canRead(p: Principal, c: CaseAccessFacts): boolean {
    if (!isOfficerOf(p, c.networkId)) return false;
    return c.handling === 'network' || (!!p.country && c.countries.includes(p.country));
  }

  /**
   * `canRead` as an SQL predicate over the case row `k`, for queries over many messages (sync): `officers` is an SQL
   * expression for the caller's officer network ids (uuid[]), `country` for the caller's country (text, may be null).
   */
  static readableSqlOf(k: string, e: { officers: string; country: string }): string {
    return `(${k}.network_id = ANY(${e.officers}) AND (${k}.handling = 'network' OR ${k}.countries @> ARRAY[${e.country}]::char(2)[]))`;
  }

  /** Every reader of a case may work on it: post in its thread, change its status and assignees. */
  canChange(p: Principal, c: CaseAccessFacts): boolean {
    return this.canRead(p, c);
  }

  /**
   * Who reads a case is decided by the country that opened it: only its officers (who may read the case) change the
   * handling level or the listed countries. Another reader could otherwise widen an `involved` case to the network.
   */
  canChangeAudience(p: Principal, c: CaseAccessFacts & { openerCountry: string | null }): boolean {
    return this.canRead(p, c) && !!p.country && p.country === c.openerCountry;
  }

  /** Officers of the network open cases. */
  canOpen(p: Principal, networkId: string): boolean {
    return isOfficerOf(p, networkId);
  }

  /** Whether the officer with this country may read the case (for assignees and mentions). */
  officerCountryMayRead(country: string | null, c: CaseAccessFacts): boolean {
    return c.handling === 'network' || (!!country && c.countries.includes(country));
  }
}
