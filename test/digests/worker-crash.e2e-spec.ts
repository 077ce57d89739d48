import { jest } from '@jest/globals';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DIGEST_QUEUES } from '#queue';
import { startTestApp, type TestApp } from '../support/app.js';
import { TEST_JWT_SECRET, TEST_REDIS_URL } from '../support/env.js';
import { type ServiceProcess, spawnService, WORKER_MAIN } from '../support/process.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin } from '../factories/users.js';
import { until } from '../follow-ups/helpers.js';
import { digestJobsIdle, runCycle, ST } from './support.js';

jest.setTimeout(180_000);

const SUBSCRIBERS = 500;

function waitForOutput(p: ServiceProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  return until(() => pattern.test(p.output()), `${pattern} in the worker's output`, timeoutMs, 50);
}

describe('a worker killed (kill -9) in the middle of a digest cycle over 500 subscribers', () => {
  let smtp: TestSmtpServer;
  let api: TestApp;
  let worker: ServiceProcess;
  let redis: Redis;
  let queue: Queue;
  let db: pg.Client;

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN))
      throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
    smtp = await TestSmtpServer.start();
    api = await startTestApp({ redis: true, role: 'api', env: { SMTP_URL: smtp.url } });
    db = new pg.Client({ connectionString: api.databaseUrl });
    await db.connect();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(DIGEST_QUEUES.digests, { connection: redis, prefix: 'enlace' });
  });

  afterAll(async () => {
    await queue?.close();
    await redis?.quit();
    await worker?.stop('SIGTERM');
    await db?.end();
    await api?.close();
    await smtp?.close();
  });

  const startWorker = async () => {
    worker = spawnService(
      {
        ROLE: 'worker',
        DATABASE_URL: api.databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-worker-')),
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'info',
      },
      WORKER_MAIN,
    );
    await waitForOutput(worker, /Enlace worker running/);
  };

  it('ends with exactly one digest for every subscriber after a new worker takes over', async () => {
    const admin = await loginAdmin(api.url);
    const item = await admin.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Coordinated training exercise report',
      dueAt: '2027-12-01T17:00:00Z',
      countries: ['GT', 'MX'],
      reminders: [],
    });
    expect(item.status).toBe(201);
    const at = new Date(Date.now() + 3600_000);
    await db.query(
      `INSERT INTO digest_subscriptions (email, status, networks, frequency, hour, timezone, locale, confirmed_at)
       SELECT 'sub' || i || '@example.org', 'active', ARRAY['${ST}'], 'daily', $1, 'UTC',
              CASE WHEN i % 2 = 0 THEN 'en' ELSE 'es' END, now()
         FROM generate_series(1, $2::int) AS i`,
      [at.getUTCHours(), SUBSCRIBERS],
    );
    await startWorker();

    // Every message from the 120th on is left unanswered: the worker is mid-cycle, several sends in flight.
    smtp.holdAllFrom(120);
    expect(await runCycle(admin, 'daily', at)).toBe(SUBSCRIBERS);
    await smtp.held;
    // the 119 messages before the held one were answered (accepted); wait until each is recorded as sent, so the
    // kill falls between deliveries, not between an accepted message and its record
    await smtp.waitFor(() => smtp.messages.length === 119, 'the 119 accepted digests');
    await until(async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM digest_deliveries WHERE state = 'sent'`,
      );
      return rows[0].n === 119;
    }, 'the accepted digests to be recorded');

    await worker.stop('SIGKILL');
    smtp.stopHolding();
    await startWorker();

    const recipients = () => new Set(smtp.messages.flatMap((m) => m.to));
    await smtp.waitFor(() => recipients().size === SUBSCRIBERS, 'a digest to every subscriber', 120_000);
    await digestJobsIdle([queue], 60_000);

    const perRecipient = new Map<string, number>();
    for (const m of smtp.messages)
      for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    expect(perRecipient.size).toBe(SUBSCRIBERS);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(smtp.messages).toHaveLength(SUBSCRIBERS);
    const { rows } = await db.query(
      `SELECT state, count(*)::int AS n, max(attempts) AS "maxAttempts" FROM digest_deliveries GROUP BY state`,
    );
    expect(rows).toEqual([{ state: 'sent', n: SUBSCRIBERS, maxAttempts: expect.any(Number) }]);
    expect(rows[0].maxAttempts).toBeGreaterThanOrEqual(2); // the sends cut short by the kill were claimed again

    // one job scheduler for the tick, however many workers registered it (two here; the API process none)
    const cycle = new Queue(DIGEST_QUEUES.cycle, { connection: redis, prefix: 'enlace' });
    try {
      const schedulers = await cycle.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toEqual(['digest-tick']);
    } finally {
      await cycle.close();
    }
  });
});
