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
 * credential (it opens the user's calendar feed) that only its owner sees, in `/api/me`.
 */
export function adminUserView(p: Principal, presidency: boolean) {
  const { calendarToken: _secret, ...view } = userView(p, presidency);
  return view;
}
