import type { MembershipRole, SystemRole } from './account.entities.js';

export interface Membership {
  networkId: string;
  network: string;
  role: MembershipRole;
}

/** The authenticated caller, as every policy sees it. */
export interface Principal {
  id: string;
  email: string;
  displayName: string;
  country: string | null;
  organization: string | null;
  locale: 'en' | 'es';
  timezone: string;
  roles: SystemRole[];
  calendarToken: string;
  memberships: Membership[];
  /** The session the access token belongs to. */
  sessionId?: string;
}

export const isAdmin = (p: Principal) => p.roles.includes('admin');
export const isSecretariat = (p: Principal) => p.roles.includes('secretariat');
export const isStaff = (p: Principal) => isAdmin(p) || isSecretariat(p);
export const membershipIn = (p: Principal, network: string) =>
  p.memberships.find((m) => m.network === network || m.networkId === network);
export const isOfficerOf = (p: Principal, network: string) => membershipIn(p, network)?.role === 'officer';
export const isOfficerAnywhere = (p: Principal) => p.memberships.some((m) => m.role === 'officer');
