import type { Principal } from '#domain';

/** The user as API.md shows it to themselves (`GET /api/me`, login and refresh answers). */
export function userView(p: Principal, presidency: boolean) {
  return {
    id: p.id,
    email: p.email,
    displayName: p.displayName,
    country: p.country,
    organization: p.organization,
    locale: p.locale,
    timezone: p.timezone,
    roles: p.roles,
    memberships: p.memberships.map(({ network, role }) => ({ network, role })),
    presidency,
    calendarToken: p.calendarToken,
  };
}

/**
 * A user as the administration routes show it (list, create, memberships): without the `calendarToken`, which is a
 * credential (it opens the user's calendar feed) that only its owner sees, in `/api/me`; with `disabledAt` (null
 * while the account may sign in).
 */
export function adminUserView(p: Principal & { disabledAt?: Date | string | null }, presidency: boolean) {
  const { calendarToken: _secret, ...view } = userView(p, presidency);
  return { ...view, disabledAt: p.disabledAt ? new Date(p.disabledAt).toISOString() : null };
}
