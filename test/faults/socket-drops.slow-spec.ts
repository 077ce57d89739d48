import { jest } from '@jest/globals';
import { loginAdmin } from '../factories/users.js';
import { FaultClient } from './clients.js';
import { type FaultDeployment, startFaultDeployment } from './deployment.js';
import { type Cast, castOf, expectChannelIntact } from './scenario.js';
import { ownDatabase, RedisServer } from './servers.js';
import { runSocketDrops } from './socket-drops.js';

jest.setTimeout(400_000);

/** The long run of `kill-and-redis`'s short one: 2 minutes of drops every 5 s under 10 msg/s, 3 API processes. */
describe('faults: sockets dropped every 5 s for 2 minutes under 10 msg/s (3 API processes)', () => {
  let redis: RedisServer;
  let db: { url: string; drop: () => Promise<void> };
  let dep: FaultDeployment;
  let cast: Cast;
  let clients: FaultClient[] = [];

  beforeAll(async () => {
    [redis, db] = await Promise.all([RedisServer.start(), ownDatabase()]);
    dep = await startFaultDeployment(db.url, { REDIS_URL: redis.url }, { apis: 3, workers: 1 });
    cast = await castOf(await loginAdmin(dep.urls[0]), 21);
    clients = await Promise.all(
      cast.officers.map((o, i) => FaultClient.open(dep.urls, o.token, cast.channelId, i)),
    );
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await dep?.close();
    await Promise.all([redis?.close(), db?.drop()]);
  });

  it('gives every client every message once', async () => {
    const run = await runSocketDrops({
      sender: clients[0],
      receivers: clients.slice(1),
      durationMs: 120_000,
      dropEveryMs: 5000,
      perSecond: 10,
    });
    expect(run.drops).toBeGreaterThanOrEqual(21 * 23);
    expect(run.sent).toBeGreaterThanOrEqual(1000);
    const rows = await expectChannelIntact(db.url, cast.channelId, clients);
    expect(rows).toHaveLength(run.sent);
    expect(dep.exited()).toEqual([]);
  });
});
