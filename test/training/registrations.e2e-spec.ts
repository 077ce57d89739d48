import { jest } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from '../follow-ups/helpers.js';
import { EventInbox, publishedEvent, ST } from './helpers.js';

jest.setTimeout(120_000);

describe('training registrations: capacity and waitlist under concurrency (Redis profile)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let ppt: TestUser;
  let officers: TestUser[];
  let late: TestUser[];
  const inboxes = new Map<string, EventInbox>();

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp({ redis: true, env: { SMTP_URL: smtp.url } });
    const admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(60));
    ppt = await officer(admin, 'GT', [ST]);
    const countries = ['BZ', 'CA', 'CR', 'DO', 'SV', 'HN', 'MX', 'NI', 'PA', 'US'];
    officers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        officer(admin, countries[i % 10], [ST], { locale: i % 2 ? 'es' : 'en' }),
      ),
    );
    late = await Promise.all(['CA', 'US', 'MX'].map((c) => officer(admin, c, [ST])));
    for (const u of officers) inboxes.set(u.id, await EventInbox.connect(app.url, u.token));
  });
  afterAll(async () => {
    for (const i of inboxes.values()) i.close();
    await app?.close();
    await smtp?.close();
  });

  it('capacity 2, 20 concurrent registrations: exactly 2 registered, 18 waitlisted in arrival order; a withdrawal promotes the first', async () => {
    const event = await publishedEvent(ppt.http, { capacity: 2, audience: 'officers' });
    const answers = await Promise.all(
      officers.map((u) => u.http.post(`/api/training-events/${event.id}/registrations`)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const statuses = answers.map((a) => a.body.status);
    expect(statuses.filter((s) => s === 'registered')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(18);

    // people who come later join the end of the waitlist, in the order they came
    for (const u of late)
      expect((await u.http.post(`/api/training-events/${event.id}/registrations`)).body.status).toBe(
        'waitlisted',
      );

    const list = (await ppt.http.get(`/api/training-events/${event.id}/registrations`)).body as any[];
    expect(list).toHaveLength(23);
    expect(list.slice(0, 2).every((r) => r.status === 'registered')).toBe(true);
    const waitlist = list.slice(2);
    expect(waitlist.every((r) => r.status === 'waitlisted')).toBe(true);
    const times = waitlist.map((r) => Date.parse(r.registeredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(waitlist.slice(-3).map((r) => r.user.id)).toEqual(late.map((u) => u.id));
    // each person was told what the list says
    for (const [i, u] of officers.entries())
      expect(list.find((r) => r.user.id === u.id).status).toBe(statuses[i]);
    expect((await ppt.http.get(`/api/training-events/${event.id}`)).body).toMatchObject({
      registered: 2,
      waitlisted: 21,
    });

    // a registered officer withdraws: the first waitlisted becomes registered and is told (socket and email)
    const leaving = officers.find((u) => u.id === list[0].user.id)!;
    const first = officers.find((u) => u.id === waitlist[0].user.id)!;
    const second = officers.find((u) => u.id === waitlist[1].user.id)!;
    expect((await leaving.http.delete(`/api/training-events/${event.id}/registrations`)).status).toBe(204);
    const inbox = inboxes.get(first.id)!;
    await inbox.waitFor(
      () => inbox.of('training.registration', (p) => p.eventId === event.id && p.promoted).length === 1,
      'the promotion socket event',
    );
    expect(inbox.of('training.registration', (p) => p.promoted)[0]).toMatchObject({
      status: 'registered',
      promoted: true,
    });
    await smtp.waitFor(
      () =>
        smtp.messages.some(
          (m) => m.to.includes(first.email) && m.messageId.includes(`${event.id}.promotion.`),
        ),
      'the promotion email',
    );
    expect(inboxes.get(second.id)!.of('training.registration', (p) => p.promoted)).toHaveLength(0);
    expect((await first.http.get(`/api/training-events/${event.id}`)).body).toMatchObject({
      registered: 2,
      waitlisted: 20,
      myRegistration: 'registered',
    });
    expect((await leaving.http.get(`/api/training-events/${event.id}`)).body.myRegistration).toBeNull();
    // withdrawing again changes nothing
    expect((await leaving.http.delete(`/api/training-events/${event.id}/registrations`)).status).toBe(204);
    // a waitlisted person withdrawing promotes nobody
    expect((await second.http.delete(`/api/training-events/${event.id}/registrations`)).status).toBe(204);
    expect((await ppt.http.get(`/api/training-events/${event.id}`)).body).toMatchObject({
      registered: 2,
      waitlisted: 19,
    });
  });

  it('raising the capacity moves the waitlist up in order', async () => {
    const event = await publishedEvent(ppt.http, { capacity: 1 });
    for (const u of officers.slice(0, 4)) await u.http.post(`/api/training-events/${event.id}/registrations`);
    const res = await ppt.http.patch(`/api/training-events/${event.id}`, { capacity: 3 });
    expect(res.status).toBe(200);
    const list = (await ppt.http.get(`/api/training-events/${event.id}/registrations`)).body as any[];
    expect(list.map((r) => [r.user.id, r.status])).toEqual([
      [officers[0].id, 'registered'],
      [officers[1].id, 'registered'],
      [officers[2].id, 'registered'],
      [officers[3].id, 'waitlisted'],
    ]);
  });
});
