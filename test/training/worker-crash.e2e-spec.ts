import { jest } from '@jest/globals';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresBackend, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { TRAINING_QUEUES } from '#queue';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, createTestDatabase, TEST_JWT_SECRET, TEST_REDIS_URL } from '../support/env.js';
import { Http } from '../support/http.js';
import { freePort, MAIN, spawnService, waitHealthy, WORKER_MAIN, waitForOutput } from '../support/process.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, until, utcDay } from '../follow-ups/helpers.js';
import { EventInbox, eventBody, ST } from './helpers.js';

jest.setTimeout(180_000);

const REGISTRANTS = 20;
/** The 1-day reminder falls due this long after the event is published. */
const REMINDER_IN_MS = 15_000;

interface Deployment {
  url: () => string;
  killWorkerAndRestart: () => Promise<void>;
  queues: Queue[];
  databaseUrl: string;
  close: () => Promise<void>;
}

/** Redis: an API process here (ROLE=api) and the worker as a child process (ROLE=worker) that the test kills. */
async function redisDeployment(smtpUrl: string): Promise<Deployment> {
  const api: TestApp = await startTestApp({ redis: true, role: 'api', env: { SMTP_URL: smtpUrl } });
  const env = {
    ROLE: 'worker',
    DATABASE_URL: api.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-worker-')),
    SMTP_URL: smtpUrl,
  };
  let worker = spawnService(env, WORKER_MAIN);
  await waitForOutput(worker, /Enlace worker running/);
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queues = [TRAINING_QUEUES.reminders, TRAINING_QUEUES.emails].map(
    (n) => new Queue(n, { connection: redis, prefix: 'enlace' }),
  );
  return {
    url: () => api.url,
    queues,
    databaseUrl: api.databaseUrl,
    killWorkerAndRestart: async () => {
      await worker.stop('SIGKILL');
      worker = spawnService(env, WORKER_MAIN);
      await waitForOutput(worker, /Enlace worker running/);
    },
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
      await redis.quit();
      await worker.stop('SIGTERM');
      await api.close();
    },
  };
}

/** PostgreSQL (no Redis): the whole service in one child process (ROLE=all), killed and started again on its port. */
async function postgresDeployment(smtpUrl: string): Promise<Deployment> {
  const db = await createTestDatabase();
  const port = String(await freePort());
  const env = {
    ROLE: 'all',
    PORT: port,
    DATABASE_URL: db.url,
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-all-')),
    SMTP_URL: smtpUrl,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  };
  let service = spawnService(env, MAIN);
  await waitHealthy(service, 90_000);
  const queues = [TRAINING_QUEUES.reminders, TRAINING_QUEUES.emails].map(
    (n) =>
      new Queue(
        n,
        { connection: { connectionString: db.url, schema: 'bullmq', max: 2 } } as any,
        createPostgresBackend as any,
      ) as Queue,
  );
  return {
    url: () => service.url,
    queues,
    databaseUrl: db.url,
    killWorkerAndRestart: async () => {
      await service.stop('SIGKILL');
      service = spawnService(env, MAIN);
      await waitHealthy(service, 90_000);
    },
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
      await service.stop('SIGTERM');
      await db.drop();
    },
  };
}

describe.each([
  ['Redis: API process and a separate worker process', redisDeployment],
  ['PostgreSQL: the one process of the embedded profile', postgresDeployment],
])('a worker killed (kill -9) while the 1-day training reminders go out (%s)', (_name, deploy) => {
  let smtp: TestSmtpServer;
  let deployment: Deployment;
  let registrants: Array<TestUser & { inbox: EventInbox }> = [];

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN))
      throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
    smtp = await TestSmtpServer.start();
    deployment = await deploy(smtp.url);
  });
  afterAll(async () => {
    for (const r of registrants) r.inbox.close();
    await deployment?.close();
    await smtp?.close();
  });

  it('each registrant gets exactly one reminder (socket and email) after a new worker takes over', async () => {
    const admin = await loginAdmin(deployment.url());
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(30));
    const ppt = await officer(admin, 'GT', [ST]);
    const users = await Promise.all(
      Array.from({ length: REGISTRANTS }, (_, i) =>
        officer(admin, i % 2 ? 'MX' : 'CA', [ST], { locale: i % 2 ? 'es' : 'en' }),
      ),
    );
    registrants = await Promise.all(
      users.map(async (u) => ({ ...u, inbox: await EventInbox.connect(deployment.url(), u.token) })),
    );

    // startsAt one day and a few seconds ahead: the 7-day reminder was already past when planned (never sent), the
    // 1-day reminder falls due in REMINDER_IN_MS.
    const body = eventBody({}, 86_400_000 + REMINDER_IN_MS);
    const created = await ppt.http.post('/api/training-events', body);
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await ppt.http.post(`/api/training-events/${id}/publish`)).status).toBe(200);
    const answers = await Promise.all(
      registrants.map((r) =>
        new Http(deployment.url(), r.token).post(`/api/training-events/${id}/registrations`),
      ),
    );
    expect(answers.every((a) => a.body?.status === 'registered')).toBe(true);

    // the publication notices (21 members) and the registration invitations (20) first
    const before = 1 + 2 * REGISTRANTS;
    await smtp.waitFor(() => smtp.messages.length === before, 'the notices and registration invitations');
    // The SMTP server holds the 5th reminder email unanswered: the worker is mid-delivery when it is killed.
    smtp.hold(before + 5);
    const reminderKey = `training.${id}.v1.-P1D.`;
    const remindersTo = (u: TestUser) =>
      smtp.messages.filter((m) => m.to.includes(u.email) && m.messageId.includes(reminderKey));

    await Promise.all(
      registrants.map((r) =>
        r.inbox.waitFor(
          () => r.inbox.of('training.reminder', (p) => p.eventId === id).length >= 1,
          'the socket reminder',
          60_000,
        ),
      ),
    );
    await smtp.held;
    expect(smtp.messages.filter((m) => m.messageId.includes(reminderKey))).toHaveLength(4);

    await deployment.killWorkerAndRestart();

    await smtp.waitFor(
      () => registrants.every((r) => remindersTo(r).length >= 1),
      'a reminder email to every registrant after the restart',
      60_000,
    );
    await until(
      async () =>
        (await Promise.all(deployment.queues.map((q) => q.getJobs(['active', 'waiting', 'prioritized']))))
          .flat()
          .filter((j) => j?.data?.eventId === id).length === 0,
      'the training queues to drain',
      60_000,
      100,
    );

    for (const r of registrants) {
      expect(r.inbox.of('training.reminder', (p) => p.eventId === id)).toHaveLength(1);
      expect(r.inbox.of('training.reminder', (p) => p.eventId === id)[0]).toMatchObject({
        daysBefore: 1,
        reminder: 'v1/-P1D',
      });
      expect(remindersTo(r)).toHaveLength(1);
      expect(remindersTo(r)[0].messageId).toMatch(
        new RegExp(`^<${reminderKey.replace(/\./g, '\\.')}${r.id}@`),
      );
    }
    expect(smtp.messages.filter((m) => m.messageId.includes(reminderKey))).toHaveLength(REGISTRANTS);
    // no 7-day reminder: its time had passed when the event was published
    expect(smtp.messages.filter((m) => m.messageId.includes(`training.${id}.v1.-P7D.`))).toHaveLength(0);
    const spanish = remindersTo(registrants[1])[0];
    expect(spanish.parsed.subject).toMatch(/^Recordatorio: .* comienza mañana$/);

    const db = new pg.Client({ connectionString: deployment.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT email_state AS state, email_attempts AS attempts FROM training_deliveries WHERE event_id = $1 AND key = 'v1/-P1D'`,
        [id],
      );
      expect(rows).toHaveLength(REGISTRANTS);
      expect(rows.every((r) => r.state === 'sent')).toBe(true);
      expect(rows.map((r) => r.attempts).sort()).toEqual([...Array(REGISTRANTS - 1).fill(1), 2]);
    } finally {
      await db.end();
    }
  });
});
