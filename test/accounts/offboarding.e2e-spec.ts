import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { TEST_JWT_SECRET } from '../support/env.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { createUser, login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { connect, disconnected } from '../messaging/support.js';
import { queues, queuesIdle, ReminderInbox } from '../follow-ups/helpers.js';
import { auditOf, resetMailsTo } from './support.js';

jest.setTimeout(120_000);

const CP = 'consular-protection';
const CLI = join(process.cwd(), 'dist', 'apps', 'api', 'src', 'cli.js');

/**
 * Offboarding (issue 15 A): disable and enable by the admin or the Secretariat, and by the operator CLI. One service
 * in this process (API and worker) on real PostgreSQL, socket.io clients and the SMTP peer.
 */
describe('offboarding: disable and enable an account', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  let admin: Http;
  let anon: Http;
  let secretariat: TestUser;
  let gt1: TestUser;
  let gt2: TestUser;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    admin = await loginAdmin(app.url);
    anon = new Http(app.url);
    secretariat = await createUser(admin, { roles: ['secretariat'] });
    [gt1, gt2] = await Promise.all([officer(admin, 'GT', [CP]), officer(admin, 'GT', [CP])]);
  });

  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  it('only staff disable; never themselves; a staff account only by an admin; unknown ids are 404', async () => {
    const staff2 = await createUser(admin, { roles: ['secretariat'] });
    const cases: Array<[Http, string, number]> = [
      [gt2.http, gt1.id, 403],
      [secretariat.http, secretariat.id, 403],
      [secretariat.http, staff2.id, 403],
      [admin, randomUUID(), 404],
      [admin, 'not-a-uuid', 400],
      [anon, gt1.id, 401],
    ];
    for (const [http, id, status] of cases) {
      const res = await http.post(`/api/admin/users/${id}/disable`);
      expect([id, res.status]).toEqual([id, status]);
      expect(res.body.error.code).toBeDefined();
    }
    const me = (await admin.get('/api/me')).body.id;
    expect((await admin.post(`/api/admin/users/${me}/disable`)).status).toBe(403);
    expect((await gt1.http.get('/api/me')).status).toBe(200);
    // an admin may offboard a staff account
    const res = await admin.post(`/api/admin/users/${staff2.id}/disable`);
    expect(res.status).toBe(200);
    expect(res.body.disabledAt).toEqual(expect.any(String));
    expect((await staff2.http.get('/api/me')).status).toBe(401);
  });

  it('disable: sessions and sockets end, sign-in says ACCOUNT_DISABLED, reminders reach only the others', async () => {
    const mx = await officer(admin, 'MX', [CP]);
    const posted = await gt1.http.post(`/api/networks/${CP}/channels`, {
      name: `gt1-${Date.now()}`,
      visibility: 'network',
    });
    expect(posted.status).toBe(201);
    const said = await gt1.http.post(`/api/channels/${posted.body.id}/messages`, {
      body: 'Consulate contact list updated',
      clientMessageId: randomUUID(),
    });
    expect(said.status).toBe(201);
    const socket = await connect(app.url, gt1.token);
    const inbox2 = await ReminderInbox.connect(app.url, gt2.token);

    const closed = disconnected(socket, 5_000);
    const res = await secretariat.http.post(`/api/admin/users/${gt1.id}/disable`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: gt1.id, disabledAt: expect.any(String) });
    expect('calendarToken' in res.body).toBe(false);
    await closed;
    expect((await gt1.http.get('/api/me')).status).toBe(401);
    expect((await anon.post('/api/auth/refresh', { refreshToken: gt1.refreshToken })).status).toBe(401);
    const signIn = await anon.post('/api/auth/login', { email: gt1.email, password: gt1.password });
    expect([signIn.status, signIn.body.error.code]).toEqual([401, 'ACCOUNT_DISABLED']);
    const wrong = await anon.post('/api/auth/login', { email: gt1.email, password: 'wrong-password-123' });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    // no reset email for a disabled account, the same answer
    expect((await anon.post('/api/auth/password-reset', { email: gt1.email })).status).toBe(202);
    const [requested] = await auditOf(admin, 'account.password.reset.requested', gt1.id);
    expect(requested.details).toEqual({ outcome: 'disabled' });

    // a reminder due afterwards: GT's other officer gets it (socket and email), the disabled one nothing
    const item = await admin.post(`/api/networks/${CP}/follow-ups`, {
      title: `Travel documents ${Date.now()}`,
      dueAt: new Date(Date.now() + 2_000).toISOString(),
      countries: ['GT'],
      reminders: ['PT0S'],
    });
    expect(item.status).toBe(201);
    await inbox2.waitFor(() => inbox2.of(item.body.id).length === 1, 'the reminder');
    await smtp.waitFor(
      () => smtp.messages.some((m) => m.to.includes(gt2.email) && m.messageId.includes(item.body.id)),
      'the reminder email',
    );
    await queuesIdle(queues(app), item.body.id);
    expect(smtp.messages.filter((m) => m.to.includes(gt1.email))).toEqual([]);
    expect(resetMailsTo(smtp, gt1.email)).toEqual([]);
    inbox2.close();

    // history stays: the message and its author are there for the others
    const log = await mx.http.get(`/api/channels/${posted.body.id}/messages`);
    expect(log.body.map((m: any) => [m.author.id, m.body])).toEqual([
      [gt1.id, 'Consulate contact list updated'],
    ]);
    const [entry] = await auditOf(admin, 'account.disabled', gt1.id);
    expect(entry).toMatchObject({ actorId: secretariat.id });
    expect(entry.details.sessionsEnded).toBe(1);
    const listed = (await admin.get('/api/admin/users')).body.find((u: any) => u.id === gt1.id);
    expect(listed.disabledAt).toEqual(expect.any(String));

    // enable: sign-in works again, the sessions that ended stay ended
    const enabled = await secretariat.http.post(`/api/admin/users/${gt1.id}/enable`);
    expect([enabled.status, enabled.body.disabledAt]).toEqual([200, null]);
    expect((await gt1.http.get('/api/me')).status).toBe(401);
    expect((await anon.post('/api/auth/refresh', { refreshToken: gt1.refreshToken })).status).toBe(401);
    const back = await login(app.url, gt1.email, gt1.password);
    expect((await new Http(app.url, back.accessToken).get('/api/me')).status).toBe(200);
    expect(await auditOf(admin, 'account.enabled', gt1.id)).toHaveLength(1);
  });

  it('the operator CLI disables and enables (live sockets end within seconds, audited)', async () => {
    const u = await officer(admin, 'SV', [CP]);
    // not spawnSync: the service runs in this process and must keep serving while the CLI works
    const cli = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], {
          env: { PATH: process.env.PATH, DATABASE_URL: app.databaseUrl, JWT_SECRET: TEST_JWT_SECRET },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const socket = await connect(app.url, u.token);
    const closed = disconnected(socket, 20_000);
    const off = await cli('user', 'disable', u.email.toUpperCase());
    expect(off.stderr).not.toContain('error');
    expect(off.status).toBe(0);
    expect(JSON.parse(off.stdout)).toMatchObject({ email: u.email, disabledAt: expect.any(String) });
    expect((await u.http.get('/api/me')).status).toBe(401);
    await closed;
    const signIn = await anon.post('/api/auth/login', { email: u.email, password: u.password });
    expect(signIn.body.error.code).toBe('ACCOUNT_DISABLED');

    const on = await cli('user:enable', u.email);
    expect(on.status).toBe(0);
    expect(JSON.parse(on.stdout).disabledAt).toBeNull();
    expect((await anon.post('/api/auth/login', { email: u.email, password: u.password })).status).toBe(200);
    const missing = await cli('user:disable', 'nobody@enlace.test');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no account with the email nobody@enlace.test');
    const [entry] = await auditOf(admin, 'account.disabled', u.id);
    expect(entry.actorId).toBeNull();
    expect(entry.requestId).toMatch(/^cli:/);
  });
});
