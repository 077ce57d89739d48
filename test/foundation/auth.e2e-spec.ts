import { jest } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, signJwt } from '../support/env.js';
import { Http } from '../support/http.js';
import { createUser, login, loginAdmin, officer } from '../factories/users.js';

jest.setTimeout(60_000);

describe('auth and accounts (real PostgreSQL)', () => {
  let app: TestApp;
  let anon: Http;
  let admin: Http;

  beforeAll(async () => {
    app = await startTestApp();
    anon = new Http(app.url);
    admin = await loginAdmin(app.url);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('logs in and answers /api/me with the API.md shape', async () => {
    const gt = await officer(admin, 'GT', ['smuggling-trafficking'], { locale: 'es' });
    const me = await gt.http.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: gt.id,
      email: gt.email,
      displayName: expect.any(String),
      country: 'GT',
      organization: null,
      locale: 'es',
      timezone: 'America/Guatemala',
      roles: [],
      memberships: [{ network: 'smuggling-trafficking', role: 'officer' }],
      presidency: false,
      calendarToken: expect.any(String),
    });
    const res = await login(app.url, gt.email, gt.password);
    expect(res.expiresIn).toBeLessThanOrEqual(900);
    const [, payload] = res.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(900);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const u = await officer(admin, 'MX');
    const wrong = await anon.post('/api/auth/login', { email: u.email, password: 'not-the-password' });
    const unknown = await anon.post('/api/auth/login', {
      email: 'nobody@enlace.test',
      password: 'not-the-password',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rotates refresh tokens and revokes the session when an old one is reused', async () => {
    const u = await officer(admin, 'HN');
    const first = await anon.post('/api/auth/refresh', { refreshToken: u.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(u.refreshToken);
    const newAccess = first.body.accessToken;
    expect((await anon.as(newAccess).get('/api/me')).status).toBe(200);

    // the old token no longer works, and presenting it revokes the whole session
    const reuse = await anon.post('/api/auth/refresh', { refreshToken: u.refreshToken });
    expect(reuse.status).toBe(401);
    const afterReuse = await anon.post('/api/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(afterReuse.status).toBe(401);
    expect((await anon.as(newAccess).get('/api/me')).status).toBe(401);
  });

  it('logs out: the refresh token stops working', async () => {
    const u = await officer(admin, 'SV');
    const out = await anon.post('/api/auth/logout', { refreshToken: u.refreshToken });
    expect(out.status).toBe(204);
    expect((await anon.post('/api/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
    expect((await u.http.get('/api/me')).status).toBe(401);
  });

  it('rejects expired, forged and malformed access tokens with 401', async () => {
    const u = await officer(admin, 'PA');
    const [, payload] = u.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt({ ...claims, iat: now - 3600, exp: now - 1800 });
    const forged = signJwt(
      { ...claims, exp: now + 600 },
      'another-secret-of-the-same-length-0123456789abcdef',
    );
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    for (const token of [expired, forged, none, 'garbage', '']) {
      const res = await anon.as(token).get('/api/me');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toMatch(/UNAUTHORIZED|INVALID_TOKEN/);
    }
  });

  it('throttles repeated failed logins with 429', async () => {
    const u = await officer(admin, 'NI');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await anon.post('/api/auth/login', { email: u.email, password: 'wrong-password' })).status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const blocked = await anon.post('/api/auth/login', { email: u.email, password: u.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    expect(blocked.headers.get('retry-after')).toBeTruthy();
  });

  it('lets only admin or secretariat create users; validates bodies with field details', async () => {
    const gt = await officer(admin, 'GT');
    const body = {
      email: 'new@enlace.test',
      password: 'a-long-password-1',
      displayName: 'New',
      country: 'GT',
      locale: 'en',
      timezone: 'UTC',
      memberships: [],
    };
    const denied = await gt.http.post('/api/admin/users', body);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');

    const sec = await createUser(admin, { roles: ['secretariat'] });
    expect((await sec.http.post('/api/admin/users', body)).status).toBe(201);
    expect((await sec.http.post('/api/admin/users', body)).status).toBe(409);
    // a secretariat member cannot grant system roles
    const grant = await sec.http.post('/api/admin/users', {
      ...body,
      email: 'x@enlace.test',
      roles: ['admin'],
    });
    expect(grant.status).toBe(403);

    const malformed = await admin.post('/api/admin/users', {
      email: 'not-an-email',
      password: 'short',
      locale: 'fr',
      timezone: 'UTC',
      memberships: [{ network: 'nope', role: 'chief' }],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
    const fields = malformed.body.error.details.map((d: any) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'email',
        'password',
        'displayName',
        'locale',
        'memberships.0.network',
        'memberships.0.role',
      ]),
    );

    const unknownField = await admin.post('/api/admin/users', {
      ...body,
      email: 'y@enlace.test',
      isBoss: true,
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details).toEqual([expect.objectContaining({ field: 'isBoss' })]);

    const badJson = await admin.request('POST', '/api/admin/users', '{"email": ', {
      'content-type': 'application/json',
    });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('INVALID_JSON');

    const badTz = await admin.post('/api/admin/users', {
      ...body,
      email: 'z@enlace.test',
      timezone: 'Mars/Olympus',
    });
    expect(badTz.status).toBe(400);
    expect(badTz.body.error.details).toEqual([expect.objectContaining({ field: 'timezone' })]);
    // nothing was stored by the rejected calls
    const users = await admin.get('/api/admin/users');
    expect(users.body.map((u: any) => u.email)).not.toEqual(
      expect.arrayContaining(['y@enlace.test', 'z@enlace.test']),
    );
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await anon.post('/api/auth/login', { email: 'a@b.org', password: 'x'.repeat(300_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers errors in Spanish when asked', async () => {
    const res = await anon.post(
      '/api/auth/login',
      { email: 'nobody@enlace.test', password: 'x' },
      { 'accept-language': 'es' },
    );
    expect(res.body.error.message).toBe('Correo electrónico o contraseña incorrectos.');
  });

  it('serves OpenAPI at /api/docs-json', async () => {
    const res = await anon.get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/api/auth/login']).toBeDefined();
    expect((await anon.get('/api/docs')).status).toBe(200);
  });

  it('keeps the admin password out of reach: login works with the bootstrap admin', async () => {
    const res = await login(app.url, ADMIN.email, ADMIN.password);
    expect(res.user.roles).toEqual(['admin']);
  });
});
