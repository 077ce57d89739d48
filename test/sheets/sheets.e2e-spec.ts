import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ManualClock } from '#config';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { Http as Client } from '../support/http.js';
import { createUser, login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { collect, connect, type ClientSocket } from '../messaging/support.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';
const MX_VISAS = '/api/countries/MX/sheets/visa-requirements';
const HOSTILE = {
  en: '# Visa requirements\n\n<script>alert("en")</script>\n\n[Apply here](javascript:alert(1)) · [embassy](https://embamex.example.org/visas)',
  es: '# Requisitos de visa\n\n<script>alert("es")</script>\n\n[Solicitar](JAVASCRIPT:alert(2)) · [correo](mailto:consulado@example.org)',
};

/**
 * Country sheets (issue 12 B) on real PostgreSQL and socket.io: who reads and who publishes (the denials first),
 * safe rendering, versions, concurrent publishes, bad input, the staleness view with the injectable clock.
 */
describe('country sheets: access, safe Markdown, versions, staleness', () => {
  let app: TestApp;
  let clock: ManualClock;
  let admin: Http;
  let u: Record<
    | 'mx'
    | 'mxOtherNetwork'
    | 'gt'
    | 'mxObserver'
    | 'observerOrg'
    | 'secretariat'
    | 'adminUser'
    | 'noMembership',
    TestUser
  >;
  let watcher: ClientSocket;

  const audit = async (action: string) =>
    (await admin.get(`/api/admin/audit?action=${action}&limit=100`)).body as any[];
  const stored = async () =>
    Number((await app.runtime.app.get(DataSource).query(`SELECT count(*) AS n FROM country_sheets`))[0].n);

  beforeAll(async () => {
    clock = new ManualClock(new Date());
    app = await startTestApp({ clock });
    admin = await loginAdmin(app.url);
    u = {
      mx: await officer(admin, 'MX', [CP]),
      mxOtherNetwork: await officer(admin, 'MX', [ST]),
      gt: await officer(admin, 'GT', [CP], { locale: 'es' }),
      mxObserver: await createUser(admin, {
        country: 'MX',
        memberships: [{ network: CP, role: 'observer' }],
      }),
      observerOrg: await createUser(admin, {
        organization: 'IOM',
        memberships: [{ network: ST, role: 'observer' }],
      }),
      secretariat: await createUser(admin, { roles: ['secretariat'] }),
      adminUser: await createUser(admin, { roles: ['admin'] }),
      noMembership: await createUser(admin, { country: 'MX' }),
    };
    watcher = await connect(app.url, u.observerOrg.token);
  });

  afterAll(async () => {
    watcher?.close();
    await app?.close();
  });

  it('lets nobody but MX officers publish MX sheets, and nobody without a membership read them (denials first)', async () => {
    const body = { body: { en: 'Passport', es: 'Pasaporte' } };
    expect((await new Client(app.url).put(MX_VISAS, body)).status).toBe(401);
    expect((await new Client(app.url).get(MX_VISAS)).status).toBe(401);
    for (const who of [
      'gt',
      'mxObserver',
      'observerOrg',
      'secretariat',
      'adminUser',
      'noMembership',
    ] as const) {
      const res = await u[who].http.put(MX_VISAS, body);
      expect([who, res.status, res.body.error.code]).toEqual([who, 403, 'FORBIDDEN']);
    }
    for (const path of ['/api/countries/MX/sheets', MX_VISAS, `${MX_VISAS}/versions`, '/api/sheets']) {
      const res = await u.noMembership.http.get(path);
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(await stored()).toBe(0);
    const denied = await u.gt.http.put(MX_VISAS, body);
    expect(denied.body.error.message).toBe(
      'Solo los oficiales de enlace de este país pueden publicar sus fichas.',
    );
    // before anything is published: the library lists every topic, the sheet itself is 404
    const library = await u.gt.http.get('/api/countries/MX/sheets');
    expect(library.status).toBe(200);
    expect(library.body.map((s: any) => [s.topic, s.version])).toEqual([
      ['visa-requirements', null],
      ['visa-types', null],
      ['consular-contacts', null],
      ['travel-documents', null],
      ['legislation', null],
    ]);
    expect((await u.gt.http.get(MX_VISAS)).status).toBe(404);
  });

  it('publishes a version whose HTML keeps no <script> and no javascript: link; every member and staff read it', async () => {
    const published = collect(watcher, 'sheet.published');
    const res = await u.mx.http.put(MX_VISAS, { body: HOSTILE });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      country: 'MX',
      topic: 'visa-requirements',
      version: 1,
      latestVersion: 1,
    });
    expect(res.body.body).toEqual(HOSTILE);
    for (const lang of ['en', 'es'] as const) {
      expect(res.body.html[lang]).not.toMatch(/<script/i);
      expect(res.body.html[lang]).not.toMatch(/javascript:/i);
    }
    expect(res.body.html.en).toContain('<a href="https://embamex.example.org/visas"');
    expect(res.body.html.en).toContain('Apply here');
    expect(res.body.html.es).toContain('<a href="mailto:consulado@example.org"');
    expect(res.body.updatedBy).toEqual({ id: u.mx.id, displayName: expect.any(String), country: 'MX' });
    // the other network's MX officer publishes too: a sheet belongs to the country, not a network
    const other = await u.mxOtherNetwork.http.put('/api/countries/MX/sheets/legislation', {
      body: { en: 'Migration Law', es: 'Ley de Migración' },
    });
    expect(other.status).toBe(200);
    for (const who of ['gt', 'mxObserver', 'observerOrg', 'secretariat', 'adminUser'] as const) {
      const read = await u[who].http.get(MX_VISAS);
      expect([who, read.status, read.body.version]).toEqual([who, 200, 1]);
    }
    const [event] = await published.count(1);
    expect(event).toMatchObject({ country: 'MX', topic: 'visa-requirements', version: 1 });
    expect(event).not.toHaveProperty('body');
    const [entry] = (await audit('sheet.publish')).filter((e) => e.targetId === 'MX:visa-requirements');
    expect(entry).toMatchObject({ actorId: u.mx.id, targetId: 'MX:visa-requirements' });
  });

  it('keeps every version readable, newest first, and numbers concurrent publishes without gaps or twins', async () => {
    const results = await Promise.all(
      [2, 3, 4, 5, 6].map((n) =>
        u.mx.http.put(MX_VISAS, { body: { en: `Version ${n} text`, es: `Texto versión ${n}` } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.map((r) => r.body.version).sort()).toEqual([2, 3, 4, 5, 6]);
    const versions = await u.gt.http.get(`${MX_VISAS}/versions`);
    expect(versions.body.map((v: any) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
    const first = await u.gt.http.get(`${MX_VISAS}?version=1`);
    expect(first.body).toMatchObject({ version: 1, latestVersion: 6, body: HOSTILE });
    expect((await u.gt.http.get(`${MX_VISAS}?version=7`)).status).toBe(404);
    const library = await u.observerOrg.http.get('/api/countries/MX/sheets');
    expect(library.body.find((s: any) => s.topic === 'visa-requirements')).toMatchObject({
      version: 6,
      title: { en: 'Visa requirements', es: 'Requisitos de visa' },
      updatedBy: { id: u.mx.id },
    });
    // versions are history: the database refuses to change one
    await expect(
      app.runtime.app.get(DataSource).query(`UPDATE country_sheets SET body_en = 'x' WHERE version = 1`),
    ).rejects.toThrow(/never changed/);
  });

  it('answers bad input with the field at fault and stores nothing', async () => {
    const before = await stored();
    const cases: Array<[string, unknown, string]> = [
      [MX_VISAS, { body: { en: 'only English' } }, 'body.es'],
      [MX_VISAS, { body: { en: '   ', es: 'x' } }, 'body.en'],
      [MX_VISAS, { body: { en: 'x'.repeat(50_001), es: 'x' } }, 'body.en'],
      [MX_VISAS, { body: { en: 'x', es: 'y', fr: 'z' } }, 'body.fr'],
      [MX_VISAS, { body: { en: 'x', es: 'y' }, extra: 1 }, 'extra'],
      [MX_VISAS, { body: 'text' }, 'body'],
      ['/api/countries/MX/sheets/recipes', { body: { en: 'x', es: 'y' } }, 'topic'],
      ['/api/countries/XX/sheets/visa-requirements', { body: { en: 'x', es: 'y' } }, 'country'],
    ];
    for (const [path, body, field] of cases) {
      const res = await u.mx.http.put(path, body);
      expect([field, res.status, res.body.error.code]).toEqual([field, 400, 'VALIDATION_FAILED']);
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expect(await stored()).toBe(before);
    expect((await u.gt.http.get(`${MX_VISAS}?version=abc`)).status).toBe(400);
    expect((await u.gt.http.get(`${MX_VISAS}?v=1`)).status).toBe(400);
    expect((await u.gt.http.get('/api/sheets?staleAfter=-P1D')).status).toBe(400);
    expect((await u.gt.http.get('/api/sheets?topic=recipes')).status).toBe(400);
  });

  it('previews the HTML for officers, storing nothing', async () => {
    const before = await stored();
    const res = await u.gt.http.post('/api/sheets/preview', { body: HOSTILE });
    expect(res.status).toBe(200);
    expect(res.body.html.en).not.toMatch(/<script|javascript:/i);
    expect(res.body.html.en).toContain('<h1>Visa requirements</h1>');
    expect((await u.gt.http.post('/api/sheets/preview', { body: { en: '', es: 'x' } })).body.html.en).toBe(
      '',
    );
    for (const who of ['mxObserver', 'secretariat', 'noMembership'] as const)
      expect((await u[who].http.post('/api/sheets/preview', { body: HOSTILE })).status).toBe(403);
    expect(await stored()).toBe(before);
  });

  it('shows every member country with its latest version and whether it is stale, as the clock moves', async () => {
    let reader = u.gt.http;
    const grid = async (q: string) => (await reader.get(`/api/sheets?${q}`)).body as any[];
    // a session as of the clock's time (access tokens expire by the same clock)
    const session = async (user: TestUser) =>
      new Client(app.url, (await login(app.url, user.email, user.password)).accessToken);
    const rows = await grid('topic=visa-requirements&staleAfter=P30D');
    expect(rows.map((r) => r.country)).toEqual([
      'BZ',
      'CA',
      'CR',
      'DO',
      'SV',
      'GT',
      'HN',
      'MX',
      'NI',
      'PA',
      'US',
    ]);
    expect(rows.find((r) => r.country === 'MX')).toMatchObject({
      topic: 'visa-requirements',
      version: 6,
      stale: false,
    });
    expect(rows.find((r) => r.country === 'GT')).toEqual({
      country: 'GT',
      topic: 'visa-requirements',
      version: null,
      updatedAt: null,
      stale: true,
    });
    expect(await grid('')).toHaveLength(11 * 5);
    clock.advance(31 * 86_400_000);
    try {
      reader = await session(u.gt);
      expect((await grid('topic=visa-requirements')).find((r) => r.country === 'MX').stale).toBe(true);
      expect(
        (await grid('topic=visa-requirements&staleAfter=P6M')).find((r) => r.country === 'MX').stale,
      ).toBe(false);
      // a new version (the same words confirm the sheet is current) makes it fresh again
      const again = await (
        await session(u.mx)
      ).put(MX_VISAS, { body: { en: 'Version 6 text', es: 'Texto versión 6' } });
      expect(again.body.version).toBe(7);
      expect((await grid('topic=visa-requirements')).find((r) => r.country === 'MX').stale).toBe(false);
    } finally {
      clock.set(new Date());
    }
  });
});
