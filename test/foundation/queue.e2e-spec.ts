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
