import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { createRedisClient, parseRedisUrl, type RedisTarget } from '#config';
import { FOLLOW_UP_QUEUES } from '#queue';
import { loginAdmin } from '../factories/users.js';
import { until } from '../follow-ups/helpers.js';
import { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { FaultClient } from './clients.js';
import { type FaultDeployment, startFaultDeployment } from './deployment.js';
import {
  type Cast,
  castOf,
  crossProcessDelivery,
  expectChannelIntact,
  followUpDueIn,
  followUpQueues,
  mailsOf,
  reminderSettled,
} from './scenario.js';
import { ownDatabase, RedisClusterSet, RedisSentinelSet } from './servers.js';

jest.setTimeout(300_000);

/** One deployment (2 API processes, 1 worker) on the given REDIS_URL, with 10 officers' clients spread over both. */
function deploymentOn(redisUrl: () => string) {
  const ctx = {} as {
    smtp: TestSmtpServer;
    db: { url: string; drop: () => Promise<void> };
    dep: FaultDeployment;
    cast: Cast;
    clients: FaultClient[];
    jobs: ReturnType<typeof followUpQueues>;
  };
  beforeAll(async () => {
    [ctx.smtp, ctx.db] = await Promise.all([TestSmtpServer.start(), ownDatabase()]);
    ctx.dep = await startFaultDeployment(
      ctx.db.url,
      { REDIS_URL: redisUrl(), SMTP_URL: ctx.smtp.url },
      { apis: 2, workers: 1 },
    );
    ctx.jobs = followUpQueues(redisUrl());
    ctx.cast = await castOf(await loginAdmin(ctx.dep.urls[0]), 10);
    ctx.clients = await Promise.all(
      ctx.cast.officers.map((o, i) => FaultClient.open(ctx.dep.urls, o.token, ctx.cast.channelId, i)),
    );
  });
  afterAll(async () => {
    for (const c of ctx.clients ?? []) c.close();
    await ctx.jobs?.close();
    await ctx.dep?.close();
    await Promise.all([ctx.smtp?.close(), ctx.db?.drop()]);
  });
  return ctx;
}

/** 50 messages from clients on both processes, every one acknowledged. */
async function traffic(clients: FaultClient[], label: string): Promise<void> {
  await Promise.all(
    clients.map(async (c, i) => {
      for (let n = 0; n < 5; n++) await c.send(`${label} ${i}.${n}`);
    }),
  );
}

describe('faults: Redis Sentinel failover (a primary, a replica, three sentinels)', () => {
  let set: RedisSentinelSet;
  beforeAll(async () => {
    set = await RedisSentinelSet.start('enlace');
  });
  afterAll(async () => set?.close());
  const ctx = deploymentOn(() => `redis+sentinel://${set.sentinelAddresses}/enlace`);

  it('keeps reminders and cross-process delivery going when the primary dies and a replica takes over', async () => {
    const { dep, cast, clients, smtp, jobs, db } = ctx;
    const [a, b] = dep.urls;
    const onA = clients.filter((c) => c.url === a);
    const onB = clients.filter((c) => c.url === b);
    await traffic(clients, 'before the failover');
    const gt = new Http(a, cast.officers[0].token);
    const followUp = await followUpDueIn(gt, 8000, `Sentinel reminder ${Date.now()}`);
    // the job is on the replica before the primary dies (replication is asynchronous)
    const primary = new Redis(set.primary.port, '127.0.0.1');
    expect(Number(await primary.call('WAIT', '1', '5000'))).toBe(1);
    primary.disconnect();

    const oldPort = set.primary.port;
    await set.primary.down('SIGKILL');
    const killedAt = Date.now();
    await until(
      async () => (await set.primaryPort()) === set.replica.port,
      'the sentinels to promote the replica',
      60_000,
      200,
    );
    const promotedMs = Date.now() - killedAt;
    const resumedMs = await crossProcessDelivery(onA[0], onB[0], killedAt, 60_000);
    await traffic(clients, 'after the failover');

    await reminderSettled(smtp, jobs.queues, followUp, cast.reminded, 90_000);
    for (const o of cast.reminded) expect(mailsOf(smtp, followUp, o)).toHaveLength(1);
    await expectChannelIntact(db.url, cast.channelId, clients);
    await until(async () => (await fetch(`${a}/api/health`)).status === 200, 'health 200', 30_000, 200);
    expect(dep.exited()).toEqual([]);
    expect(oldPort).not.toBe(set.replica.port);
    console.log(
      `faults: Sentinel promoted the replica ${promotedMs} ms after the primary was killed; cross-process delivery resumed at ${resumedMs} ms`,
    );
  });
});

describe('faults: Redis Cluster (six nodes, three primaries with a replica each)', () => {
  let cluster: RedisClusterSet;
  beforeAll(async () => {
    cluster = await RedisClusterSet.start();
  });
  afterAll(async () => cluster?.close());
  const ctx = deploymentOn(() => `redis+cluster://${cluster.addresses}`);

  it('runs the queues and the socket.io adapter unchanged: messages across processes, a reminder once, health 200', async () => {
    const { dep, cast, clients, smtp, jobs, db } = ctx;
    const [a, b] = dep.urls;
    const health = await (await fetch(`${a}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', checks: { queue: 'ok' }, queueBackend: 'redis' });
    const onA = clients.filter((c) => c.url === a);
    const onB = clients.filter((c) => c.url === b);
    const followUp = await followUpDueIn(
      new Http(b, cast.officers[0].token),
      3000,
      `Cluster reminder ${Date.now()}`,
    );
    await traffic(clients, 'on the cluster');
    expect(await crossProcessDelivery(onB[0], onA[0], Date.now(), 10_000)).toBeLessThan(10_000);

    await reminderSettled(smtp, jobs.queues, followUp, cast.reminded);
    for (const o of cast.reminded) expect(mailsOf(smtp, followUp, o)).toHaveLength(1);
    await expectChannelIntact(db.url, cast.channelId, clients);
    // the service's queues live under the hash-tagged prefix (every key of a queue in one slot)
    const client = createRedisClient(parseRedisUrl(`redis+cluster://${cluster.addresses}`) as RedisTarget);
    expect(await client.exists(`{enlace}:${FOLLOW_UP_QUEUES.reminders}:meta`)).toBe(1);
    client.disconnect();
    expect(dep.exited()).toEqual([]);
  });
});
