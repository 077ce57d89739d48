import { jest } from '@jest/globals';
import { loginAdmin } from '../factories/users.js';
import { until } from '../follow-ups/helpers.js';
import { createTestDatabase } from '../support/env.js';
import { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { cid } from '../messaging/support.js';
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
  ST,
} from './scenario.js';
import { RedisServer } from './servers.js';
import { runSocketDrops } from './socket-drops.js';

jest.setTimeout(240_000);

const CLIENTS = 50;
const PER_CLIENT = 20;

/**
 * 3 API processes and 2 workers (the built service) on PostgreSQL and a Redis of the test's own (append-only file
 * on, as BullMQ needs in production), under a mixed load: 50 officers' clients sending to a channel, cases with their
 * threads, follow-up items with reminders. One API process is killed with SIGKILL; then Redis is restarted; then
 * sockets are dropped every 5 s. After each: nothing acknowledged is lost, nothing is stored or delivered twice.
 */
describe('faults: kill -9 of an API process, Redis restarted, sockets dropped (3 APIs, 2 workers)', () => {
  let redis: RedisServer;
  let smtp: TestSmtpServer;
  let db: { url: string; drop: () => Promise<void> };
  let dep: FaultDeployment;
  let cast: Cast;
  let clients: FaultClient[] = [];
  let jobs: ReturnType<typeof followUpQueues>;
  /** The API processes still running after the kill. */
  let survivors: string[];
  /**
   * Messages published while Redis stopped: an XADD that Redis ran but could not answer before it exited is sent
   * again when it is back (ioredis resends what was unanswered: at-least-once, as the cluster's access notices need),
   * so readers on other processes may receive such a message twice; the client keys messages by seq.
   */
  const republished = new Set<string>();

  beforeAll(async () => {
    [redis, smtp, db] = await Promise.all([
      RedisServer.start({ appendonly: true }),
      TestSmtpServer.start(),
      createTestDatabase(),
    ]);
    dep = await startFaultDeployment(db.url, { REDIS_URL: redis.url, SMTP_URL: smtp.url });
    jobs = followUpQueues(redis.url);
    cast = await castOf(await loginAdmin(dep.urls[1]), CLIENTS);
    clients = await Promise.all(
      cast.officers.map((o, i) => FaultClient.open(dep.urls, o.token, cast.channelId, i)),
    );
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await jobs?.close();
    await dep?.close();
    await Promise.all([redis?.close(), smtp?.close(), db?.drop()]);
  });

  it('kill -9 of one API process while 50 clients send: every acknowledged message stored once, its clients catch up on another with no gap and no duplicate', async () => {
    const [victim, ...rest] = dep.apis;
    survivors = rest.map((p) => p.url);
    const onVictim = clients.filter((c) => c.url === victim.url);
    const stayed = clients.filter((c) => c.url !== victim.url);
    expect(onVictim.length).toBeGreaterThanOrEqual(16);
    const gt = new Http(survivors[0], cast.officers[0].token);
    const followUp = await followUpDueIn(gt, 3000, `Crossing at El Ceibo ${Date.now()}`);

    // the mixed load: cases with a thread message each, on a surviving process, during the sends and the kill
    const caseLoad = (async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const k = await gt.post(`/api/networks/${ST}/cases`, {
          title: `Group of 12 at Tenosique ${i}`,
          type: 'trafficking-in-persons',
          handling: 'involved',
          countries: ['MX'],
          summary: 'Reported by the consulate',
        });
        expect(k.status).toBe(201);
        const m = await gt.post(`/api/cases/${k.body.id}/messages`, {
          body: `update ${i}`,
          clientMessageId: cid(),
        });
        expect(m.status).toBe(201);
        ids.push(k.body.id);
      }
      return ids;
    })();

    let acked = 0;
    let killed: Promise<unknown> | undefined;
    const sends = clients.map(async (c, i) => {
      for (let n = 0; n < PER_CLIENT; n++) {
        await c.send(`client ${i} message ${n}`);
        // the kill lands mid-traffic: once 40 % of the messages are acknowledged
        if (++acked === Math.floor(CLIENTS * PER_CLIENT * 0.4)) killed = victim.stop('SIGKILL');
      }
    });
    // said only when the sends stall (what a hang looks like from here)
    let seen = -1;
    const progress = setInterval(() => {
      if (acked === seen)
        console.log(
          `stalled at ${acked} acked: ${clients.filter((c) => c.socket.connected).length} connected, ${clients.reduce((n, c) => n + c.reconnects, 0)} reconnects, killed ${!!killed}`,
        );
      seen = acked;
    }, 5000);
    await Promise.all(sends);
    clearInterval(progress);
    await killed;
    expect(victim.child.signalCode).toBe('SIGKILL');

    const rows = await expectChannelIntact(db.url, cast.channelId, clients);
    expect(rows).toHaveLength(CLIENTS * PER_CLIENT);
    for (const c of onVictim) {
      expect(c.reconnects).toBeGreaterThanOrEqual(1);
      expect(survivors).toContain(c.url);
    }
    for (const c of stayed) expect(c.reconnects).toBe(0);
    console.log(
      `faults: kill -9 with ${onVictim.length} of ${CLIENTS} clients on the killed process; all moved`,
    );

    // the cases: each stored once, each thread message once
    const caseIds = await caseLoad;
    const listed = await gt.get(`/api/networks/${ST}/cases`);
    const found = (listed.body.items ?? listed.body).filter((k: any) => caseIds.includes(k.id));
    expect(found).toHaveLength(5);

    // the reminder due after the kill: one email to each reminded officer, the jobs finished, no second copy
    await reminderSettled(smtp, jobs.queues, followUp, cast.reminded);
    for (const o of cast.reminded) expect(mailsOf(smtp, followUp, o)).toHaveLength(1);
    expect(dep.exited()).toEqual([victim]);
  });

  it('Redis restarted mid-traffic: no process exits, health says 503 meanwhile, cross-process delivery resumes within 10 s, a reminder due during the outage fires once', async () => {
    const [a, b] = survivors;
    const onA = clients.filter((c) => c.url === a);
    const onB = clients.filter((c) => c.url === b);
    expect(onA.length && onB.length).toBeTruthy();
    const reminders = new Map<FaultClient, any[]>(clients.map((c) => [c, []]));
    for (const c of clients) c.socket.on('followup.reminder', (e: any) => reminders.get(c)!.push(e));
    const gt = new Http(a, cast.officers[0].token);
    const dueIn = 2500;
    const due = Date.now() + dueIn;
    const followUp = await followUpDueIn(gt, dueIn, `Reunification at Peñas Blancas ${Date.now()}`);

    // traffic continues while Redis goes down (SIGTERM: a restart, the append-only file kept)
    const traffic = Promise.all(onA.slice(0, 5).map((c, i) => c.send(`around the restart ${i}`)));
    await redis.down('SIGTERM');
    const health = await fetch(`${a}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', checks: { queue: 'down' } });
    // PostgreSQL still answers: a message sent now is stored and acknowledged
    const during = await onB[0].send('while Redis is down');
    expect(during.seq).toBeGreaterThan(0);
    // the outage lasts past the reminder's due time
    await until(() => Date.now() > due + 1500, 'the reminder to fall due during the outage', 10_000, 100);
    await redis.up();
    const upAt = Date.now();
    for (const m of [...(await traffic), during]) republished.add(m.id);

    // cross-process delivery: a message sent on A reaches a client on B (probing until it does)
    const firstDelivery = await crossProcessDelivery(onA[0], onB[0], upAt, 15_000);
    expect(firstDelivery).toBeLessThan(10_000);
    await until(async () => (await fetch(`${a}/api/health`)).status === 200, 'health 200 again', 15_000, 200);

    await reminderSettled(smtp, jobs.queues, followUp, cast.reminded);
    for (const o of cast.reminded) expect(mailsOf(smtp, followUp, o)).toHaveLength(1);
    for (const c of clients)
      expect(reminders.get(c)!.filter((e) => e.followUpId === followUp).length).toBeLessThanOrEqual(1);
    await expectChannelIntact(db.url, cast.channelId, clients, republished);
    expect(dep.exited()).toEqual([dep.apis[0]]);
    console.log(`faults: cross-process delivery resumed ${firstDelivery} ms after Redis came back`);
  });

  it('sockets dropped every 5 s under 10 msg/s: every message reaches every client once (short run)', async () => {
    const result = await runSocketDrops({
      sender: clients[0],
      receivers: clients.slice(1, 21),
      durationMs: 16_000,
      dropEveryMs: 5000,
      perSecond: 10,
    });
    expect(result.drops).toBeGreaterThanOrEqual(3);
    await expectChannelIntact(db.url, cast.channelId, clients, republished);
    expect(dep.exited()).toEqual([dep.apis[0]]);
  });
});
