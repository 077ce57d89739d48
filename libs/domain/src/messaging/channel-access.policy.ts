import { Injectable } from '@nestjs/common';
import { isStaff, type Principal } from '../accounts/principal.js';

export type ChannelVisibility = 'network' | 'officers' | 'private';
export type CaseHandling = 'network' | 'involved';

/** What the access rules need to know about a channel (and, for a case thread, its case). */
export interface ChannelAccessFacts {
  networkId: string;
  visibility: ChannelVisibility;
  kind: 'channel' | 'case';
  /** For a private channel: whether the caller is a listed member. */
  isMember?: boolean;
  /** For a case thread. */
  caseHandling?: CaseHandling | null;
  caseCountries?: string[] | null;
}

/** The caller as the SQL form of the rules needs it: what a set query (listing, search, the hot-path insert) filters on. */
export interface AccessScope {
  userId: string;
  staff: boolean;
  memberNetworkIds: string[];
  officerNetworkIds: string[];
  country: string | null;
}

export function accessScope(p: Principal): AccessScope {
  return {
    userId: p.id,
    staff: isStaff(p),
    memberNetworkIds: p.memberships.map((m) => m.networkId),
    officerNetworkIds: p.memberships.filter((m) => m.role === 'officer').map((m) => m.networkId),
    country: p.country ?? null,
  };
}

/**
 * Who may read (and so post in) a channel or a case thread. One rule, written twice on purpose and kept side by side:
 * `canRead` for a loaded channel, `readableSql` for queries over many channels (listing, sync, search, the insert that
 * stores a message). The access e2e suite checks both against the same matrix.
 *
 * - `network`: every member of the network (officers and observers), and staff (admin, secretariat) who administer it.
 * - `officers`: officers of the network only.
 * - `private`: listed members who are still members of the network.
 * - case thread: officers of the network; for `involved` handling only officers of a listed country. Staff read no
 *   case content unless they are such an officer themselves. Observers never see case threads.
 */
@Injectable()
export class ChannelAccessPolicy {
  canRead(p: Principal, c: ChannelAccessFacts): boolean {
    return ChannelAccessPolicy.canRead(accessScope(p), c);
  }

  static canRead(s: AccessScope, c: ChannelAccessFacts): boolean {
    const member = s.memberNetworkIds.includes(c.networkId);
    const officer = s.officerNetworkIds.includes(c.networkId);
    if (c.kind === 'case') {
      if (!officer) return false;
      return c.caseHandling === 'network' || (!!s.country && (c.caseCountries ?? []).includes(s.country));
    }
    switch (c.visibility) {
      case 'network':
        return member || s.staff;
      case 'officers':
        return officer;
      case 'private':
        return member && !!c.isMember;
    }
  }

  /** Officers of the network and staff create channels; observers do not. */
  canCreateChannel(p: Principal, networkId: string): boolean {
    return isStaff(p) || p.memberships.some((m) => m.networkId === networkId && m.role === 'officer');
  }

  /** Private channel members are managed by the channel's creator and by staff. */
  canManageMembers(p: Principal, createdBy: string | null): boolean {
    return isStaff(p) || (createdBy !== null && createdBy === p.id);
  }

  /** The parameters `readableSql` refers to, in order, starting at `$base`. */
  static sqlParams(s: AccessScope): unknown[] {
    return [s.userId, s.staff, s.memberNetworkIds, s.officerNetworkIds, s.country];
  }

  /** SQL predicate over the channel row `c`, with the five parameters of `sqlParams` at `$base`..`$base+4`. */
  static readableSql(c: string, base: number): string {
    return ChannelAccessPolicy.readableSqlOf(c, {
      user: `$${base}::uuid`,
      staff: `$${base + 1}::boolean`,
      members: `$${base + 2}::uuid[]`,
      officers: `$${base + 3}::uuid[]`,
      country: `$${base + 4}::text`,
    });
  }

  /** The same predicate over SQL expressions for the caller (e.g. columns of a batch, one caller per row). */
  static readableSqlOf(
    c: string,
    e: { user: string; staff: string; members: string; officers: string; country: string },
  ): string {
    return `(
      (${c}.kind = 'channel' AND (
         (${c}.visibility = 'network' AND (${c}.network_id = ANY(${e.members}) OR ${e.staff}))
      OR (${c}.visibility = 'officers' AND ${c}.network_id = ANY(${e.officers}))
      OR (${c}.visibility = 'private' AND ${c}.network_id = ANY(${e.members})
          AND EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = ${c}.id AND cm.user_id = ${e.user}))))
   OR (${c}.kind = 'case' AND ${c}.network_id = ANY(${e.officers})
       AND EXISTS (SELECT 1 FROM cases k WHERE k.id = ${c}.case_id
                     AND (k.handling = 'network' OR k.countries @> ARRAY[${e.country}]::char(2)[]))))`;
  }
}
