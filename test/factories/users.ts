import { randomBytes } from 'node:crypto';
import { ADMIN } from '../support/env.js';
import { Http } from '../support/http.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  http: Http;
  country: string | null;
}

export async function login(baseUrl: string, email: string, password: string) {
  const res = await new Http(baseUrl).post('/api/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
  return res.body as { accessToken: string; refreshToken: string; expiresIn: number; user: any };
}

export async function loginAdmin(baseUrl: string): Promise<Http> {
  const { accessToken } = await login(baseUrl, ADMIN.email, ADMIN.password);
  return new Http(baseUrl, accessToken);
}

export interface UserSpec {
  country?: string;
  organization?: string;
  locale?: 'en' | 'es';
  timezone?: string;
  roles?: Array<'admin' | 'secretariat'>;
  memberships?: Array<{ network: string; role: 'officer' | 'observer' }>;
  displayName?: string;
  email?: string;
}

/** Creates a user through the admin API and logs them in. */
export async function createUser(admin: Http, spec: UserSpec = {}): Promise<TestUser> {
  const email = spec.email ?? `u-${randomBytes(5).toString('hex')}@enlace.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const res = await admin.post('/api/admin/users', {
    email,
    password,
    displayName: spec.displayName ?? `Officer ${email.slice(2, 7)}`,
    ...(spec.country ? { country: spec.country } : {}),
    ...(spec.organization ? { organization: spec.organization } : {}),
    locale: spec.locale ?? 'en',
    timezone: spec.timezone ?? 'America/Guatemala',
    ...(spec.roles ? { roles: spec.roles } : {}),
    memberships: spec.memberships ?? [],
  });
  if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${res.text}`);
  const tokens = await login(admin.baseUrl, email, password);
  return {
    id: res.body.id,
    email,
    password,
    token: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    http: new Http(admin.baseUrl, tokens.accessToken),
    country: spec.country ?? null,
  };
}

/** An officer of a country in one or more networks. */
export function officer(
  admin: Http,
  country: string,
  networks: string[] = ['smuggling-trafficking'],
  extra: UserSpec = {},
) {
  return createUser(admin, {
    country,
    memberships: networks.map((network) => ({ network, role: 'officer' })),
    ...extra,
  });
}
