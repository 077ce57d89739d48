import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '#config';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { connect, disconnected } from '../messaging/support.js';
import { auditOf, resetMailsTo, resetToken } from './support.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';

/**
 * Account self-service (issue 15 A): profile, password change, one's sessions, password reset by email. One service
 * in this process on real PostgreSQL, socket.io clients and the SMTP peer; time moved by the injected clock.
 */
describe('account self-service: profile, password, sessions, reset by email', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  let clock: ManualClock;
  let admin: Http;
  let anon: Http;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    clock = new ManualClock(new Date());
    app = await startTestApp({
      clock,
      env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://enlace.example.org' },
    });
    admin = await loginAdmin(app.url);
    anon = new Http(app.url);
  });

  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  /** Another session of the user (another device), with its tokens. */
  const signInAgain = async (u: TestUser) => {
    const t = await login(app.url, u.email, u.password);
    return { http: new Http(app.url, t.accessToken), token: t.accessToken, refreshToken: t.refreshToken };
  };

  it('PATCH /api/me saves name, language and time zone; bad values change nothing', async () => {
    const u = await officer(admin, 'GT', [ST]);
    const res = await u.http.patch('/api/me', {
      displayName: '  Ana María López ',
      locale: 'es',
      timezone: 'America/Guatemala',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: u.id, displayName: 'Ana María López', locale: 'es' });
    expect(typeof res.body.calendarToken).toBe('string');

    for (const [body, field] of [
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ displayName: 'Ana\nAdmin' }, 'displayName'],
      [{ locale: 'fr' }, 'locale'],
      [{ displayName: 'x'.repeat(121) }, 'displayName'],
    ] as const) {
      const bad = await u.http.patch('/api/me', { locale: 'en', ...body });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    const unknown = await u.http.patch('/api/me', { roles: ['admin'] });
    expect(unknown.status).toBe(400);
    // in the caller's new language, and nothing changed by the refused calls
    expect(unknown.body.error.message).toMatch(/solicitud/);
    const me = (await u.http.get('/api/me')).body;
    expect(me).toMatchObject({
      displayName: 'Ana María López',
      locale: 'es',
      timezone: 'America/Guatemala',
      roles: [],
    });
    expect(await auditOf(admin, 'account.profile.updated', u.id)).toHaveLength(1);
  });

  it('a password change ends every other session (tokens and sockets); the current one keeps working', async () => {
    const u = await officer(admin, 'GT', [ST]);
    const other = await signInAgain(u);
    const socket = await connect(app.url, other.token);
    const mine = await connect(app.url, u.token);

    const wrong = await u.http.post('/api/me/password', {
      currentPassword: 'not-my-password-at-all',
      newPassword: 'a-new-long-password-1',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].field).toBe('currentPassword');
    expect((await other.http.get('/api/me')).status).toBe(200);
    const short = await u.http.post('/api/me/password', {
      currentPassword: u.password,
      newPassword: 'short',
    });
    expect(short.status).toBe(400);
    const same = await u.http.post('/api/me/password', {
      currentPassword: u.password,
      newPassword: u.password,
    });
    expect(same.status).toBe(400);

    const closed = disconnected(socket, 5_000);
    const changed = await u.http.post('/api/me/password', {
      currentPassword: u.password,
      newPassword: 'a-new-long-password-1',
    });
    expect(changed.status).toBe(204);
    await closed;
    expect((await other.http.get('/api/me')).status).toBe(401);
    expect((await anon.post('/api/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(401);
    expect(mine.connected).toBe(true);
    expect((await u.http.get('/api/me')).status).toBe(200);
    const refreshed = await anon.post('/api/auth/refresh', { refreshToken: u.refreshToken });
    expect(refreshed.status).toBe(200);
    const old = await anon.post('/api/auth/login', { email: u.email, password: u.password });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(
      (await anon.post('/api/auth/login', { email: u.email, password: 'a-new-long-password-1' })).status,
    ).toBe(200);
    const [entry] = await auditOf(admin, 'account.password.changed', u.id);
    expect(entry.details).toMatchObject({ sessionsEnded: 1 });
    expect(JSON.stringify(entry)).not.toContain('a-new-long-password-1');
    mine.close();
  });

  it("lists one's sessions with `current`, and signs one out remotely (its token and socket end at once)", async () => {
    const u = await officer(admin, 'MX', [ST]);
    const other = await signInAgain(u);
    const stranger = await officer(admin, 'MX', [ST]);
    const list = await u.http.get('/api/me/sessions');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    const current = list.body.filter((s: any) => s.current);
    expect(current).toHaveLength(1);
    const target = list.body.find((s: any) => !s.current);
    expect(target).toMatchObject({ ip: expect.any(String), userAgent: expect.any(String) });
    expect(Object.keys(target).sort()).toEqual([
      'createdAt',
      'current',
      'id',
      'ip',
      'lastUsedAt',
      'userAgent',
    ]);

    // someone else's session, a session that does not exist, a malformed id: nothing ends
    const theirs = (await stranger.http.get('/api/me/sessions')).body[0].id;
    expect((await u.http.delete(`/api/me/sessions/${theirs}`)).status).toBe(404);
    expect((await stranger.http.get('/api/me')).status).toBe(200);
    expect((await u.http.delete(`/api/me/sessions/${randomUUID()}`)).status).toBe(404);
    expect((await u.http.delete('/api/me/sessions/not-a-uuid')).status).toBe(400);

    const socket = await connect(app.url, other.token);
    const closed = disconnected(socket, 5_000);
    expect((await u.http.delete(`/api/me/sessions/${target.id}`)).status).toBe(204);
    await closed;
    expect((await other.http.get('/api/me')).status).toBe(401);
    expect((await anon.post('/api/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(401);
    expect((await u.http.get('/api/me/sessions')).body.map((s: any) => s.id)).toEqual([current[0].id]);
    expect((await u.http.delete(`/api/me/sessions/${target.id}`)).status).toBe(404);
    expect(await auditOf(admin, 'auth.session.revoked', target.id)).toHaveLength(1);
  });

  it('reset by email: the same 202 for any address; the link works once; altered and expired tokens are 400', async () => {
    const u = await officer(admin, 'HN', [ST], { locale: 'es', timezone: 'America/Tegucigalpa' });
    const device = await signInAgain(u);
    const unknown = `nobody-${randomUUID().slice(0, 8)}@enlace.test`;
    const a = await anon.post('/api/auth/password-reset', { email: unknown });
    const b = await anon.post('/api/auth/password-reset', { email: u.email.toUpperCase() });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.text).toBe(b.text);
    await smtp.waitFor(() => resetMailsTo(smtp, u.email).length === 1, 'the reset email');
    expect(smtp.messages.filter((m) => m.to.includes(unknown))).toEqual([]);
    const [unknownEntry] = await auditOf(admin, 'account.password.reset.requested', unknown);
    expect(unknownEntry.details).toEqual({ outcome: 'unknown-email' });

    const mail = resetMailsTo(smtp, u.email)[0];
    expect(mail.parsed.subject).toBe('Restablezca su contraseña de Enlace');
    expect(mail.raw.toString()).not.toContain(u.password);
    const token = resetToken(mail);
    expect(mail.parsed.text).toContain(`https://enlace.example.org/reset-password?token=${token}`);

    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const bad = await anon.post('/api/auth/password-reset/confirm', {
      token: altered,
      newPassword: 'reset-password-123',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_TOKEN');
    const ok = await anon.post('/api/auth/password-reset/confirm', {
      token,
      newPassword: 'reset-password-123',
    });
    expect(ok.status).toBe(204);
    // every session ended; the new password signs in, the old one does not
    expect((await u.http.get('/api/me')).status).toBe(401);
    expect((await device.http.get('/api/me')).status).toBe(401);
    expect((await anon.post('/api/auth/login', { email: u.email, password: u.password })).status).toBe(401);
    const signedIn = await anon.post('/api/auth/login', { email: u.email, password: 'reset-password-123' });
    expect(signedIn.status).toBe(200);
    const again = await anon.post('/api/auth/password-reset/confirm', {
      token,
      newPassword: 'another-password-99',
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('INVALID_TOKEN');
    const [entry] = await auditOf(admin, 'account.password.reset', u.id);
    expect(entry.details.sessionsEnded).toBe(2);

    // a link older than 30 minutes (the injected clock)
    expect((await anon.post('/api/auth/password-reset', { email: u.email })).status).toBe(202);
    await smtp.waitFor(() => resetMailsTo(smtp, u.email).length === 2, 'the second reset email');
    const late = resetToken(resetMailsTo(smtp, u.email)[1]);
    clock.advance(31 * 60_000);
    try {
      const expired = await anon.post('/api/auth/password-reset/confirm', {
        token: late,
        newPassword: 'too-late-password-1',
      });
      expect(expired.status).toBe(400);
      expect(expired.body.error.code).toBe('INVALID_TOKEN');
    } finally {
      clock.advance(-31 * 60_000);
    }
    expect(
      (await anon.post('/api/auth/login', { email: u.email, password: 'reset-password-123' })).status,
    ).toBe(200);
  });

  it('reset requests are throttled: 3 emails an hour per address, then 429 per client address', async () => {
    const u = await officer(admin, 'PA', [ST]);
    const before = resetMailsTo(smtp, u.email).length;
    for (let i = 0; i < 4; i++)
      expect((await anon.post('/api/auth/password-reset', { email: u.email })).status).toBe(202);
    await smtp.waitFor(() => resetMailsTo(smtp, u.email).length >= before + 3, 'three reset emails');
    const outcomes = (await auditOf(admin, 'account.password.reset.requested', u.id)).map(
      (e) => e.details.outcome,
    );
    expect(outcomes).toEqual(['throttled', 'sent', 'sent', 'sent']);
    // this client address has now asked 10 times in this suite (the window is 15 minutes)
    let res = await anon.post('/api/auth/password-reset', { email: `x-${randomUUID()}@enlace.test` });
    for (let i = 0; i < 12 && res.status === 202; i++)
      res = await anon.post('/api/auth/password-reset', { email: `x-${randomUUID()}@enlace.test` });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(resetMailsTo(smtp, u.email).length).toBe(before + 3);
  });
});
