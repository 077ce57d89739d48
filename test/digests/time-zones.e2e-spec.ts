import { jest } from '@jest/globals';
import type { Queue } from 'bullmq';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin } from '../factories/users.js';
import {
  CP,
  digestJobsIdle,
  digestQueues,
  digestsTo,
  runCycle,
  subscribeConfirmed,
  uniqueEmail,
} from './support.js';

jest.setTimeout(120_000);

describe("digests at the subscriber's local hour", () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  let admin: Http;
  let queues: Queue[];

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp({ redis: true, env: { SMTP_URL: smtp.url } });
    admin = await loginAdmin(app.url);
    queues = digestQueues(app);
    const res = await admin.post(`/api/networks/${CP}/follow-ups`, {
      title: 'Consular contacts update',
      dueAt: '2027-12-01T17:00:00Z',
      countries: ['GT', 'MX'],
      reminders: [],
    });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  it('sends America/Mexico_City 08:00 and Europe/Madrid 08:00 each in their own hour, across the Madrid change to summer time', async () => {
    const madrid = uniqueEmail('madrid');
    const mexico = uniqueEmail('mexico');
    await subscribeConfirmed(app, smtp, madrid, {
      networks: [CP],
      frequency: 'daily',
      hour: 8,
      timezone: 'Europe/Madrid',
      locale: 'en',
    });
    await subscribeConfirmed(app, smtp, mexico, {
      networks: [CP],
      frequency: 'daily',
      hour: 8,
      timezone: 'America/Mexico_City',
      locale: 'es',
    });
    const count = async () => ({
      madrid: digestsTo(smtp, madrid).length,
      mexico: digestsTo(smtp, mexico).length,
    });
    const step = async (iso: string, expected: { madrid: number; mexico: number }) => {
      await runCycle(admin, 'daily', new Date(iso));
      await digestJobsIdle(queues);
      await smtp.waitFor(
        () =>
          digestsTo(smtp, madrid).length === expected.madrid &&
          digestsTo(smtp, mexico).length === expected.mexico,
        `digests after ${iso}`,
      );
      expect(await count()).toEqual(expected);
    };
    await step('2027-03-27T07:00:00Z', { madrid: 1, mexico: 0 }); // 08:00 CET in Madrid, 01:00 in Mexico City
    await step('2027-03-27T13:00:00Z', { madrid: 1, mexico: 0 }); // 07:00 in Mexico City
    await step('2027-03-27T14:00:00Z', { madrid: 1, mexico: 1 }); // 08:00 CST
    await step('2027-03-28T06:00:00Z', { madrid: 2, mexico: 1 }); // 08:00 CEST: Madrid changed to summer time
    await step('2027-03-28T07:00:00Z', { madrid: 2, mexico: 1 }); // 09:00 in Madrid: nothing more
    await step('2027-03-28T14:00:00Z', { madrid: 2, mexico: 2 });
    const [first, second] = digestsTo(smtp, madrid);
    expect(first.parsed.text).toMatch(/to March 27, 2027 at 8:00\sAM GMT\+1\./);
    expect(second.parsed.text).toMatch(/to March 28, 2027 at 8:00\sAM GMT\+2\./);
    expect(digestsTo(smtp, mexico)[1].parsed.text).toMatch(/al 28 de marzo de 2027 a las 8:00 GMT-6\./);
  });
});
