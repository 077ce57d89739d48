import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '#config';
import { QueueFactory } from '#queue';
import { Metrics } from '#metrics';
import { createTestDatabase, flushTestRedis, TEST_JWT_SECRET, TEST_REDIS_URL } from '../support/env.js';

/** The BullMQ backend choice: PostgreSQL without REDIS_URL, Redis with it; jobs go round trip on both. */
describe.each([
  ['postgres', false],
  ['redis', true],
] as const)('queues on the %s backend', (backend, redis) => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queues: QueueFactory;

  beforeAll(async () => {
    db = await createTestDatabase();
    if (redis) await flushTestRedis();
    const config = loadConfig({
      DATABASE_URL: db.url,
      JWT_SECRET: TEST_JWT_SECRET,
      ...(redis ? { REDIS_URL: TEST_REDIS_URL } : {}),
    });
    queues = new QueueFactory(config, db.url, new Metrics());
  });
  afterAll(async () => {
    await queues?.onApplicationShutdown();
    await db?.drop();
  });

  it(`chooses ${backend}`, () => {
    expect(queues.backend).toBe(backend);
  });

  it('runs a job through a worker and answers the health round trip', async () => {
    await queues.roundTrip();
    const done = new Promise<unknown>((resolve) => {
      const worker = queues.worker<{ n: number }>('roundtrip-test', async (job) => job.data.n * 2);
      worker.on('completed', (_job, result) => resolve(result));
    });
    await queues.queue('roundtrip-test').add('double', { n: 21 });
    expect(await done).toBe(42);
  });

  it('treats a second add with the same job id as a no-op', async () => {
    const q = queues.queue('dedupe-test');
    const a = await q.add('x', {}, { jobId: 'reminder:abc:-PT2S', delay: 60_000 });
    const b = await q.add('x', {}, { jobId: 'reminder:abc:-PT2S', delay: 60_000 });
    expect(a.id).toBe(b.id);
    expect(await q.getDelayedCount()).toBe(1);
  });
});

/** The same server's URL for another database name. */
const withDatabase = (url: string, name: string) => url.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);

/** A QueueFactory on BullMQ's PostgreSQL backend at `url` (no REDIS_URL). */
const postgresQueues = (url: string) =>
  new QueueFactory(loadConfig({ DATABASE_URL: url, JWT_SECRET: TEST_JWT_SECRET }), url, new Metrics());

/**
 * BullMQ's PostgreSQL backend keeps a failed start and then fails every fetch at once; its worker loop would spin
 * without ever yielding, starving the process (seen in CI: "too many clients already"). A database that does not
 * exist fails the same way: the worker is closed, timers still fire, and it is started afresh a few seconds later.
 */
describe('a PostgreSQL worker whose backend cannot start', () => {
  it('is closed instead of spinning, and started afresh', async () => {
    const db = await createTestDatabase();
    const missing = withDatabase(db.url, `enlace_missing_${randomBytes(4).toString('hex')}`);
    await db.drop();
    const queues = postgresQueues(missing);
    const restarted: string[] = [];
    let twice!: () => void;
    const startedTwice = new Promise<void>((resolve) => (twice = resolve));
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      restarted.push(String(message));
      if (restarted.length === 2) twice();
    });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      queues.worker('never-starts', async () => undefined);
      // a timer set now still fires: the failing worker does not hold the event loop
      await new Promise((resolve) => setTimeout(resolve, 50));
      await startedTwice;
      expect(restarted[0]).toMatch(
        /worker never-starts: 50 errors within a second \(.*does not exist.*\); started afresh/,
      );
    } finally {
      await queues.onApplicationShutdown();
      error.mockRestore();
      warn.mockRestore();
    }
  }, 30_000);
});

/**
 * The same failed start, then the database comes (as after "too many clients already" passes): the health round trip
 * works again without a restart, and a job added then is run by the worker started afresh.
 */
describe('queues whose PostgreSQL backend could not start at first', () => {
  it('recover once the database accepts connections', async () => {
    const base = await createTestDatabase();
    const dbName = `enlace_later_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base.url });
    await admin.connect();
    const queues = postgresQueues(withDatabase(base.url, dbName));
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await expect(queues.roundTrip()).rejects.toThrow(/does not exist/);
      let doubled!: (n: number) => void;
      const ran = new Promise<number>((resolve) => (doubled = resolve));
      queues.worker<{ n: number }>('later-test', async (job) => doubled(job.data.n * 2));

      await admin.query(`CREATE DATABASE ${dbName}`);
      await queues.roundTrip(10_000);
      await queues.queue('later-test').add('double', { n: 21 });
      expect(await ran).toBe(42);
    } finally {
      await queues.onApplicationShutdown();
      error.mockRestore();
      warn.mockRestore();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
      await base.drop();
    }
  }, 60_000);
});
