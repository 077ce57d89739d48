import { jest } from '@jest/globals';
import { ManualClock } from '#config';
import { PresidencyHandoverService } from '#domain';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { channelMessages, followUpChannelId, queues, queuesIdle, setPresidency } from './helpers.js';

jest.setTimeout(90_000);

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';
const HANDOVER_EN = 'Presidency Pro-Tempore handover: Guatemala → Mexico';
const HANDOVER_ES = 'Traspaso de la Presidencia Pro Tempore: Guatemala → México';

describe('PPT handover on the first day of the new term (injected clock; real PostgreSQL and SMTP)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let smtp: TestSmtpServer;
  let admin: Http;
  let gtPpt: TestUser;
  let gtConsular: TestUser;
  let mxSt: TestUser;
  let mxCp: TestUser;
  let hn: TestUser;

  beforeAll(async () => {
    // Two minutes before the end of Guatemala's term.
    clock = new ManualClock(new Date('2031-03-31T23:58:00Z'));
    smtp = await TestSmtpServer.start();
    app = await startTestApp({ clock, env: { SMTP_URL: smtp.url } });
    admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', '2031-01-01', '2031-03-31');
    await setPresidency(admin, 'MX', '2031-04-01', '2031-12-31');
    [gtPpt, gtConsular, mxSt, mxCp, hn] = await Promise.all([
      officer(admin, 'GT', [ST, CP], { locale: 'es' }),
      officer(admin, 'GT', [CP], { locale: 'en' }),
      officer(admin, 'MX', [ST], { locale: 'en', timezone: 'America/Mexico_City' }),
      officer(admin, 'MX', [CP], { locale: 'es', timezone: 'America/Mexico_City' }),
      officer(admin, 'HN', [ST]),
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  it('passes the coordinator powers, keeps open items, posts and emails the summary once', async () => {
    // Before midnight Guatemala coordinates.
    const overdue = await gtPpt.http.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Statistics on migrant smuggling cases',
      dueAt: '2031-03-31T23:59:00Z',
      countries: ['MX', 'HN'],
      reminders: [],
    });
    expect(overdue.status).toBe(201);
    const open = await gtPpt.http.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Terms of reference of the Palermo Protocols',
      dueAt: '2031-04-15T17:00:00-06:00',
      countries: ['HN', 'MX'],
      reminders: [],
    });
    const answered = await gtPpt.http.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Contact list of liaison officers',
      dueAt: '2031-04-10T00:00:00Z',
      countries: ['HN'],
      reminders: [],
    });
    expect(
      (await hn.http.post(`/api/follow-ups/${answered.body.id}/responses`, { status: 'done' })).status,
    ).toBe(200);
    const activity = await gtPpt.http.post(`/api/networks/${ST}/work-plan`, {
      title: 'Coordinated training exercises',
      responsibleCountries: ['CA', 'US', 'MX'],
      targetDate: '2031-06-30',
      status: 'in-progress',
    });
    expect(activity.status).toBe(201);
    expect(
      (
        await mxSt.http.post(`/api/networks/${ST}/follow-ups`, {
          title: 'x',
          dueAt: '2031-05-01T00:00:00Z',
          countries: ['GT'],
        })
      ).status,
    ).toBe(403);

    // 00:00:02 UTC on the first day of Mexico's term: the worker's tick carries out the handover.
    clock.set(new Date('2031-04-01T00:00:02Z'));
    const recipients = [gtPpt, gtConsular, mxSt, mxCp];
    const handoverMails = () =>
      smtp.messages.filter((m) => m.messageId.includes('presidency-handover.2031-04-01'));
    await smtp.waitFor(
      () => recipients.every((u) => handoverMails().some((m) => m.to.includes(u.email))),
      'the handover email to every officer of GT and MX',
    );
    await queuesIdle(queues(app));
    const mails = handoverMails();
    expect(mails).toHaveLength(4);
    expect(mails.some((m) => m.to.includes(hn.email))).toBe(false);

    const toMxCp = mails.find((m) => m.to.includes(mxCp.email))!;
    expect(toMxCp.parsed.subject).toBe(HANDOVER_ES);
    expect(toMxCp.parsed.text).toContain('1 de abril de 2031');
    expect(toMxCp.parsed.text).toContain('Red de Funcionarios de Enlace de Protección Consular');
    expect(toMxCp.parsed.html).toContain('Puntos de seguimiento abiertos: 0');

    const toMxSt = mails.find((m) => m.to.includes(mxSt.email))!;
    expect(toMxSt.parsed.subject).toBe(HANDOVER_EN);
    expect(toMxSt.parsed.text).toContain('April 1, 2031');
    expect(toMxSt.parsed.text).toContain('Open follow-up items: 2');
    expect(toMxSt.parsed.text).toContain('Overdue follow-up items: 1');
    expect(toMxSt.parsed.text).toContain('Statistics on migrant smuggling cases');
    expect(toMxSt.parsed.text).toContain('Terms of reference of the Palermo Protocols');
    expect(toMxSt.parsed.text).not.toContain('Contact list of liaison officers');
    expect(toMxSt.parsed.text).toContain('Work Plan activities: 1 (in progress: 1)');
    // in the reader's zone: 17:00 -06:00 on April 15
    expect(toMxSt.parsed.text).toMatch(/April 15, 2031 at 5:00\sPM CST/);
    // an officer of one network reads only that network's summary
    expect(toMxSt.parsed.text).not.toContain('Consular Protection');

    // The summary in each network's follow-up channel, in both languages.
    const stMessages = (await channelMessages(mxSt.http, await followUpChannelId(mxSt.http, ST))).filter(
      (m) => m.body.startsWith(HANDOVER_EN),
    );
    expect(stMessages).toHaveLength(1);
    expect(stMessages[0].body).toContain(HANDOVER_ES);
    expect(stMessages[0].body).toContain('Open follow-up items: 2');
    expect(stMessages[0].body).toContain('Puntos de seguimiento vencidos: 1');
    expect(stMessages[0].body).toContain('Coordinated training exercises (in progress, June 30, 2031)');
    const cpMessages = (await channelMessages(mxCp.http, await followUpChannelId(mxCp.http, CP))).filter(
      (m) => m.body.startsWith(HANDOVER_EN),
    );
    expect(cpMessages).toHaveLength(1);

    // Once: another check (as the next tick does) posts and sends nothing more.
    const handover = app.runtime.app.get(PresidencyHandoverService);
    const record = await handover.check();
    expect(record).toMatchObject({
      kind: 'handover',
      fromCountry: 'GT',
      toCountry: 'MX',
      handoverDate: '2031-04-01',
    });
    await handover.check();
    await queuesIdle(queues(app));
    expect(handoverMails()).toHaveLength(4);
    expect(
      (await channelMessages(mxSt.http, await followUpChannelId(mxSt.http, ST))).filter((m) =>
        m.body.startsWith(HANDOVER_EN),
      ),
    ).toHaveLength(1);

    // Mexico coordinates now; Guatemala no longer does; open items stay.
    const byMx = await mxSt.http.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Agenda of the working session before the RCGM',
      dueAt: '2031-05-01T00:00:00Z',
      countries: ['GT', 'HN'],
      reminders: [],
    });
    expect(byMx.status).toBe(201);
    expect((await gtPpt.http.patch(`/api/follow-ups/${open.body.id}`, { title: 'changed' })).status).toBe(
      403,
    );
    expect(
      (
        await mxSt.http.patch(`/api/follow-ups/${open.body.id}`, {
          title: 'Palermo Protocols: terms of reference',
        })
      ).status,
    ).toBe(200);
    const me = await mxSt.http.get('/api/me');
    expect(me.body.presidency).toBe(true);
    const board = await hn.http.get(`/api/networks/${ST}/follow-ups/board`);
    expect(board.body.followUps.map((f: any) => f.id)).toEqual(
      expect.arrayContaining([overdue.body.id, open.body.id, answered.body.id, byMx.body.id]),
    );
  });
});
