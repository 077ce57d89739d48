import pg from 'pg';
import { ManualClock } from '#config';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { createUser, login, loginAdmin, officer, type TestUser } from '../factories/users.js';

const DAY = 24 * 3600 * 1000;
const date = (d: Date) => d.toISOString().slice(0, 10);

describe('PPT terms and the audit log', () => {
  let app: TestApp;
  let admin: Http;
  let clock: ManualClock;
  let gt: TestUser;
  let mx: TestUser;
  let db: pg.Client;

  beforeAll(async () => {
    clock = new ManualClock();
    app = await startTestApp({ clock });
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', ['smuggling-trafficking', 'consular-protection']);
    mx = await officer(admin, 'MX', ['consular-protection']);
    db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('seeds the reference data once, however often the service starts', async () => {
    const count = async (sql: string) => (await db.query(sql)).rows[0].n;
    const check = async () => {
      expect(await count(`SELECT count(*)::int AS n FROM countries WHERE kind = 'member'`)).toBe(11);
      expect(await count(`SELECT count(*)::int AS n FROM countries WHERE kind = 'observer'`)).toBe(4);
      expect(await count(`SELECT count(*)::int AS n FROM organizations`)).toBe(4);
      const networks = (await db.query(`SELECT slug, name_es FROM networks ORDER BY slug`)).rows;
      expect(networks).toEqual([
        { slug: 'consular-protection', name_es: 'Red de Funcionarios de Enlace de Protección Consular' },
        {
          slug: 'smuggling-trafficking',
          name_es:
            'Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas',
        },
      ]);
      const channels = (
        await db.query(
          `SELECT n.slug, array_agg(c.name ORDER BY c.name) AS names FROM channels c JOIN networks n ON n.id = c.network_id
            WHERE c.is_default GROUP BY n.slug ORDER BY n.slug`,
        )
      ).rows;
      for (const row of channels) expect(row.names).toEqual(['cases', 'follow-up', 'general', 'training']);
      expect(channels).toHaveLength(2);
    };
    await check();
    // a second process on the same database (as after a restart) changes nothing
    const second = await startTestApp({ databaseUrl: app.databaseUrl, role: 'worker' });
    await second.close();
    await check();
  });

  it('derives presidency from the term covering today, and hands over by date', async () => {
    const today = clock.now();
    const gtTerm = await admin.put('/api/admin/presidency', {
      country: 'GT',
      startsOn: date(new Date(today.getTime() - 30 * DAY)),
      endsOn: date(today),
    });
    expect(gtTerm.status).toBe(200);
    expect(gtTerm.body).toMatchObject({ country: 'GT', endsOn: date(today) });
    const mxTerm = await admin.put('/api/admin/presidency', {
      country: 'MX',
      startsOn: date(new Date(today.getTime() + DAY)),
      endsOn: date(new Date(today.getTime() + 365 * DAY)),
    });
    expect(mxTerm.status).toBe(200);

    expect((await gt.http.get('/api/me')).body.presidency).toBe(true);
    expect((await mx.http.get('/api/me')).body.presidency).toBe(false);
    expect((await gt.http.get('/api/presidency')).body.country).toBe('GT');

    // noon tomorrow: past the expiry of any token issued today, also when the test runs just before midnight
    clock.set(new Date(`${date(new Date(today.getTime() + DAY))}T12:00:00Z`));
    // a day later the access tokens issued today have expired (by the same clock): sign in again
    expect((await gt.http.get('/api/me')).status).toBe(401);
    const gtTomorrow = new Http(app.url, (await login(app.url, gt.email, gt.password)).accessToken);
    const mxTomorrow = new Http(app.url, (await login(app.url, mx.email, mx.password)).accessToken);
    expect((await gtTomorrow.get('/api/me')).body.presidency).toBe(false);
    expect((await mxTomorrow.get('/api/me')).body.presidency).toBe(true);
    expect((await mxTomorrow.get('/api/presidency')).body.country).toBe('MX');
    clock.set(today);
  });

  it('refuses overlapping terms, observer countries and bad dates; only staff may set terms', async () => {
    const today = clock.now();
    const overlap = await admin.put('/api/admin/presidency', {
      country: 'HN',
      startsOn: date(new Date(today.getTime() - 2 * DAY)),
      endsOn: date(new Date(today.getTime() + 2 * DAY)),
    });
    expect(overlap.status).toBe(409);
    expect(overlap.body.error.code).toBe('PRESIDENCY_OVERLAP');
    const observer = await admin.put('/api/admin/presidency', {
      country: 'AR',
      startsOn: '2040-01-01',
      endsOn: '2040-12-31',
    });
    expect(observer.status).toBe(400);
    const badDate = await admin.put('/api/admin/presidency', {
      country: 'HN',
      startsOn: '2040-02-30',
      endsOn: '2040-12-31',
    });
    expect(badDate.status).toBe(400);
    const reversed = await admin.put('/api/admin/presidency', {
      country: 'HN',
      startsOn: '2040-12-31',
      endsOn: '2040-01-01',
    });
    expect(reversed.status).toBe(400);
    const byOfficer = await gt.http.put('/api/admin/presidency', {
      country: 'GT',
      startsOn: '2041-01-01',
      endsOn: '2041-12-31',
    });
    expect(byOfficer.status).toBe(403);
    const sec = await createUser(admin, { roles: ['secretariat'] });
    expect(
      (
        await sec.http.put('/api/admin/presidency', {
          country: 'HN',
          startsOn: '2041-01-01',
          endsOn: '2041-12-31',
        })
      ).status,
    ).toBe(200);
  });

  it('changes memberships and records every action in the append-only audit log', async () => {
    const user = await officer(admin, 'CR', ['consular-protection']);
    const changed = await admin.put(`/api/admin/users/${user.id}/memberships`, {
      memberships: [{ network: 'smuggling-trafficking', role: 'observer' }],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.memberships).toEqual([{ network: 'smuggling-trafficking', role: 'observer' }]);
    await new Http(app.url).post('/api/auth/login', { email: user.email, password: 'wrong-password-x' });

    const { rows } = await db.query(
      `SELECT action, target_id, actor_id, request_id FROM audit_log ORDER BY id`,
    );
    const actions = (target: string) => rows.filter((r) => r.target_id === target).map((r) => r.action);
    expect(actions(user.id)).toEqual(
      expect.arrayContaining(['account.created', 'membership.set', 'auth.login']),
    );
    expect(rows.filter((r) => r.target_id === user.id && r.action === 'membership.set')).toHaveLength(2);
    expect(actions(user.email)).toContain('auth.login.failed');
    expect(rows.some((r) => r.action === 'presidency.term.set')).toBe(true);
    expect(rows.every((r) => r.request_id)).toBe(true);

    const viaApi = await admin.get(`/api/admin/audit?targetId=${user.id}`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.map((r: any) => r.action)).toContain('account.created');
    expect((await user.http.get('/api/admin/audit')).status).toBe(403);

    await expect(db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });
});
