import { jest } from '@jest/globals';
import { ManualClock } from '#config';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { createUser, login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from './helpers.js';

jest.setTimeout(60_000);

const NET = 'smuggling-trafficking';
const inHours = (h: number, clock: ManualClock) =>
  new Date(clock.now().getTime() + h * 3600_000).toISOString();

describe('follow-up items, the board and the Work Plan: contract and access (real PostgreSQL)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let admin: Http;
  let ppt: TestUser; // GT officer: GT holds the PPT
  let mx: TestUser;
  let hn: TestUser;
  let mxConsular: TestUser; // MX officer of the other network only
  let observer: TestUser;
  let secretariat: TestUser;

  beforeAll(async () => {
    clock = new ManualClock(new Date());
    app = await startTestApp({ clock });
    admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(60));
    [ppt, mx, hn, mxConsular, observer, secretariat] = await Promise.all([
      officer(admin, 'GT', [NET], { locale: 'es' }),
      officer(admin, 'MX', [NET]),
      officer(admin, 'HN', [NET]),
      officer(admin, 'MX', ['consular-protection']),
      createUser(admin, { organization: 'IOM', memberships: [{ network: NET, role: 'observer' }] }),
      createUser(admin, { roles: ['secretariat'] }),
    ]);
  });
  afterAll(async () => {
    await app?.close();
  });

  const item = (over: Record<string, unknown> = {}) => ({
    title: 'Exchange visa requirements and types of visas (11.2)',
    dueAt: inHours(24 * 30, clock),
    countries: ['GT', 'MX'],
    ...over,
  });

  it('lets the PPT create an item with one pending assignment per country and the default reminders', async () => {
    const res = await ppt.http.post(
      `/api/networks/${NET}/follow-ups`,
      item({ description: 'Within 30 days.' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      network: NET,
      title: 'Exchange visa requirements and types of visas (11.2)',
      description: 'Within 30 days.',
      reminders: ['-P7D', '-P1D', 'PT0S'],
      escalateEvery: null,
      cancelled: false,
      assignments: [
        { country: 'GT', status: 'pending', respondedAt: null, note: null },
        { country: 'MX', status: 'pending', respondedAt: null, note: null },
      ],
    });
    expect(new Date(res.body.dueAt).toISOString()).toBe(res.body.dueAt);
    const got = await mx.http.get(`/api/follow-ups/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(res.body.id);
  });

  it("assigns every member country with 'members'", async () => {
    const res = await secretariat.http.post(
      `/api/networks/${NET}/follow-ups`,
      item({ countries: 'members', reminders: [] }),
    );
    expect(res.status).toBe(201);
    expect(res.body.assignments.map((a: any) => a.country)).toEqual([
      'BZ',
      'CA',
      'CR',
      'DO',
      'GT',
      'HN',
      'MX',
      'NI',
      'PA',
      'SV',
      'US',
    ]);
  });

  it('refuses item creation to anyone but the PPT officers of the network, the secretariat and admins', async () => {
    for (const who of [mx, hn, observer]) {
      const res = await who.http.post(`/api/networks/${NET}/follow-ups`, item());
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    // a PPT officer who is not an officer of this network
    const gtConsular = await officer(admin, 'GT', ['consular-protection']);
    expect((await gtConsular.http.post(`/api/networks/${NET}/follow-ups`, item())).status).toBe(403);
    expect((await secretariat.http.post(`/api/networks/${NET}/follow-ups`, item())).status).toBe(201);
    expect((await admin.post(`/api/networks/${NET}/follow-ups`, item())).status).toBe(201);
    expect((await ppt.http.post(`/api/networks/no-such-network/follow-ups`, item())).status).toBe(404);
  });

  it.each([
    ['reminders', { reminders: ['-P7D', '1 day'] }],
    ['reminders', { reminders: ['P'] }],
    ['reminders', { reminders: ['PT'] }],
    ['reminders', { reminders: ['PT-1S'] }],
    ['reminders', { reminders: ['-PT2S', '-PT2S'] }],
    ['reminders', { reminders: ['P2Y'] }],
    ['escalateEvery', { escalateEvery: '-P1D' }],
    ['escalateEvery', { escalateEvery: 'PT0S' }],
    ['escalateEvery', { escalateEvery: 'every day' }],
    ['dueAt', { dueAt: '2020-01-01T00:00:00Z' }],
    ['dueAt', { dueAt: '2030-01-01' }],
    ['countries', { countries: ['GT', 'AR'] }],
    ['countries', { countries: [] }],
    ['countries', { countries: 'everyone' }],
    ['title', { title: '' }],
  ])('answers 400 naming the field %s for %j', async (field, over) => {
    const res = await ppt.http.post(`/api/networks/${NET}/follow-ups`, item(over));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
  });

  it('rejects unknown fields', async () => {
    const res = await ppt.http.post(`/api/networks/${NET}/follow-ups`, item({ priority: 'high' }));
    expect(res.status).toBe(400);
  });

  it('lets only officers of an assigned country respond, for their own country', async () => {
    const { body: created } = await ppt.http.post(`/api/networks/${NET}/follow-ups`, item());
    const path = `/api/follow-ups/${created.id}/responses`;

    const notAssigned = await hn.http.post(path, { status: 'acknowledged' });
    expect(notAssigned.status).toBe(403);
    expect(notAssigned.body.error.code).toBe('FORBIDDEN');
    expect((await secretariat.http.post(path, { status: 'done' })).status).toBe(403);
    expect((await observer.http.post(path, { status: 'done' })).status).toBe(403);
    // not a member of the item's network: the item does not exist for them
    expect((await mxConsular.http.post(path, { status: 'done' })).status).toBe(404);
    expect(
      (
        await mx.http.post(`/api/follow-ups/00000000-0000-4000-8000-000000000000/responses`, {
          status: 'done',
        })
      ).status,
    ).toBe(404);
    expect((await mx.http.post(path, { status: 'finished' })).status).toBe(400);

    const ack = await mx.http.post(path, { status: 'acknowledged', note: 'Working on it' });
    expect(ack.status).toBe(200);
    expect(ack.body).toEqual({
      country: 'MX',
      status: 'acknowledged',
      respondedAt: expect.any(String),
      note: 'Working on it',
    });
    const done = await mx.http.post(path, { status: 'done' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ country: 'MX', status: 'done', note: 'Working on it' });
    expect((await mx.http.post(path, { status: 'acknowledged' })).status).toBe(409);
    expect(
      (await ppt.http.post(path, { status: 'done', note: 'Sent by the Virtual Secretariat' })).status,
    ).toBe(200);
  });

  it('links an item to a case of the same network only', async () => {
    const opened = await ppt.http.post(`/api/networks/${NET}/cases`, {
      title: 'Smuggling route through the northern border',
      type: 'migrant-smuggling',
      handling: 'involved',
      countries: ['GT', 'MX'],
      summary: 'Confidential details',
    });
    expect(opened.status).toBe(201);
    const linked = await ppt.http.post(`/api/networks/${NET}/follow-ups`, item({ caseId: opened.body.id }));
    expect(linked.status).toBe(201);
    expect(linked.body.caseId).toBe(opened.body.id);
    const board = await mx.http.get(`/api/networks/${NET}/follow-ups/board`);
    expect(board.body.followUps.find((f: any) => f.id === linked.body.id).caseId).toBe(opened.body.id);

    const elsewhere = await officer(admin, 'GT', ['consular-protection']);
    const otherCase = await elsewhere.http.post(`/api/networks/consular-protection/cases`, {
      title: 'Detention of nationals',
      type: 'detention',
      handling: 'network',
      countries: ['GT'],
      summary: 'x',
    });
    expect(otherCase.status).toBe(201);
    const wrong = await ppt.http.post(`/api/networks/${NET}/follow-ups`, item({ caseId: otherCase.body.id }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toEqual([{ field: 'caseId', message: expect.any(String) }]);
    expect(
      (await ppt.http.post(`/api/networks/${NET}/follow-ups`, item({ caseId: 'not-a-uuid' }))).status,
    ).toBe(400);
  });

  it('lets the PPT change and cancel an item; a cancelled item no longer changes', async () => {
    const { body: created } = await ppt.http.post(
      `/api/networks/${NET}/follow-ups`,
      item({ escalateEvery: 'P3D' }),
    );
    const path = `/api/follow-ups/${created.id}`;
    expect((await mx.http.patch(path, { title: 'Mine now' })).status).toBe(403);
    expect((await mxConsular.http.patch(path, { title: 'Mine now' })).status).toBe(404);
    expect((await ppt.http.patch(path, { dueAt: 'tomorrow' })).status).toBe(400);

    const newDue = inHours(24 * 40, clock);
    const changed = await ppt.http.patch(path, { title: 'Visa requirements, updated', dueAt: newDue });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      title: 'Visa requirements, updated',
      dueAt: newDue,
      cancelled: false,
    });

    const cancelled = await secretariat.http.patch(path, { cancelled: true });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ cancelled: true, cancelledAt: expect.any(String) });
    expect((await ppt.http.patch(path, { title: 'again' })).status).toBe(409);
    expect((await mx.http.post(`${path}/responses`, { status: 'done' })).status).toBe(409);
    const board = await mx.http.get(`/api/networks/${NET}/follow-ups/board`);
    expect(board.body.followUps.find((f: any) => f.id === created.id)).toBeUndefined();
  });

  it('keeps the Work Plan: PPT and secretariat write, members read, items link to activities', async () => {
    const activity = {
      title: 'Coordinated training on fraudulent document detection',
      objective: 'Communiqué 10.3',
      responsibleCountries: ['US', 'CA', 'MX'],
      targetDate: utcDay(90),
      status: 'planned',
    };
    expect((await mx.http.post(`/api/networks/${NET}/work-plan`, activity)).status).toBe(403);
    expect(
      (await ppt.http.post(`/api/networks/${NET}/work-plan`, { ...activity, targetDate: '2026-02-30' }))
        .status,
    ).toBe(400);
    expect(
      (await ppt.http.post(`/api/networks/${NET}/work-plan`, { ...activity, responsibleCountries: ['XX'] }))
        .status,
    ).toBe(400);
    expect(
      (await ppt.http.post(`/api/networks/${NET}/work-plan`, { ...activity, status: 'someday' })).status,
    ).toBe(400);

    const created = await ppt.http.post(`/api/networks/${NET}/work-plan`, activity);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...activity,
      responsibleCountries: ['CA', 'MX', 'US'],
      progressNote: null,
      followUps: [],
    });

    const linked = await ppt.http.post(
      `/api/networks/${NET}/follow-ups`,
      item({ workPlanActivityId: created.body.id }),
    );
    expect(linked.status).toBe(201);
    expect(linked.body.workPlanActivityId).toBe(created.body.id);

    const changed = await secretariat.http.patch(`/api/work-plan/${created.body.id}`, {
      status: 'in-progress',
      progressNote: 'First session held in Mexico City',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      status: 'in-progress',
      progressNote: 'First session held in Mexico City',
      title: activity.title,
    });
    expect((await mx.http.patch(`/api/work-plan/${created.body.id}`, { status: 'completed' })).status).toBe(
      403,
    );
    expect(
      (await mxConsular.http.patch(`/api/work-plan/${created.body.id}`, { status: 'completed' })).status,
    ).toBe(404);

    const list = await observer.http.get(`/api/networks/${NET}/work-plan`);
    expect(list.status).toBe(200);
    const mine = list.body.find((a: any) => a.id === created.body.id);
    expect(mine.followUps).toEqual([
      { id: linked.body.id, title: linked.body.title, dueAt: linked.body.dueAt, cancelled: false },
    ]);
    expect((await mxConsular.http.get(`/api/networks/${NET}/work-plan`)).status).toBe(403);
  });

  it('shows the board (items × countries, summary), filters it and exports it as CSV', async () => {
    const net = 'consular-protection';
    const cpPpt = await officer(admin, 'GT', [net]);
    const cpMx = await officer(admin, 'MX', [net]);
    const cpHn = await officer(admin, 'HN', [net]);
    const soon = await cpPpt.http.post(`/api/networks/${net}/follow-ups`, {
      title: '=HYPERLINK("x") visa types, "all", categories\nrevised',
      dueAt: inHours(24, clock),
      countries: ['HN', 'MX'],
      reminders: [],
    });
    const later = await cpPpt.http.post(`/api/networks/${net}/follow-ups`, {
      title: 'Information campaigns (11.3)',
      dueAt: inHours(24 * 10, clock),
      countries: ['GT', 'MX'],
      reminders: [],
    });
    expect(soon.status).toBe(201);
    await cpMx.http.post(`/api/follow-ups/${soon.body.id}/responses`, {
      status: 'done',
      note: 'Sent, see "annex", p. 2',
    });
    await cpMx.http.post(`/api/follow-ups/${later.body.id}/responses`, { status: 'acknowledged' });

    const board = await cpHn.http.get(`/api/networks/${net}/follow-ups/board`);
    expect(board.status).toBe(200);
    expect(board.body.followUps.map((f: any) => f.id)).toEqual([soon.body.id, later.body.id]);
    expect(board.body.followUps[0].assignments).toEqual([
      { country: 'HN', status: 'pending', respondedAt: null, note: null },
      { country: 'MX', status: 'done', respondedAt: expect.any(String), note: 'Sent, see "annex", p. 2' },
    ]);
    expect(board.body.summary).toEqual({ pending: 2, acknowledged: 1, done: 1, overdue: 0 });

    const mxOnly = await cpHn.http.get(`/api/networks/${net}/follow-ups/board?country=MX`);
    expect(mxOnly.body.summary).toEqual({ pending: 0, acknowledged: 1, done: 1, overdue: 0 });
    expect(mxOnly.body.followUps.every((f: any) => f.assignments.every((a: any) => a.country === 'MX'))).toBe(
      true,
    );
    expect((await cpHn.http.get(`/api/networks/${net}/follow-ups/board?country=mexico`)).status).toBe(400);
    expect((await cpHn.http.get(`/api/networks/${net}/follow-ups/board?sort=title`)).status).toBe(400);
    expect((await hn.http.get(`/api/networks/${net}/follow-ups/board`)).status).toBe(403);

    // two days later the first item is overdue for HN (not for MX, which is done)
    const realNow = clock.now();
    clock.advance(2 * 86_400_000);
    try {
      // access tokens follow the clock too: log in again two days later
      const hnLater = new Http(app.url, (await login(app.url, cpHn.email, cpHn.password)).accessToken);
      const overdue = await hnLater.get(`/api/networks/${net}/follow-ups/board?overdue=true`);
      expect(overdue.body.followUps).toEqual([
        expect.objectContaining({
          id: soon.body.id,
          assignments: [expect.objectContaining({ country: 'HN', status: 'overdue' })],
        }),
      ]);
      expect(overdue.body.summary).toEqual({ pending: 0, acknowledged: 0, done: 0, overdue: 1 });
      const all = await hnLater.get(`/api/networks/${net}/follow-ups/board`);
      expect(all.body.summary).toEqual({ pending: 1, acknowledged: 1, done: 1, overdue: 1 });

      const csv = await hnLater.get(`/api/networks/${net}/follow-ups/board?format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toContain('attachment');
      const lines = csv.text.split('\r\n');
      expect(lines[0]).toBe('followUpId,title,dueAt,country,status,respondedAt,note');
      expect(lines).toContain(
        `${soon.body.id},"'=HYPERLINK(""x"") visa types, ""all"", categories\nrevised",${soon.body.dueAt},HN,overdue,,`,
      );
      expect(lines.find((l) => l.startsWith(`${soon.body.id},`) && l.includes(',MX,done,'))).toMatch(
        /,"Sent, see ""annex"", p\. 2"$/,
      );
      expect(
        lines.filter((l) => l.startsWith(later.body.id)).map((l) => l.split(',').slice(3, 5).join(',')),
      ).toEqual(['GT,pending', 'MX,acknowledged']);
      expect(lines[lines.length - 1]).toBe('');
      const filtered = await hnLater.get(
        `/api/networks/${net}/follow-ups/board?format=csv&overdue=true&country=HN`,
      );
      expect(filtered.text.split('\r\n').filter(Boolean)).toHaveLength(2);
    } finally {
      clock.set(realNow);
    }
  });
});
