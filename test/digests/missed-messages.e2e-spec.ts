import { jest } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import type { Queue } from 'bullmq';
import { startTestApp, type TestApp } from '../support/app.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin, officer } from '../factories/users.js';
import type { Http } from '../support/http.js';
import { digestJobsIdle, digestQueues, expectNoSecrets, mailsTo, ST } from './support.js';

jest.setTimeout(120_000);

const secrets: string[] = [];
const secret = (label: string) => {
  const s = `${label}-SECRET-${Math.random().toString(36).slice(2, 10)}`;
  secrets.push(s);
  return s;
};

describe('missed-message emails (MISSED_MESSAGE_DELAY=PT2S)', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  let admin: Http;
  let queues: Queue[];

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp({ redis: true, env: { SMTP_URL: smtp.url, MISSED_MESSAGE_DELAY: 'PT2S' } });
    admin = await loginAdmin(app.url);
    queues = digestQueues(app);
  });

  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  it('emails an offline mentioned officer after the delay, and not one who read the message meanwhile nor one online', async () => {
    const tag = Math.random().toString(36).slice(2, 7);
    const author = await officer(admin, 'GT', [ST]);
    const away = await officer(admin, 'HN', [ST], { displayName: `Away${tag}`, locale: 'es' });
    const reader = await officer(admin, 'SV', [ST], { displayName: `Reader${tag}` });
    const online = await officer(admin, 'PA', [ST], { displayName: `Online${tag}` });
    const socket: Socket = io(app.url, {
      path: '/socket.io',
      auth: { token: online.token },
      transports: ['websocket'],
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    try {
      const channels = await author.http.get(`/api/networks/${ST}/channels`);
      const general = channels.body.find((c: any) => c.name === 'general');
      const body = `@Away${tag} @Reader${tag} @Online${tag} ${secret('BODY')}`;
      const sent = await author.http.post(`/api/channels/${general.id}/messages`, {
        body,
        clientMessageId: `m-${tag}`,
      });
      expect(sent.status).toBe(201);
      const read = await reader.http.post(`/api/channels/${general.id}/read`, { seq: sent.body.seq });
      expect(read.status).toBe(204);

      await smtp.waitFor(() => mailsTo(smtp, away.email).length === 1, 'the missed-message email', 20_000);
      await digestJobsIdle(queues);
      const [mail] = mailsTo(smtp, away.email);
      expect(mail.parsed.subject).toBe('1 mensaje para usted en #general');
      expect(mail.parsed.text).toContain(`/channels/${general.id}`);
      expect(mail.parsed.text).not.toContain(body);
      expect(mailsTo(smtp, reader.email)).toHaveLength(0);
      expect(mailsTo(smtp, online.email)).toHaveLength(0);
      expect(mailsTo(smtp, author.email)).toHaveLength(0);

      // an urgent message in a case thread: the officers who may read it hear of it, by reference only
      const kase = await author.http.post(`/api/networks/${ST}/cases`, {
        title: `Urgent case ${tag}`,
        type: 'trafficking-in-persons',
        handling: 'involved',
        countries: ['GT', 'HN'],
        summary: secret('SUMMARY'),
      });
      expect(kase.status).toBe(201);
      const urgent = await author.http.post(`/api/cases/${kase.body.id}/messages`, {
        body: secret('BODY'),
        clientMessageId: `u-${tag}`,
        priority: 'urgent',
      });
      expect(urgent.status).toBe(201);
      await smtp.waitFor(() => mailsTo(smtp, away.email).length === 2, 'the urgent-message email', 20_000);
      await digestJobsIdle(queues);
      const urgentMail = mailsTo(smtp, away.email)[1];
      expect(urgentMail.parsed.subject).toBe(`1 mensaje para usted en caso ${kase.body.reference}`);
      expect(urgentMail.parsed.text).not.toContain(`Urgent case ${tag}`);
      expect(mailsTo(smtp, reader.email)).toHaveLength(0); // SV is not listed on the case
    } finally {
      socket.close();
    }
  });

  it('never carries the message body or the case summary (raw MIME)', () => {
    expect(smtp.messages.length).toBeGreaterThanOrEqual(2);
    expectNoSecrets(smtp, secrets);
  });
});
