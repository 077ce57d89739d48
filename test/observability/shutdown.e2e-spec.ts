import { jest } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DIGEST_QUEUES } from '#queue';
import { createTestDatabase, flushTestRedis, TEST_REDIS_URL } from '../support/env.js';
import type { ServiceProcess } from '../support/process.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { startApiProcess } from '../messaging/cluster-support.js';
import { call, collect, connect, type ClientSocket } from '../messaging/support.js';
import { digestJobsIdle, mailsTo } from '../digests/support.js';

jest.setTimeout(150_000);

const ST = 'smuggling-trafficking';
const SENDERS = 6;
const PER_SENDER = 25;

/** Resolves when the socket is gone (whatever the reason): a pending ack will then never come. */
const gone = (s: ClientSocket) =>
  new Promise<never>((_, reject) => {
    if (!s.connected) return reject(new Error('disconnected'));
    s.once('disconnect', (reason) => reject(new Error(`disconnected: ${reason}`)));
  });

/**
 * SIGTERM under load (API.md: exit within 10 s): two API processes (ROLE=all, so both run workers) on one
 * PostgreSQL and one Redis; officers send messages with acks on both; one process is stopped while they send, while
 * its worker holds a job (an email the SMTP peer has not answered yet) and while another delayed job falls due.
 */
describe('SIGTERM under load: nothing acknowledged is lost, nothing runs twice, exit 0 within 10 s', () => {
  let db: { url: string; drop: () => Promise<void> };
  let smtp: TestSmtpServer;
  let a: ServiceProcess | undefined;
  let b: ServiceProcess | undefined;
  let redis: Redis;
  const sockets: ClientSocket[] = [];
  const open = async (url: string, token: string) => {
    const s = await connect(url, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    await flushTestRedis();
    db = await createTestDatabase();
    smtp = await TestSmtpServer.start();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.stop('SIGKILL'), b?.stop()]);
    await redis?.quit();
    await smtp?.close();
    await db?.drop();
  });

  it('drains: acked messages stored once, sockets move to the other process and catch up, jobs finish once', async () => {
    const env = { ROLE: 'all', SMTP_URL: smtp.url, MISSED_MESSAGE_DELAY: 'PT1S', LOG_LEVEL: 'info' };
    a = await startApiProcess(db.url, env);
    const admin = await loginAdmin(a.url);
    const tag = Math.random().toString(36).slice(2, 7);
    const author = await officer(admin, 'GT', [ST]);
    const reader = await officer(admin, 'MX', [ST]);
    const away1 = await officer(admin, 'HN', [ST], { displayName: `AwayOne${tag}` });
    const away2 = await officer(admin, 'SV', [ST], { displayName: `AwayTwo${tag}` });
    const senders: TestUser[] = [];
    for (let i = 0; i < SENDERS; i++) senders.push(await officer(admin, i % 2 ? 'CR' : 'PA', [ST]));
    const channels = await author.http.get(`/api/networks/${ST}/channels`);
    const channelId: string = channels.body.find((c: any) => c.name === 'general').id;

    // A job in hand at SIGTERM: only A runs workers yet; its missed-message email waits for the SMTP answer.
    smtp.hold(1);
    const first = await author.http.post(`/api/channels/${channelId}/messages`, {
      body: `@AwayOne${tag} before the stop`,
      clientMessageId: `held-${tag}`,
    });
    expect(first.status).toBe(201);
    await smtp.held;
    b = await startApiProcess(db.url, env);
    const urls = { a: a.url, b: b.url };

    // A reader on A: told to go, it reconnects to B and catches up with sync.
    const readerOnA = await open(urls.a, reader.token);
    const live = collect(readerOnA, 'message.created');
    const draining = collect(readerOnA, 'server.draining');
    const readerGone = new Promise<string>((resolve) => readerOnA.once('disconnect', resolve));

    // Senders, half on each process; one whose process goes away resends (same clientMessageId) on the other.
    const acked = new Map<string, string>(); // clientMessageId → message id
    let moved = 0;
    let reachedLoad!: () => void;
    const underLoad = new Promise<void>((resolve) => (reachedLoad = resolve));
    const send = async (user: TestUser, start: string) => {
      let socket = await open(start, user.token);
      for (let i = 0; i < PER_SENDER; i++) {
        const clientMessageId = `${tag}-${user.id}-${i}`;
        for (let attempt = 0; ; attempt++) {
          if (attempt > 5) throw new Error(`${clientMessageId} was never acknowledged`);
          try {
            const ack = await Promise.race([
              call(socket, 'message.send', { channelId, body: `load ${i}`, clientMessageId }, 10_000),
              gone(socket),
            ]);
            if (!ack.ok) throw new Error(`refused: ${JSON.stringify(ack.error)}`);
            acked.set(clientMessageId, ack.data.id);
            break;
          } catch (e) {
            if (String(e).includes('refused')) throw e;
            socket.close();
            socket = await open(urls.b, user.token);
            moved++;
          }
        }
        if (acked.size >= (SENDERS * PER_SENDER) / 3) reachedLoad();
      }
    };
    const sending = Promise.all(senders.map((u, i) => send(u, i % 2 ? urls.b : urls.a)));

    await underLoad;
    // a delayed job that falls due while A stops: its email is sent once, by whichever worker is still taking jobs
    const due = await author.http.post(`/api/channels/${channelId}/messages`, {
      body: `@AwayTwo${tag} during the stop`,
      clientMessageId: `due-${tag}`,
    });
    expect(due.status).toBe(201);
    const stoppedAt = Date.now();
    const exit = a.stop('SIGTERM');
    await draining.count(1);
    expect(draining.items[0]).toEqual({ reconnectAfterMs: expect.any(Number) });
    smtp.release(); // the job A holds may now finish: A waits for it before it exits
    expect(await readerGone).toBe('transport close');
    expect(await exit).toEqual({ code: 0, signal: null });
    const tookMs = Date.now() - stoppedAt;
    expect(tookMs).toBeLessThan(10_000);
    expect(a.output()).toMatch(/drained in \d+ ms: \d+ socket\(s\) told to reconnect elsewhere/);

    await sending;
    expect(acked.size).toBe(SENDERS * PER_SENDER);
    expect(moved).toBeGreaterThanOrEqual(1);

    // every acknowledged message is stored, once; nothing else from these senders is
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const rows = (
      await client.query<{ id: string; client_message_id: string; seq: string }>(
        `SELECT id, client_message_id, seq FROM messages WHERE channel_id = $1 ORDER BY seq`,
        [channelId],
      )
    ).rows;
    await client.end();
    const loadRows = rows.filter((r) => r.client_message_id?.startsWith(`${tag}-`));
    expect(loadRows).toHaveLength(acked.size);
    for (const r of loadRows) expect(acked.get(r.client_message_id)).toBe(r.id);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));

    // the reader, moved to B, catches up as a client does: sync from the last seq it holds without a gap
    const readerOnB = await open(urls.b, reader.token);
    const mine = live.items.filter((m) => m.channelId === channelId);
    const seen = new Set(mine.map((m) => m.id));
    const held = new Set(mine.map((m) => m.seq));
    let cursor = first.body.seq; // what the reader had when it connected
    while (held.has(cursor + 1)) cursor++;
    for (let complete = false; !complete;) {
      const page = await call(readerOnB, 'sync', { cursors: { [channelId]: cursor } });
      expect(page.ok).toBe(true);
      for (const m of page.data.messages) {
        seen.add(m.id);
        cursor = Math.max(cursor, m.seq);
      }
      complete = page.data.complete;
    }
    for (const r of rows.filter((x) => Number(x.seq) > first.body.seq)) expect(seen.has(r.id)).toBe(true);

    // the job A held finished on A (accepted once); the one due during the stop ran once (on B)
    const queues = [DIGEST_QUEUES.missed, DIGEST_QUEUES.digests].map(
      (name) => new Queue(name, { connection: redis, prefix: 'enlace' }),
    );
    await smtp.waitFor(
      () => mailsTo(smtp, away2.email).length >= 1,
      'the email of the job due during the stop',
    );
    await digestJobsIdle(queues);
    await Promise.all(queues.map((q) => q.close()));
    expect(mailsTo(smtp, away1.email)).toHaveLength(1);
    expect(mailsTo(smtp, away2.email)).toHaveLength(1);

    // B still serves
    expect((await fetch(`${urls.b}/api/health`)).status).toBe(200);
  });
});
