import type { Principal } from '#domain';

/** The user as API.md shows it (`GET /api/me`, `POST /api/admin/users`). */
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
