import { jest } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import type { Http } from '../support/http.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';
/** The parsed JSON body of an answer. */
const json = (res: Response): Promise<any> => res.json();
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0];

/** bull-board at /admin/queues: for a signed-in admin only, through a short-lived cookie; read-only. */
describe('the queue board (/admin/queues)', () => {
  let app: TestApp;
  let admin: Http;
  let root: TestUser;
  const users: Record<string, TestUser> = {};

  const openSession = (token?: string) =>
    fetch(`${app.url}/api/admin/queues/session`, {
      method: 'POST',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  const board = (path: string, cookie?: string, method = 'GET') =>
    fetch(`${app.url}/admin/queues${path}`, { method, headers: cookie ? { Cookie: cookie } : {} });

  beforeAll(async () => {
    app = await startTestApp({ redis: true });
    admin = await loginAdmin(app.url);
    root = await createUser(admin, { roles: ['admin'] });
    users.officer = await officer(admin, 'GT', [ST]);
    users.otherNetwork = await officer(admin, 'MX', [CP]);
    users.observer = await createUser(admin, {
      country: 'CR',
      memberships: [{ network: ST, role: 'observer' }],
    });
    users.secretariat = await createUser(admin, { roles: ['secretariat'] });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses the session to nobody (401) and to every role but admin (403), setting no cookie', async () => {
    const nobody = await openSession();
    expect(nobody.status).toBe(401);
    expect((await json(nobody)).error.code).toBe('UNAUTHORIZED');
    expect(nobody.headers.get('set-cookie')).toBeNull();
    for (const role of ['officer', 'otherNetwork', 'observer', 'secretariat']) {
      const res = await openSession(users[role].token);
      expect({ role, status: res.status }).toEqual({ role, status: 403 });
      expect((await json(res)).error.code).toBe('FORBIDDEN');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('refuses the board without the cookie, and with the token of anyone but an admin in it', async () => {
    const none = await board('');
    expect(none.status).toBe(401);
    expect((await json(none)).error.code).toBe('UNAUTHORIZED');
    expect((await board('/api/queues')).status).toBe(401);
    expect((await board('', 'enlace_queue_board=not-a-token')).status).toBe(401);
    expect((await board('', 'enlace_queue_board=%E0%A4%A')).status).toBe(401);
    for (const role of ['officer', 'observer', 'secretariat']) {
      const forged = `enlace_queue_board=${users[role].token}`;
      const res = await board('/api/queues', forged);
      expect({ role, status: res.status }).toEqual({ role, status: 403 });
    }
  });

  it('lets an admin in through an HttpOnly, SameSite=Strict cookie scoped to the board, read-only, audited', async () => {
    const res = await openSession(root.token);
    expect(res.status).toBe(204);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(
      /^enlace_queue_board=[^;]+; Path=\/admin\/queues; Max-Age=\d+; HttpOnly; SameSite=Strict$/,
    );
    const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(900);
    const cookie = cookieOf(res);

    const page = await board('/', cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('__UI_CONFIG__');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("font-src 'self'");
    expect(csp).not.toContain('googleapis');

    const api = await board('/api/queues', cookie);
    expect(api.status).toBe(200);
    const names = ((await json(api)).queues as Array<{ name: string; readOnlyMode: boolean }>).map((q) => ({
      name: q.name,
      readOnly: q.readOnlyMode,
    }));
    expect(names).toEqual(
      expect.arrayContaining([
        { name: 'missed-messages', readOnly: true },
        { name: 'follow-up-reminders', readOnly: true },
        { name: 'training-emails', readOnly: true },
      ]),
    );

    const change = await board('/api/queues/missed-messages/pause', cookie, 'PUT');
    expect(change.status).toBe(405);
    expect((await json(change)).error.code).toBe('METHOD_NOT_ALLOWED');

    const audit = await admin.get(`/api/admin/audit?action=queue-board.opened&targetId=${root.id}`);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0].actorId).toBe(root.id);
  });

  it('closes the board as soon as the session behind the cookie ends', async () => {
    const cookie = cookieOf(await openSession(root.token));
    expect((await board('/api/queues', cookie)).status).toBe(200);
    const out = await root.http.post('/api/auth/logout', { refreshToken: root.refreshToken });
    expect(out.status).toBe(204);
    expect((await board('/api/queues', cookie)).status).toBe(401);
  });
});
