import { jest } from '@jest/globals';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresBackend, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { FOLLOW_UP_QUEUES } from '#queue';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, createTestDatabase, TEST_JWT_SECRET, TEST_REDIS_URL } from '../support/env.js';
import { Http } from '../support/http.js';
import { freePort, MAIN, spawnService, waitForOutput, waitHealthy, WORKER_MAIN } from '../support/process.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import {
  allInboxes,
  channelMessages,
  followUpChannelId,
  queuesIdle,
  ReminderInbox,
  setPresidency,
  utcDay,
} from './helpers.js';

jest.setTimeout(120_000);

const NET = 'consular-protection';
const OFFICERS_PER_COUNTRY = 10;

interface Deployment {
  /** The URL the officers' clients and the test talk to. */
  url: () => string;
  /** Kills the process that runs the worker with SIGKILL and starts a new one; resolves when it works. */
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
  const queues = [FOLLOW_UP_QUEUES.reminders, FOLLOW_UP_QUEUES.emails].map(
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
  await waitHealthy(service);
  const queues = [FOLLOW_UP_QUEUES.reminders, FOLLOW_UP_QUEUES.emails].map(
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
      await waitHealthy(service);
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
])('a worker killed (kill -9) while it delivers a reminder to 20 officers (%s)', (_name, deploy) => {
  let smtp: TestSmtpServer;
  let deployment: Deployment;
  let officers: Array<TestUser & { inbox: ReminderInbox }> = [];

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN))
      throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
    smtp = await TestSmtpServer.start();
    deployment = await deploy(smtp.url);
  });
  afterAll(async () => {
    for (const o of officers) o.inbox.close();
    await deployment?.close();
    await smtp?.close();
  });

  it('ends with exactly one socket reminder and one email for every officer after a new worker takes over', async () => {
    const admin = await loginAdmin(deployment.url());
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(30));
    const users = await Promise.all(
      ['GT', 'MX'].flatMap((country) =>
        Array.from({ length: OFFICERS_PER_COUNTRY }, (_, i) =>
          officer(admin, country, [NET], { locale: i % 2 ? 'es' : 'en' }),
        ),
      ),
    );
    officers = await Promise.all(
      users.map(async (u) => ({ ...u, inbox: await ReminderInbox.connect(deployment.url(), u.token) })),
    );

    // The SMTP server holds the 5th message unanswered: the worker is mid-delivery when it is killed.
    smtp.hold(5);
    const title = `Visa types, crash test ${Date.now()}`;
    const created = await new Http(deployment.url(), officers[0].token).post(
      `/api/networks/${NET}/follow-ups`,
      {
        title,
        dueAt: new Date(Date.now() + 2000).toISOString(),
        countries: ['GT', 'MX'],
        reminders: ['PT0S'],
      },
    );
    expect(created.status).toBe(201);
    const id = created.body.id;

    await allInboxes(
      officers.map((o) => o.inbox),
      (i) => i.of(id).length >= 1,
      'the socket reminder at every officer',
    );
    await smtp.held;
    expect(smtp.messages).toHaveLength(4);

    await deployment.killWorkerAndRestart();

    const mailsTo = (o: TestUser) =>
      smtp.messages.filter((m) => m.to.includes(o.email) && m.messageId.includes(id));
    await smtp.waitFor(
      () => officers.every((o) => mailsTo(o).length >= 1),
      'an email to every officer after the restart',
      60_000,
    );
    await queuesIdle(deployment.queues, id, 60_000);

    for (const o of officers) {
      expect(o.inbox.of(id)).toHaveLength(1);
      expect(mailsTo(o)).toHaveLength(1);
    }
    expect(smtp.messages).toHaveLength(20);
    // Message-IDs are deterministic per (item, reminder, officer): the message resent after the crash kept its own.
    for (const o of officers)
      expect(mailsTo(o)[0].messageId).toBe(`<follow-up.${id}.v1.PT0S.${o.id}@localhost>`);
    // the ledger: one row per officer, all sent; the held message was claimed twice (before and after the crash)
    const db = new pg.Client({ connectionString: deployment.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT email_state AS state, email_attempts AS attempts FROM follow_up_deliveries WHERE follow_up_id = $1`,
        [id],
      );
      expect(rows).toHaveLength(20);
      expect(rows.every((r) => r.state === 'sent')).toBe(true);
      expect(rows.map((r) => r.attempts).sort()).toEqual([...Array(19).fill(1), 2]);
    } finally {
      await db.end();
    }
    const http = new Http(deployment.url(), officers[1].token);
    const posted = (await channelMessages(http, await followUpChannelId(http, NET))).filter((m) =>
      m.body.includes(title),
    );
    expect(posted).toHaveLength(1);
  });
});
