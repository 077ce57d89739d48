import { jest } from '@jest/globals';
import { DateTime } from 'luxon';
import pg from 'pg';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { type ReceivedMail, TestSmtpServer } from '../support/smtp-server.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from '../follow-ups/helpers.js';
import { channelId, CP, EventInbox, eventBody, messages, ST, vevents } from './helpers.js';

jest.setTimeout(120_000);

/** The text/calendar part of a message and its METHOD parameter. */
function calendarPart(mail: ReceivedMail) {
  const raw = mail.raw.toString();
  const method = /Content-Type: text\/calendar;[^\n]*method=([A-Z]+)/i.exec(raw)?.[1];
  const ics =
    (mail.parsed as any).textAsCalendar ??
    mail.parsed.attachments.find((a) => /calendar|ics/.test(a.contentType))?.content.toString();
  return { method, ics: ics as string };
}

describe('training events: publishing, emails, sockets, channels and calendars', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let admin: Http;
  let ppt: TestUser;
  let es: TestUser; // MX, Spanish, consular-protection
  let en: TestUser; // US, English, smuggling-trafficking
  let observer: TestUser;
  let disabled: TestUser;
  const inboxes: EventInbox[] = [];
  let id: string;
  // 09:00 in Mexico City, 40 days ahead, given without an offset: a wall-clock time in the event's zone
  const day = utcDay(40);
  const localStart = `${day}T09:00`;
  const expectedStart = DateTime.fromISO(localStart, { zone: 'America/Mexico_City' }).toUTC();

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(60));
    ppt = await officer(admin, 'GT', [ST, CP]);
    es = await officer(admin, 'MX', [CP], { locale: 'es', timezone: 'America/Mexico_City' });
    en = await officer(admin, 'US', [ST], { locale: 'en', timezone: 'America/New_York' });
    observer = await createUser(admin, {
      organization: 'IOM',
      memberships: [{ network: ST, role: 'observer' }],
    });
    disabled = await officer(admin, 'HN', [ST]);
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    await db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [disabled.id]);
    await db.end();
    for (const u of [ppt, es, en]) inboxes.push(await EventInbox.connect(app.url, u.token));
  });
  afterAll(async () => {
    for (const i of inboxes) i.close();
    await app?.close();
    await smtp?.close();
  });

  const mailsTo = (u: TestUser, needle = id) =>
    smtp.messages.filter((m) => m.to.includes(u.email) && m.messageId.includes(needle));

  it('publishing reaches both training channels, every socket once, and every member inbox in their language with a PUBLISH calendar', async () => {
    const created = await ppt.http.post(
      '/api/training-events',
      eventBody({
        networks: [ST, CP],
        startsAt: localStart,
        endsAt: `${day}T13:00`,
        title: { en: 'Working session before the RCGM', es: 'Sesión de trabajo previa al GRCM' },
      }),
    );
    expect(created.status).toBe(201);
    id = created.body.id;
    expect(created.body.startsAt).toBe(expectedStart.toISO({ suppressMilliseconds: false }));
    expect(inboxes.every((i) => i.of('training.published').length === 0)).toBe(true);

    const published = await ppt.http.post(`/api/training-events/${id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');

    await Promise.all(
      inboxes.map((i) =>
        i.waitFor(() => i.of('training.published', (p) => p.id === id).length > 0, 'training.published'),
      ),
    );
    // the PPT officer is in both networks: still one event per socket
    for (const i of inboxes) expect(i.of('training.published', (p) => p.id === id)).toHaveLength(1);

    for (const net of [ST, CP]) {
      const notices = (await messages(ppt.http, await channelId(ppt.http, net, 'training'))).filter((m) =>
        m.body.includes('Working session before the RCGM'),
      );
      expect(notices).toHaveLength(1);
      expect(notices[0].body).toContain('Sesión de trabajo previa al GRCM');
    }

    await smtp.waitFor(
      () => [ppt, es, en, observer].every((u) => mailsTo(u).length >= 1),
      'the notice to every member',
    );
    const spanish = mailsTo(es)[0];
    expect(spanish.parsed.subject).toBe('Actividad de capacitación: Sesión de trabajo previa al GRCM');
    // the time in the reader's zone and language
    expect(spanish.parsed.text).toContain(
      expectedStart.setZone('America/Mexico_City').setLocale('es').toLocaleString(DateTime.DATETIME_FULL),
    );
    expect(spanish.parsed.html).toContain('Sesión de trabajo previa al GRCM');
    const english = mailsTo(en)[0];
    expect(english.parsed.subject).toBe('Training event: Working session before the RCGM');
    expect(english.parsed.text).toContain(
      expectedStart.setZone('America/New_York').setLocale('en').toLocaleString(DateTime.DATETIME_FULL),
    );
    for (const mail of [spanish, english]) {
      const { method, ics } = calendarPart(mail);
      expect(method).toBe('PUBLISH');
      const { calendar, events } = vevents(ics);
      expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
      expect(events[0].uid).toBe(`training-${id}@enlace`);
      expect(events[0].startDate.toJSDate().toISOString()).toBe(expectedStart.toJSDate().toISOString());
    }
    expect(smtp.messages.filter((m) => m.to.includes(disabled.email))).toHaveLength(0);
  });

  it('the .ics (parsed by ical.js) places the Mexico City time at the right UTC instant; SEQUENCE 0', async () => {
    const res = await ppt.http.get(`/api/training-events/${id}/ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const [event] = vevents(res.text).events;
    expect(event.startDate.toJSDate().toISOString()).toBe(`${day}T15:00:00.000Z`);
    expect(event.startDate.toJSDate().getTime()).toBe(expectedStart.toMillis());
    expect(event.endDate.toJSDate().toISOString()).toBe(`${day}T19:00:00.000Z`);
    expect(event.sequence).toBe(0);
    expect(event.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
  });

  it('a registrant gets a REQUEST invitation; a change raises SEQUENCE and reaches registrants by socket and email', async () => {
    expect((await es.http.post(`/api/training-events/${id}/registrations`)).body).toEqual({
      status: 'registered',
    });
    await smtp.waitFor(() => mailsTo(es, `${id}.registration.`).length === 1, 'the registration invitation');
    expect(calendarPart(mailsTo(es, `${id}.registration.`)[0]).method).toBe('REQUEST');

    // a registrant who has since left the networks hears nothing more about the event
    expect((await observer.http.post(`/api/training-events/${id}/registrations`)).body.status).toBe(
      'registered',
    );
    expect((await admin.put(`/api/admin/users/${observer.id}/memberships`, { memberships: [] })).status).toBe(
      200,
    );

    const changed = await ppt.http.patch(`/api/training-events/${id}`, {
      title: { en: 'Working session (room B)', es: 'Sesión de trabajo (sala B)' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.sequence).toBe(1);
    const esInbox = inboxes[1];
    await esInbox.waitFor(
      () => esInbox.of('training.updated', (p) => p.id === id).length === 1,
      'training.updated',
    );
    await smtp.waitFor(() => mailsTo(es, `${id}.update.1.`).length === 1, 'the update invitation');
    const update = calendarPart(mailsTo(es, `${id}.update.1.`)[0]);
    expect(update.method).toBe('REQUEST');
    expect(vevents(update.ics).events[0].sequence).toBe(1);
    expect(vevents(update.ics).events[0].summary).toBe('Sesión de trabajo (sala B)');
    expect(mailsTo(en, `${id}.update.`)).toHaveLength(0); // not registered
    expect(mailsTo(observer, `${id}.update.`)).toHaveLength(0); // no longer a member

    const ics = await ppt.http.get(`/api/training-events/${id}/ics`);
    const [event] = vevents(ics.text).events;
    expect(event.sequence).toBe(1);
    expect(event.uid).toBe(`training-${id}@enlace`);
  });

  it('the network feed works without login; a rotated or wrong token is 404', async () => {
    const me = await en.http.get('/api/me');
    const token = me.body.calendarToken;
    const feed = await new Http(app.url).get(
      `/api/networks/${ST}/training.ics?token=${encodeURIComponent(token)}`,
    );
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const uids = vevents(feed.text).events.map((e) => e.uid);
    expect(uids).toContain(`training-${id}@enlace`);
    // not a member of consular-protection
    expect(
      (await new Http(app.url).get(`/api/networks/${CP}/training.ics?token=${encodeURIComponent(token)}`))
        .status,
    ).toBe(404);
    expect(
      (await new Http(app.url).get(`/api/networks/${ST}/training.ics?token=wrong-token-0000000000`)).status,
    ).toBe(404);
    expect((await new Http(app.url).get(`/api/networks/${ST}/training.ics`)).status).toBe(404);

    const rotated = await en.http.post('/api/me/calendar-token');
    expect(rotated.status).toBe(200);
    expect(rotated.body.calendarToken).not.toBe(token);
    expect((await en.http.get('/api/me')).body.calendarToken).toBe(rotated.body.calendarToken);
    expect(
      (await new Http(app.url).get(`/api/networks/${ST}/training.ics?token=${encodeURIComponent(token)}`))
        .status,
    ).toBe(404);
    const fresh = await new Http(app.url).get(
      `/api/networks/${ST}/training.ics?token=${encodeURIComponent(rotated.body.calendarToken)}`,
    );
    expect(fresh.status).toBe(200);
  });

  it('cancelling: STATUS:CANCELLED, a higher SEQUENCE, training.cancelled, notices, and a CANCEL to registrants', async () => {
    const res = await ppt.http.post(`/api/training-events/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', sequence: 2 });
    const [event] = vevents((await ppt.http.get(`/api/training-events/${id}/ics`)).text).events;
    expect(event.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.sequence).toBe(2);
    await Promise.all(
      inboxes.map((i) =>
        i.waitFor(() => i.of('training.cancelled', (p) => p.id === id).length === 1, 'training.cancelled'),
      ),
    );
    for (const net of [ST, CP]) {
      const notices = (await messages(ppt.http, await channelId(ppt.http, net, 'training'))).filter((m) =>
        m.body.startsWith('Cancelled training event'),
      );
      expect(notices).toHaveLength(1);
      expect(notices[0].body).toContain('Actividad de capacitación cancelada');
    }
    await smtp.waitFor(() => mailsTo(es, `${id}.cancel.`).length === 1, 'the cancellation');
    const cancel = mailsTo(es, `${id}.cancel.`)[0];
    expect(cancel.parsed.subject).toBe('Cancelada: Sesión de trabajo (sala B)');
    const part = calendarPart(cancel);
    expect(part.method).toBe('CANCEL');
    expect(vevents(part.ics).events[0].component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(mailsTo(en, `${id}.cancel.`)).toHaveLength(0);
    expect((await es.http.post(`/api/training-events/${id}/registrations`)).body).toEqual({
      status: 'registered',
    });
  });
});
