import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig, type ManualClock } from '#config';
import { CasesChannelOfficersOnly1764370000100 } from '../../libs/database/src/migrations/1764370000100-cases-channel-officers.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { createUser, login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from '../follow-ups/helpers.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';

/**
 * What a hostile-insider review found open (issue 7), one test per item, each named after it. The service runs behind
 * a trusted proxy on loopback (TRUST_PROXY), so X-Forwarded-For gives each request its client address.
 */
describe('security: what a hostile-insider review opened (issue 7)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let admin: Http;
  let sec: TestUser;
  let gt: TestUser;
  let cr: TestUser;
  let mx: TestUser;
  let obs: TestUser;
  let involvedCase: any;
  /** By the service's clock (item 4 moves it forward). */
  const inSeconds = (s: number) => new Date(app.clock.now().getTime() + s * 1000).toISOString();

  const from = (address: string, token?: string) => ({
    post: (path: string, body: unknown) =>
      new Http(app.url, token).post(path, body, { 'x-forwarded-for': address }),
  });

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp({
      env: { TRUST_PROXY: '127.0.0.1', PUBLIC_URL: 'https://enlace.example.org', SMTP_URL: smtp.url },
    });
    admin = await loginAdmin(app.url);
    sec = await createUser(admin, { roles: ['secretariat'], country: 'GT' });
    gt = await officer(admin, 'GT');
    cr = await officer(admin, 'CR');
    mx = await officer(admin, 'MX');
    obs = await createUser(admin, { country: 'CO', memberships: [{ network: ST, role: 'observer' }] });
    await setPresidency(admin, 'MX', utcDay(-1), utcDay(30));
    involvedCase = (
      await gt.http.post(`/api/networks/${ST}/cases`, {
        title: 'Trata en Petén',
        type: 'trafficking-in-persons',
        handling: 'involved',
        countries: ['GT'],
        summary: 'Two minors held in a farm',
      })
    ).body;
  });

  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  it('2 · secretariat self-grant: nobody changes their own memberships; staff accounts are the admin’s, audited', async () => {
    const self = await sec.http.put(`/api/admin/users/${sec.id}/memberships`, {
      memberships: [{ network: ST, role: 'officer' }],
    });
    expect(self.status).toBe(403);
    expect((await sec.http.get(`/api/cases/${involvedCase.id}`)).status).toBe(404);

    const otherStaff = await createUser(admin, { roles: ['secretariat'], country: 'GT' });
    const onStaff = await sec.http.put(`/api/admin/users/${otherStaff.id}/memberships`, {
      memberships: [{ network: ST, role: 'officer' }],
    });
    expect(onStaff.status).toBe(403);
    const onAdmin = await sec.http.put(
      `/api/admin/users/${(await admin.get('/api/me')).body.id}/memberships`,
      { memberships: [{ network: ST, role: 'observer' }] },
    );
    expect(onAdmin.status).toBe(403);
    const adminSelf = await admin.put(
      `/api/admin/users/${(await admin.get('/api/me')).body.id}/memberships`,
      {
        memberships: [{ network: ST, role: 'officer' }],
      },
    );
    expect(adminSelf.status).toBe(403);

    // The secretariat still manages officers and observers; an admin gives a staff account an officer membership.
    const officerChange = await sec.http.put(`/api/admin/users/${obs.id}/memberships`, {
      memberships: [{ network: ST, role: 'observer' }],
    });
    expect(officerChange.status).toBe(200);
    const byAdmin = await admin.put(`/api/admin/users/${otherStaff.id}/memberships`, {
      memberships: [{ network: ST, role: 'officer' }],
    });
    expect(byAdmin.status).toBe(200);
    const audit = await admin.get(`/api/admin/audit?action=membership.set&targetId=${otherStaff.id}`);
    expect(audit.body[0]).toMatchObject({ action: 'membership.set', targetId: otherStaff.id });
  });

  it('3 · failed-login limit under concurrency: 20 parallel wrong passwords → at most 5 are tried', async () => {
    const victim = await officer(admin, 'HN');
    // A second API process of the same deployment (same database): the count holds across processes.
    const second = await startTestApp({
      databaseUrl: app.databaseUrl,
      role: 'api',
      env: { TRUST_PROXY: '127.0.0.1', PUBLIC_URL: 'https://enlace.example.org' },
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Http(i % 2 ? second.url : app.url).post(
          '/api/auth/login',
          { email: victim.email, password: 'wrong-password-1' },
          { 'x-forwarded-for': '203.0.113.7' },
        ),
      ),
    ).finally(() => second.close());
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('4 · lockouts anyone can cause: TRUST_PROXY, a limit per (email, address), growing delays', async () => {
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://x@h/db', JWT_SECRET: 'x'.repeat(40), TRUST_PROXY: 'yes' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({
        DATABASE_URL: 'postgres://x@h/db',
        JWT_SECRET: 'x'.repeat(40),
        TRUST_PROXY: '10.0.0.1,nonsense',
      }),
    ).toThrow(/^Invalid configuration: TRUST_PROXY /);

    const owner = await officer(admin, 'PA');
    const attacker = '198.51.100.1';
    for (let i = 0; i < 5; i++) {
      const r = await from(attacker).post('/api/auth/login', {
        email: owner.email,
        password: `guess-${i}-xxxx`,
      });
      expect(r.status).toBe(401);
    }
    const locked = await from(attacker).post('/api/auth/login', {
      email: owner.email,
      password: owner.password,
    });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    const firstDelay = Number(locked.headers.get('retry-after'));
    expect(firstDelay).toBeGreaterThan(0);

    // The owner, elsewhere, is not slowed; the attacker's address may still sign in to another account.
    expect(
      (await from('198.51.100.2').post('/api/auth/login', { email: owner.email, password: owner.password }))
        .status,
    ).toBe(200);
    expect(
      (await from(attacker).post('/api/auth/login', { email: cr.email, password: cr.password })).status,
    ).toBe(200);

    // The audit log holds the client address that the trusted proxy gave.
    const failed = await admin.get(`/api/admin/audit?action=auth.login.failed&targetId=${owner.email}`);
    expect(failed.body[0].ip).toBe(attacker);

    // After the delay, one more failure locks that address for longer.
    (app.clock as ManualClock).advance((firstDelay + 1) * 1000);
    expect(
      (await from(attacker).post('/api/auth/login', { email: owner.email, password: 'guess-again-x' }))
        .status,
    ).toBe(401);
    const again = await from(attacker).post('/api/auth/login', {
      email: owner.email,
      password: owner.password,
    });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(firstDelay);
  });

  it('5 · message history is for the author only', async () => {
    const general = (await gt.http.get(`/api/networks/${ST}/channels`)).body.find(
      (c: any) => c.name === 'general',
    );
    const sent = await gt.http.post(`/api/channels/${general.id}/messages`, {
      body: 'Nombre de la víctima: María',
      clientMessageId: `h-${Date.now()}`,
    });
    expect((await gt.http.patch(`/api/messages/${sent.body.id}`, { body: 'corrected' })).status).toBe(200);
    expect((await gt.http.delete(`/api/messages/${sent.body.id}`)).status).toBe(200);
    for (const reader of [obs, cr, mx]) {
      const h = await reader.http.get(`/api/messages/${sent.body.id}/history`);
      expect(h.status).toBe(403);
      expect(h.text).not.toContain('María');
    }
    const own = await gt.http.get(`/api/messages/${sent.body.id}/history`);
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).toContain('María');
  });

  it('6 · follow-ups link only cases their creator can read; the reference is shown only to its readers', async () => {
    const linkInvolved = await mx.http.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Seguimiento',
      dueAt: inSeconds(3600),
      countries: ['GT'],
      caseId: involvedCase.id,
    });
    expect(linkInvolved.status).toBe(400);
    const networkCase = (
      await gt.http.post(`/api/networks/${ST}/cases`, {
        title: 'Red de tráfico',
        type: 'migrant-smuggling',
        handling: 'network',
        countries: ['GT'],
        summary: 'Route through Tecún Umán',
      })
    ).body;
    const bySecretariat = await sec.http.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Seguimiento',
      dueAt: inSeconds(3600),
      countries: ['GT'],
      caseId: networkCase.id,
    });
    expect(bySecretariat.status).toBe(400);

    const item = await mx.http.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Informe de la red',
      dueAt: inSeconds(4),
      countries: ['GT', 'CR'],
      reminders: ['PT0S'],
      caseId: networkCase.id,
    });
    expect(item.status).toBe(201);
    // The opener narrows the case to GT: CR may no longer read it.
    expect((await gt.http.patch(`/api/cases/${networkCase.id}`, { handling: 'involved' })).status).toBe(200);

    const boardOf = async (u: TestUser) =>
      (await u.http.get(`/api/networks/${ST}/follow-ups/board`)).body.followUps.find(
        (f: any) => f.id === item.body.id,
      );
    expect((await boardOf(gt)).caseId).toBe(networkCase.id);
    expect((await boardOf(cr)).caseId).toBeNull();
    expect((await cr.http.get(`/api/follow-ups/${item.body.id}`)).body.caseId).toBeNull();
    expect((await sec.http.get(`/api/follow-ups/${item.body.id}`)).body.caseId).toBeNull();
    expect((await obs.http.get(`/api/follow-ups/${item.body.id}`)).body.caseId).toBeNull();

    const mailTo = (u: TestUser) =>
      smtp.messages.find((m) => m.to.includes(u.email) && m.messageId.includes(item.body.id));
    await smtp.waitFor(() => !!mailTo(gt) && !!mailTo(cr), 'the reminder emails of GT and CR');
    expect(mailTo(gt)!.raw.toString()).toContain(networkCase.reference);
    expect(mailTo(cr)!.raw.toString()).not.toContain(networkCase.reference);
  });

  it('7 · security headers (helmet) and Cache-Control: no-store on authenticated answers', async () => {
    const me = await gt.http.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('x-content-type-options')).toBe('nosniff');
    expect(me.headers.get('x-frame-options')).toBe('DENY');
    expect(me.headers.get('referrer-policy')).toBe('no-referrer');
    expect(me.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.headers.get('x-powered-by')).toBeNull();
    expect(me.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
  });

  it('8 · the default cases channel is officers-only, also in existing data (migration)', async () => {
    const of = async (u: TestUser) =>
      ((await u.http.get(`/api/networks/${ST}/channels`)).body as any[]).find((c) => c.name === 'cases');
    expect((await of(gt))?.visibility).toBe('officers');
    expect(await of(obs)).toBeUndefined();
    expect(await of(sec)).toBeUndefined();

    const db = app.runtime.app.get(DataSource);
    await db.query(`UPDATE channels SET visibility = 'network' WHERE is_default AND name = 'cases'`);
    const runner = db.createQueryRunner();
    try {
      await new CasesChannelOfficersOnly1764370000100().up(runner);
    } finally {
      await runner.release();
    }
    const rows = await db.query(`SELECT visibility FROM channels WHERE is_default AND name = 'cases'`);
    expect(rows.length).toBe(2);
    expect(rows.every((r: any) => r.visibility === 'officers')).toBe(true);
  });

  it('9 · a refresh with <sid>.<anything> does not revoke the session; a real rotated token does', async () => {
    const session = await login(app.url, mx.email, mx.password);
    const sid = session.refreshToken.split('.')[0];
    const forged = await new Http(app.url).post('/api/auth/refresh', {
      refreshToken: `${sid}.${'A'.repeat(43)}`,
    });
    expect(forged.status).toBe(401);
    expect((await new Http(app.url, session.accessToken).get('/api/me')).status).toBe(200);
    const rotated = await new Http(app.url).post('/api/auth/refresh', { refreshToken: session.refreshToken });
    expect(rotated.status).toBe(200);
    // Reusing the earlier token (a real one of this session) ends the session.
    const reuse = await new Http(app.url).post('/api/auth/refresh', { refreshToken: session.refreshToken });
    expect(reuse.status).toBe(401);
    expect(
      (await new Http(app.url).post('/api/auth/refresh', { refreshToken: rotated.body.refreshToken })).status,
    ).toBe(401);
  });

  it('10 · __proto__/constructor keys, control characters in names, calendarToken, X-Request-Id, closed cases, case handling', async () => {
    // __proto__ and constructor keys are unknown fields
    const proto = await new Http(app.url).post(
      '/api/auth/login',
      `{"email":"${gt.email}","password":"${gt.password}","__proto__":{"roles":["admin"]}}`,
    );
    expect(proto.status).toBe(400);
    expect(proto.body.error.code).toBe('VALIDATION_FAILED');
    const ctor = await admin.post(
      '/api/admin/users',
      `{"email":"c@enlace.test","password":"long-enough-password","displayName":"C","locale":"en","timezone":"UTC","memberships":[],"constructor":{"prototype":{"x":1}}}`,
    );
    expect(ctor.status).toBe(400);

    // CR/LF and other control characters in display names
    for (const displayName of ['Ana\r\nBcc: all@example.org', 'Ana\u0000', 'Ana\u202Egnp.exe']) {
      const r = await admin.post('/api/admin/users', {
        email: `ctl-${Math.random().toString(36).slice(2)}@enlace.test`,
        password: 'long-enough-password',
        displayName,
        locale: 'en',
        timezone: 'UTC',
        memberships: [],
      });
      expect(r.status).toBe(400);
      expect(r.body.error.details[0].field).toBe('displayName');
    }

    // the secretariat's user list carries no calendarToken; /api/me does
    const users = await sec.http.get('/api/admin/users');
    expect(users.status).toBe(200);
    expect(users.body.length).toBeGreaterThan(3);
    expect(users.body.every((u: any) => !('calendarToken' in u))).toBe(true);
    expect(typeof (await gt.http.get('/api/me')).body.calendarToken).toBe('string');

    // X-Request-Id: kept only when it is a sane short token
    const sane = await gt.http.get('/api/me', { 'x-request-id': 'client-req-42' });
    expect(sane.headers.get('x-request-id')).toBe('client-req-42');
    for (const given of ['<script>alert(1)</script>', 'x'.repeat(200), 'a b c']) {
      const r = await gt.http.get('/api/me', { 'x-request-id': given });
      expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }

    // a closed case's messages cannot be edited or deleted
    const closing = (
      await gt.http.post(`/api/networks/${ST}/cases`, {
        title: 'Cierre',
        type: 'undetermined',
        handling: 'involved',
        countries: ['GT', 'CR'],
        summary: 'To be closed',
      })
    ).body;
    const msg = await gt.http.post(`/api/cases/${closing.id}/messages`, {
      body: 'dato',
      clientMessageId: `c-${Date.now()}`,
    });
    expect(msg.status).toBe(201);

    // only officers of the opener's country change handling or countries (audited); others still work on the case
    const widen = await cr.http.patch(`/api/cases/${closing.id}`, { handling: 'network' });
    expect(widen.status).toBe(403);
    expect((await cr.http.patch(`/api/cases/${closing.id}`, { countries: ['GT', 'CR', 'HN'] })).status).toBe(
      403,
    );
    const denied = await admin.get(`/api/admin/audit?action=case.update.denied&targetId=${closing.id}`);
    expect(denied.body.length).toBe(2);
    expect((await gt.http.get(`/api/cases/${closing.id}`)).body.handling).toBe('involved');
    expect((await cr.http.patch(`/api/cases/${closing.id}`, { status: 'closed' })).status).toBe(200);

    const edit = await gt.http.patch(`/api/messages/${msg.body.id}`, { body: 'changed' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('CASE_CLOSED');
    const del = await gt.http.delete(`/api/messages/${msg.body.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('CASE_CLOSED');
  });
});
