import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import {
  channelMessages,
  followUpChannelId,
  queues,
  queuesIdle,
  ReminderInbox,
  setPresidency,
  utcDay,
} from '../follow-ups/helpers.js';

jest.setTimeout(120_000);

const CP = 'consular-protection';
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

interface Officer extends TestUser {
  inbox: ReminderInbox;
}

/**
 * Follow-up items that name a country sheet (communiqué 11.2: each country's visa requirements within 30 days): a
 * country's assignment turns done when it publishes a new version, with no other step; the others stay pending and
 * are reminded as for any item (real PostgreSQL, queues, socket.io and SMTP).
 */
describe('follow-ups that name a country sheet', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let admin: Http;
  let ppt: Officer;
  let gt: Officer;
  let mx: Officer[];

  const item = async (id: string) => (await gt.http.get(`/api/follow-ups/${id}`)).body;
  const statusOf = async (id: string, country: string) =>
    (await item(id)).assignments.find((a: any) => a.country === country).status;
  const publishMx = (topic: string, n: number) =>
    mx[0].http.put(`/api/countries/MX/sheets/${topic}`, {
      body: { en: `Requirements, version ${n}`, es: `Requisitos, versión ${n}` },
    });

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(30));
    const make = async (country: string): Promise<Officer> => {
      const user = await officer(admin, country, [CP]);
      return { ...user, inbox: await ReminderInbox.connect(app.url, user.token) };
    };
    ppt = await make('GT');
    gt = await make('GT');
    mx = [await make('MX'), await make('MX')];
  });

  afterAll(async () => {
    for (const o of [ppt, gt, ...(mx ?? [])]) o?.inbox.close();
    await app?.close();
    await smtp?.close();
  });

  it('names a sheet only by a known topic', async () => {
    const base = { title: 'Visas', dueAt: inSeconds(3600), countries: ['GT', 'MX'] };
    for (const sheet of [{ topic: 'recipes' }, 'visa-requirements', { topic: 'visa-types', x: 1 }]) {
      const res = await ppt.http.post(`/api/networks/${CP}/follow-ups`, { ...base, sheet });
      expect(res.status).toBe(400);
    }
  });

  it('MX publishes a new version: its assignment is done with no other step; GT stays pending and is reminded', async () => {
    // an earlier MX version does not count: only one published after the item exists
    expect((await publishMx('visa-requirements', 1)).status).toBe(200);
    const created = await ppt.http.post(`/api/networks/${CP}/follow-ups`, {
      title: 'Exchange visa requirements (communiqué 11.2)',
      dueAt: inSeconds(6),
      countries: ['GT', 'MX'],
      reminders: ['PT0S'],
      sheet: { topic: 'visa-requirements' },
    });
    expect(created.status).toBe(201);
    expect(created.body.sheet).toEqual({ topic: 'visa-requirements' });
    const id = created.body.id;
    const other = await ppt.http.post(`/api/networks/${CP}/follow-ups`, {
      title: 'Types of visas',
      dueAt: inSeconds(3600),
      countries: ['MX'],
      sheet: { topic: 'visa-types' },
    });
    const cancelled = await ppt.http.post(`/api/networks/${CP}/follow-ups`, {
      title: 'Withdrawn request',
      dueAt: inSeconds(3600),
      countries: ['MX'],
      sheet: { topic: 'visa-requirements' },
    });
    await ppt.http.patch(`/api/follow-ups/${cancelled.body.id}`, { cancelled: true });
    expect(await statusOf(id, 'MX')).toBe('pending');

    expect((await publishMx('visa-requirements', 2)).status).toBe(200);
    // the item is done for MX at once, announced to the network, and shown so on the board
    expect(await statusOf(id, 'MX')).toBe('done');
    expect(await statusOf(id, 'GT')).toBe('pending');
    await gt.inbox.waitFor(
      () =>
        gt.inbox.updates.some(
          (f) => f.id === id && f.assignments.some((a: any) => a.country === 'MX' && a.status === 'done'),
        ),
      'followup.updated with MX done',
    );
    const board = (await gt.http.get(`/api/networks/${CP}/follow-ups/board`)).body;
    const row = board.followUps.find((f: any) => f.id === id);
    expect(row.sheet).toEqual({ topic: 'visa-requirements' });
    expect(row.assignments.map((a: any) => [a.country, a.status])).toEqual([
      ['GT', 'pending'],
      ['MX', 'done'],
    ]);
    expect(row.assignments[1].note).toContain('version 2');
    // other topics and cancelled items are left alone
    expect((await item(other.body.id)).assignments[0].status).toBe('pending');
    expect((await admin.get(`/api/follow-ups/${cancelled.body.id}`)).body.assignments[0].status).toBe(
      'pending',
    );
    const responses = (await admin.get(`/api/admin/audit?action=follow_up.respond&targetId=${id}`)).body;
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ actorId: mx[0].id });
    // done is final, also for the officers' own answer; a further version changes nothing
    const again = await mx[1].http.post(`/api/follow-ups/${id}/responses`, { status: 'acknowledged' });
    expect([again.status, again.body.error.code]).toEqual([409, 'ALREADY_DONE']);
    expect((await publishMx('visa-requirements', 3)).status).toBe(200);
    expect((await admin.get(`/api/admin/audit?action=follow_up.respond&targetId=${id}`)).body).toHaveLength(
      1,
    );

    // at dueAt: GT's officers are reminded (socket, channel, email); MX's are not
    await Promise.all(
      [ppt, gt].map((o) => o.inbox.waitFor(() => o.inbox.of(id, 'due').length === 1, 'GT reminded at dueAt')),
    );
    await smtp.waitFor(
      () =>
        [ppt, gt].every((o) => smtp.messages.some((m) => m.to.includes(o.email) && m.messageId.includes(id))),
      'reminder emails to GT',
    );
    await queuesIdle(queues(app), id);
    for (const o of mx) {
      expect(o.inbox.of(id)).toEqual([]);
      expect(smtp.messages.filter((m) => m.to.includes(o.email))).toEqual([]);
    }
    const deliveries = await app.runtime.app
      .get(DataSource)
      .query(`SELECT DISTINCT trim(country) AS country FROM follow_up_deliveries WHERE follow_up_id = $1`, [
        id,
      ]);
    expect(deliveries).toEqual([{ country: 'GT' }]);
    const posted = await channelMessages(gt.http, await followUpChannelId(gt.http, CP));
    const reminder = posted.find((m) => m.body.includes('Exchange visa requirements'));
    expect(reminder.body).toContain('Waiting for: Guatemala (GT).');
  });

  it('turns the last assignment done and stops the reminders when GT publishes too', async () => {
    const created = await ppt.http.post(`/api/networks/${CP}/follow-ups`, {
      title: 'Travel documents for returns (11.4)',
      dueAt: inSeconds(3600),
      countries: ['GT'],
      sheet: { topic: 'travel-documents' },
    });
    const id = created.body.id;
    const published = await gt.http.put('/api/countries/GT/sheets/travel-documents', {
      body: {
        en: 'Emergency travel documents are issued in 48 hours.',
        es: 'Documentos de emergencia en 48 horas.',
      },
    });
    expect(published.status).toBe(200);
    expect(await statusOf(id, 'GT')).toBe('done');
    await queuesIdle(queues(app), id);
  });
});
