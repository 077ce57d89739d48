import { jest } from '@jest/globals';
import { DateTime } from 'luxon';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { TestSmtpServer, type ReceivedMail } from '../support/smtp-server.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import {
  allInboxes,
  channelMessages,
  followUpChannelId,
  queues,
  queuesIdle,
  ReminderInbox,
  setPresidency,
  unfinishedJobs,
  utcDay,
} from './helpers.js';

jest.setTimeout(90_000);

const NET = 'consular-protection';
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** The due time as the officer reads it: their zone, their language (luxon, as any reader's calendar would). */
const localDue = (dueAt: string, zone: string, locale: string) =>
  DateTime.fromISO(dueAt).setZone(zone).setLocale(locale).toLocaleString(DateTime.DATETIME_FULL);

const inboxes = (officers: Officer[]) => officers.map((o) => o.inbox);

interface Officer extends TestUser {
  locale: 'en' | 'es';
  timezone: string;
  inbox: ReminderInbox;
}

describe.each([
  ['PostgreSQL', false],
  ['Redis', true],
])(
  'follow-up reminders and escalations, queues on %s (real PostgreSQL, Redis and SMTP)',
  (_backend, redis) => {
    let app: TestApp;
    let smtp: TestSmtpServer;
    let admin: Http;
    let gt: Officer[];
    let mx: Officer[];
    let channelId: string;

    const mailsTo = (o: Officer, id: string): ReceivedMail[] =>
      smtp.messages.filter((m) => m.to.includes(o.email) && m.messageId.includes(id));

    beforeAll(async () => {
      smtp = await TestSmtpServer.start();
      app = await startTestApp({ redis, env: { SMTP_URL: smtp.url } });
      admin = await loginAdmin(app.url);
      await setPresidency(admin, 'GT', utcDay(-1), utcDay(30));
      const specs: Array<[string, 'en' | 'es', string]> = [
        ['GT', 'es', 'America/Guatemala'],
        ['GT', 'en', 'America/Guatemala'],
        ['MX', 'en', 'America/Mexico_City'],
        ['MX', 'es', 'America/Tijuana'],
      ];
      const officers = await Promise.all(
        specs.map(async ([country, locale, timezone]) => {
          const u = await officer(admin, country, [NET], { locale, timezone });
          return { ...u, locale, timezone, inbox: await ReminderInbox.connect(app.url, u.token) };
        }),
      );
      gt = officers.filter((o) => o.country === 'GT');
      mx = officers.filter((o) => o.country === 'MX');
      channelId = await followUpChannelId(gt[0].http, NET);
    });

    afterAll(async () => {
      for (const o of [...(gt ?? []), ...(mx ?? [])]) o.inbox.close();
      await app?.close();
      await smtp?.close();
    });

    it('reminds every officer of GT and MX twice (socket, email in their language and zone) and posts one message per reminder', async () => {
      const title = `Visa requirements and types ${Date.now()}`;
      // linked to a case: emails carry its reference, never its title or summary
      const opened = await gt[0].http.post(`/api/networks/${NET}/cases`, {
        title: 'Detention of a GT national in MX',
        type: 'detention',
        handling: 'involved',
        countries: ['GT', 'MX'],
        summary: 'Held at the immigration station since Monday',
      });
      expect(opened.status).toBe(201);
      const res = await gt[0].http.post(`/api/networks/${NET}/follow-ups`, {
        title,
        dueAt: inSeconds(5),
        countries: ['GT', 'MX'],
        reminders: ['-PT2S', 'PT0S'],
        caseId: opened.body.id,
      });
      expect(res.status).toBe(201);
      const { id, dueAt } = res.body;
      const everyone = [...gt, ...mx];

      await allInboxes(inboxes(everyone), (i) => i.of(id).length >= 2, 'two reminders each');
      await smtp.waitFor(() => everyone.every((o) => mailsTo(o, id).length >= 2), 'two emails per officer');
      await queuesIdle(queues(app), id);

      for (const o of everyone) {
        const events = o.inbox.of(id);
        expect(events.map((e) => e.kind)).toEqual(['upcoming', 'due']);
        expect(events[0]).toMatchObject({
          followUpId: id,
          title,
          dueAt,
          country: o.country,
          network: NET,
          reminder: 'v1/-PT2S',
        });
        // never before its time
        expect(events[0].receivedAt).toBeGreaterThanOrEqual(Date.parse(dueAt) - 2000 - 50);
        expect(events[1].receivedAt).toBeGreaterThanOrEqual(Date.parse(dueAt) - 50);

        const mails = mailsTo(o, id);
        expect(mails).toHaveLength(2);
        const due = localDue(dueAt, o.timezone, o.locale);
        for (const m of mails) {
          expect(m.parsed.text).toContain(due);
          expect(String(m.parsed.html)).toContain(due);
          expect(m.parsed.text).toContain(title);
          expect(m.parsed.text).toContain(opened.body.reference);
          expect(m.raw.toString()).not.toMatch(/Detention of a GT national|immigration station/);
          expect(m.parsed.headers.get('content-language')).toBe(o.locale);
          expect(m.parsed.html).toBeTruthy();
        }
        const subjects = mails.map((m) => m.parsed.subject);
        if (o.locale === 'es') {
          expect(subjects).toEqual(
            expect.arrayContaining([
              expect.stringMatching(/^Recordatorio: «/),
              expect.stringMatching(/^Vence ahora: «/),
            ]),
          );
          expect(mails[0].parsed.text).toContain(o.country === 'GT' ? 'Guatemala' : 'México');
        } else {
          expect(subjects).toEqual(
            expect.arrayContaining([
              expect.stringMatching(/^Reminder: "/),
              expect.stringMatching(/^Due now: "/),
            ]),
          );
          expect(mails[0].parsed.text).toContain(o.country === 'GT' ? 'Guatemala' : 'Mexico');
        }
      }
      const posted = (await channelMessages(gt[0].http, channelId)).filter((m) => m.body.includes(title));
      expect(posted).toHaveLength(2);
      expect(posted[0].body).toMatch(
        /^Reminder: follow-up item .* Waiting for: Guatemala \(GT\), Mexico \(MX\)\./,
      );
      expect(posted[0].body).toContain('Recordatorio: el punto de seguimiento');
      expect(posted[1].body).toMatch(/^Due now: /);
      for (const m of posted) expect(m.body).not.toMatch(/Detention of a GT national|immigration station/);
    });

    it('sends no second reminder to a country that marked the item done after the first', async () => {
      const title = `Information campaigns ${Date.now()}`;
      const { body: item } = await gt[0].http.post(`/api/networks/${NET}/follow-ups`, {
        title,
        dueAt: inSeconds(5),
        countries: ['GT', 'MX'],
        reminders: ['-PT3S', 'PT0S'],
      });
      await allInboxes(inboxes([...gt, ...mx]), (i) => i.of(item.id).length >= 1, 'the first reminder');
      const done = await gt[1].http.post(`/api/follow-ups/${item.id}/responses`, { status: 'done' });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ country: 'GT', status: 'done' });
      // the network sees the change live
      await mx[0].inbox.waitFor(
        () =>
          mx[0].inbox.updates.some(
            (u) =>
              u.id === item.id && u.assignments.some((a: any) => a.country === 'GT' && a.status === 'done'),
          ),
        'followup.updated with GT done',
      );

      await allInboxes(inboxes(mx), (i) => i.of(item.id, 'due').length >= 1, 'the second reminder for MX');
      await smtp.waitFor(() => mx.every((o) => mailsTo(o, item.id).length >= 2), 'two emails per MX officer');
      await queuesIdle(queues(app), item.id);

      for (const o of gt) {
        expect(o.inbox.of(item.id).map((e) => e.kind)).toEqual(['upcoming']);
        expect(mailsTo(o, item.id)).toHaveLength(1);
      }
      for (const o of mx) {
        expect(o.inbox.of(item.id).map((e) => e.kind)).toEqual(['upcoming', 'due']);
        expect(mailsTo(o, item.id)).toHaveLength(2);
      }
      const posted = (await channelMessages(mx[0].http, channelId)).filter((m) => m.body.includes(title));
      expect(posted).toHaveLength(2);
      expect(posted[1].body).toContain('Waiting for: Mexico (MX).');
    });

    it('moves every pending reminder with dueAt: the old ones never fire, the new ones fire on time', async () => {
      const title = `Travel documents for return ${Date.now()}`;
      const { body: item } = await gt[0].http.post(`/api/networks/${NET}/follow-ups`, {
        title,
        dueAt: inSeconds(4),
        countries: ['MX'],
        reminders: ['-PT1S', 'PT0S'],
      });
      const newDue = inSeconds(7);
      const moved = await gt[0].http.patch(`/api/follow-ups/${item.id}`, { dueAt: newDue });
      expect(moved.status).toBe(200);
      expect(moved.body.dueAt).toBe(newDue);

      await allInboxes(inboxes(mx), (i) => i.of(item.id, 'due').length >= 1, 'the moved due reminder');
      await smtp.waitFor(
        () => mx.every((o) => mailsTo(o, item.id).length >= 2),
        'the moved reminders by email',
      );
      await queuesIdle(queues(app), item.id);
      for (const o of mx) {
        const events = o.inbox.of(item.id);
        expect(events.map((e) => e.reminder)).toEqual(['v2/-PT1S', 'v2/PT0S']);
        expect(events.every((e) => e.dueAt === newDue)).toBe(true);
        // on time: never early, at most two seconds late (they arrive within tens of ms; the margin is for loaded CI)
        expect(events[0].receivedAt).toBeGreaterThanOrEqual(Date.parse(newDue) - 1000 - 50);
        expect(events[0].receivedAt).toBeLessThan(Date.parse(newDue) - 1000 + 2000);
        expect(events[1].receivedAt).toBeGreaterThanOrEqual(Date.parse(newDue) - 50);
        expect(events[1].receivedAt).toBeLessThan(Date.parse(newDue) + 2000);
        expect(mailsTo(o, item.id).map((m) => m.parsed.text)).toEqual([
          expect.stringContaining(localDue(newDue, o.timezone, o.locale)),
          expect.stringContaining(localDue(newDue, o.timezone, o.locale)),
        ]);
      }
      for (const o of gt) expect(o.inbox.of(item.id)).toEqual([]);
      expect(
        (await channelMessages(mx[0].http, channelId)).filter((m) => m.body.includes(title)),
      ).toHaveLength(2);
    });

    it('escalates an overdue item to the PPT every escalateEvery until it is done, then stops', async () => {
      const title = `Countries that hinder travel documents ${Date.now()}`;
      const { body: item } = await gt[0].http.post(`/api/networks/${NET}/follow-ups`, {
        title,
        dueAt: inSeconds(2),
        countries: ['MX'],
        reminders: [],
        escalateEvery: 'PT1S',
      });
      // GT holds the PPT: its officers are escalated to; MX (overdue) is not.
      await allInboxes(
        inboxes(gt),
        (i) => i.of(item.id, 'escalation').length >= 3,
        'three escalations to each PPT officer',
      );
      for (const e of gt[0].inbox.of(item.id))
        expect(e).toMatchObject({ kind: 'escalation', country: 'MX', followUpId: item.id });
      const reminders = gt[0].inbox.of(item.id).map((e) => e.reminder);
      expect(reminders.slice(0, 3)).toEqual(['v1/escalation/1', 'v1/escalation/2', 'v1/escalation/3']);
      expect(new Set(reminders).size).toBe(reminders.length);
      for (const o of mx) expect(o.inbox.of(item.id)).toEqual([]);

      const board = await gt[0].http.get(`/api/networks/${NET}/follow-ups/board?overdue=true`);
      expect(board.body.followUps.find((f: any) => f.id === item.id).assignments).toEqual([
        expect.objectContaining({ country: 'MX', status: 'overdue' }),
      ]);

      const done = await mx[0].http.post(`/api/follow-ups/${item.id}/responses`, { status: 'done' });
      expect(done.status).toBe(200);
      const atDone = gt.map((o) => o.inbox.of(item.id).length);
      // the chain has ended: no escalation job of this item is left in the queue
      await queuesIdle(queues(app), item.id);
      expect(await unfinishedJobs(queues(app), item.id)).toEqual([]);
      // at most the one escalation that was already running when MX answered
      gt.forEach((o, i) => expect(o.inbox.of(item.id).length).toBeLessThanOrEqual(atDone[i] + 1));
      await smtp.waitFor(() => gt.every((o) => mailsTo(o, item.id).length >= 3), 'escalation emails');
      for (const o of gt) {
        const mails = mailsTo(o, item.id);
        expect(mails.length).toBe(o.inbox.of(item.id).length);
        expect(mails[0].parsed.subject).toMatch(o.locale === 'es' ? /^Escalamiento: «/ : /^Escalation: "/);
        expect(mails[0].parsed.text).toContain(o.locale === 'es' ? 'México' : 'Mexico');
      }
    });
  },
);
