import { Queue } from 'bullmq';
import { createRedisClient, parseRedisUrl, queuePrefix, type RedisTarget } from '#config';
import pg from 'pg';
import { FOLLOW_UP_QUEUES } from '#queue';
import { officer, type TestUser } from '../factories/users.js';
import type { Http } from '../support/http.js';
import type { TestSmtpServer } from '../support/smtp-server.js';
import { queuesIdle, setPresidency, until, utcDay } from '../follow-ups/helpers.js';
import type { FaultClient } from './clients.js';

export const ST = 'smuggling-trafficking';
export const COUNTRIES = ['GT', 'MX', 'HN', 'SV', 'CR'];
/** The countries follow-ups of the scenario name: their officers get the reminders. */
export const REMINDED = ['GT', 'MX'];

export interface Cast {
  officers: TestUser[];
  /** A private channel of all of them. */
  channelId: string;
  /** The officers a follow-up of REMINDED countries reminds. */
  reminded: TestUser[];
}

/** `n` officers of the smuggling-trafficking network (GT holds the PPT) and one private channel of all of them. */
export async function castOf(admin: Http, n: number): Promise<Cast> {
  await setPresidency(admin, 'GT', utcDay(-1), utcDay(30));
  const officers: TestUser[] = [];
  // a few at a time: each is an argon2 hash on a busy machine
  for (let i = 0; i < n; i += 10)
    officers.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, n - i) }, (_, k) =>
          officer(admin, COUNTRIES[(i + k) % COUNTRIES.length]),
        ),
      )),
    );
  const created = await officers[0].http.post(`/api/networks/${ST}/channels`, {
    name: `faults-${Date.now()}`,
    visibility: 'private',
    members: officers.slice(1).map((u) => u.id),
  });
  if (created.status !== 201) throw new Error(`channel: ${created.status} ${created.text}`);
  return {
    officers,
    channelId: created.body.id,
    reminded: officers.filter((o) => REMINDED.includes(o.country!)),
  };
}

/** A follow-up item of the PPT (the first officer, GT) due `inMs` from now, with a reminder at the due time. */
export async function followUpDueIn(http: Http, inMs: number, title: string): Promise<string> {
  const res = await http.post(`/api/networks/${ST}/follow-ups`, {
    title,
    dueAt: new Date(Date.now() + inMs).toISOString(),
    countries: REMINDED,
    reminders: ['PT0S'],
  });
  if (res.status !== 201) throw new Error(`follow-up: ${res.status} ${res.text}`);
  return res.body.id;
}

/** The reminder emails of one follow-up per officer (their Message-IDs carry the item's id). */
export function mailsOf(smtp: TestSmtpServer, followUpId: string, o: TestUser) {
  return smtp.messages.filter((m) => m.to.includes(o.email) && m.messageId.includes(followUpId));
}

/** Waits for an email to every reminded officer, then for the queues to hold nothing more of the item. */
export async function reminderSettled(
  smtp: TestSmtpServer,
  queues: Queue[],
  followUpId: string,
  reminded: TestUser[],
  timeoutMs = 60_000,
): Promise<void> {
  await smtp.waitFor(
    () => reminded.every((o) => mailsOf(smtp, followUpId, o).length >= 1),
    `the reminder email of ${followUpId} to every officer`,
    timeoutMs,
  );
  await queuesIdle(queues, followUpId, timeoutMs);
}

/** The follow-up queues of a Redis deployment (REDIS_URL in any of its forms), for the test to see them drain. */
export function followUpQueues(redisUrl: string): { queues: Queue[]; close(): Promise<void> } {
  const target = parseRedisUrl(redisUrl) as RedisTarget;
  const redis = createRedisClient(target, { maxRetriesPerRequest: null });
  const queues = [FOLLOW_UP_QUEUES.reminders, FOLLOW_UP_QUEUES.emails].map(
    (n) => new Queue(n, { connection: redis as any, prefix: queuePrefix(target) }),
  );
  // the test's own view of the queues: quiet while the test has Redis down
  redis.on('error', () => undefined);
  for (const q of queues) q.on('error', () => undefined);
  return {
    queues,
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
      redis.disconnect();
    },
  };
}

/** The stored messages of a channel, straight from PostgreSQL: what "acknowledged means stored once" is checked on. */
export async function storedMessages(
  databaseUrl: string,
  channelId: string,
): Promise<Array<{ id: string; seq: number; clientMessageId: string }>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT id, seq::int AS seq, client_message_id AS "clientMessageId" FROM messages WHERE channel_id = $1 ORDER BY seq`,
      [channelId],
    );
    return rows;
  } finally {
    await db.end();
  }
}

/**
 * The "nothing acknowledged is lost, nothing is stored twice" checks of a channel after a fault: every acknowledged
 * clientMessageId is stored once with the id and seq its ack gave; seqs run 1..n without a gap; every client shows
 * exactly those messages, none delivered live twice, except those in `republished`: messages published while Redis
 * stopped, which may reach a reader on another process twice (at most) and are still shown once. Returns the rows.
 */
export async function expectChannelIntact(
  databaseUrl: string,
  channelId: string,
  clients: FaultClient[],
  republished: ReadonlySet<string> = new Set(),
) {
  const rows = await storedMessages(databaseUrl, channelId);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  const byCmid = new Map<string, { id: string; seq: number }[]>();
  for (const r of rows.filter((x) => x.clientMessageId !== null))
    byCmid.set(r.clientMessageId, [...(byCmid.get(r.clientMessageId) ?? []), { id: r.id, seq: r.seq }]);
  expect([...byCmid.values()].filter((v) => v.length > 1)).toEqual([]);
  for (const c of clients)
    for (const [cmid, ack] of c.acked) expect(byCmid.get(cmid)).toEqual([{ id: ack.id, seq: ack.seq }]);
  await Promise.all(clients.map((c) => c.settle()));
  const ids = rows.map((r) => r.id);
  for (const c of clients) {
    expect(c.conflicts).toEqual([]);
    expect(c.duplicateLiveDeliveries().filter((d) => !republished.has(d.id) || d.times > 2)).toEqual([]);
    expect(c.seqs()).toEqual(rows.map((r) => r.seq));
    expect(c.seqs().map((s) => c.view.get(s)!.id)).toEqual(ids);
  }
  return rows;
}

/**
 * Sends a probe from `sender` every second until one reaches `reader` (on another API process) live; resolves with
 * the ms from `since` to that first delivery; fails after `limitMs`.
 */
export async function crossProcessDelivery(
  sender: FaultClient,
  reader: FaultClient,
  since: number,
  limitMs = 20_000,
): Promise<number> {
  for (let i = 0; ; i++) {
    const probe = await sender.send(`probe ${i}`);
    try {
      await until(() => reader.live.has(probe.id), `probe ${i} across processes`, 1000, 20);
      return Date.now() - since;
    } catch {
      if (Date.now() - since > limitMs)
        throw new Error(`cross-process delivery did not resume within ${limitMs} ms`);
    }
  }
}
