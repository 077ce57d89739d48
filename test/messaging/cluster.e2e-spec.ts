import { jest } from '@jest/globals';
import { SystemMessages } from '#domain';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/env.js';
import type { ServiceProcess } from '../support/process.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { Http } from '../support/http.js';
import { startApiProcess } from './cluster-support.js';
import { call, cid, collect, connect, type ClientSocket } from './support.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';

/**
 * Two API processes (the built service, spawned by the test) on one PostgreSQL database and one Redis: messages sent
 * on one reach readers on the other, once and in order, with seq assigned without gaps under concurrent writers.
 */
describe('messaging across two API processes (PostgreSQL + Redis streams adapter)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: ServiceProcess;
  let b: ServiceProcess;
  let admin: Http;
  const sockets: ClientSocket[] = [];
  const open = async (url: string, token: string) => {
    const s = await connect(url, token);
    sockets.push(s);
    return s;
  };
  const channelId = async (user: TestUser, name: string, network = ST) => {
    const res = await user.http.get(`/api/networks/${network}/channels`);
    const found = res.body.find((c: any) => c.name === name);
    if (!found) throw new Error(`no channel ${name}: ${JSON.stringify(res.body)}`);
    return found.id as string;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startApiProcess(db.url);
    b = await startApiProcess(db.url);
    admin = await loginAdmin(a.url);
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  it('delivers a message sent to process A to a reader on process B once, in order', async () => {
    const sender = await officer(admin, 'GT');
    const reader = await officer(admin, 'MX');
    const general = await channelId(sender, 'general');
    const rs = await open(b.url, reader.token);
    const ss = await open(a.url, sender.token);
    const got = collect(rs, 'message.created');
    const acked: number[] = [];
    for (let i = 0; i < 20; i++) {
      const ack = await call(ss, 'message.send', {
        channelId: general,
        body: `ordered ${i}`,
        clientMessageId: cid(),
      });
      expect(ack.ok).toBe(true);
      acked.push(ack.data.seq);
    }
    // A last message: anything delivered twice would have arrived before it.
    const last = await call(ss, 'message.send', { channelId: general, body: 'last', clientMessageId: cid() });
    await got.until((items) => items.some((m) => m.id === last.data.id));
    const mine = got.items.filter((m) => m.channelId === general);
    expect(mine.map((m) => m.seq)).toEqual([...acked, last.data.seq]);
    expect(mine.map((m) => m.body)).toEqual([...acked.map((_, i) => `ordered ${i}`), 'last']);
    expect(new Set(mine.map((m) => m.id)).size).toBe(mine.length);
    expect(mine[0].author).toEqual({ id: sender.id, displayName: expect.any(String), country: 'GT' });
  });

  it('gives 20 clients on both processes sending 50 messages each at once seq 1..1000 without gap or duplicate, to every reader', async () => {
    const creator = await officer(admin, 'GT');
    const users = [
      creator,
      ...(await Promise.all(
        Array.from({ length: 19 }, (_, i) => officer(admin, ['GT', 'MX', 'HN', 'SV', 'CR'][i % 5])),
      )),
    ];
    const created = await creator.http.post(`/api/networks/${ST}/channels`, {
      name: 'burst',
      visibility: 'private',
      members: users.slice(1).map((u) => u.id),
    });
    expect(created.status).toBe(201);
    const channel = created.body.id as string;
    const clients = await Promise.all(users.map((u, i) => open(i % 2 ? b.url : a.url, u.token)));
    const inboxes = clients.map((s) => collect(s, 'message.created'));
    const acks = await Promise.all(
      clients.flatMap((s, i) =>
        Array.from({ length: 50 }, (_, n) =>
          call(s, 'message.send', {
            channelId: channel,
            body: `client ${i} message ${n}`,
            clientMessageId: cid(),
          }),
        ),
      ),
    );
    expect(acks.filter((x) => !x.ok)).toEqual([]);
    expect(acks.map((x) => x.data.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    await Promise.all(
      inboxes.map((box) =>
        box.until((items) => items.filter((m) => m.channelId === channel).length >= 1000, 60_000),
      ),
    );
    for (const box of inboxes) {
      const seqs = box.items.filter((m) => m.channelId === channel).map((m) => m.seq);
      expect(seqs.length).toBe(1000);
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    }
    // Each client's own messages were stored in the order it sent them.
    const bySender = new Map<string, number[]>();
    for (const m of inboxes[0].items.filter((m) => m.channelId === channel)) {
      const [, i, , n] = m.body.split(' ');
      bySender.set(i, [...(bySender.get(i) ?? []), Number(n)]);
    }
    for (const order of bySender.values()) expect(order).toEqual([...order].sort((x, y) => x - y));
    // The stored channel agrees, through REST on either process, and sync pages through it.
    const list = await users[3].http.get(`/api/networks/${ST}/channels`);
    expect(list.body.find((c: any) => c.id === channel)).toMatchObject({ lastSeq: 1000 });
    const page1 = await call(clients[1], 'sync', { cursors: { [channel]: 0 } });
    expect(page1.ok).toBe(true);
    expect(page1.data.complete).toBe(true);
    expect(page1.data.messages.map((m: any) => m.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const page2 = await call(clients[1], 'sync', { cursors: { [channel]: 500 } });
    expect(page2.data.complete).toBe(true);
    expect(page2.data.messages.map((m: any) => m.seq)).toEqual(
      Array.from({ length: 500 }, (_, i) => i + 501),
    );
  });

  it('gives a client that was offline while 100 messages were sent exactly those 100 through sync', async () => {
    const sender = await officer(admin, 'GT');
    const reader = await officer(admin, 'PA');
    const general = await channelId(sender, 'general');
    const first = await open(b.url, reader.token);
    const seen = collect(first, 'message.created');
    const before = await sender.http.post(`/api/channels/${general}/messages`, {
      body: 'before',
      clientMessageId: cid(),
    });
    await seen.until((items) => items.some((m) => m.id === before.body.id));
    const cursor = before.body.seq as number;
    first.close();

    const ss = await open(a.url, sender.token);
    const sent: number[] = [];
    for (let i = 0; i < 100; i++) {
      const ack = await call(ss, 'message.send', {
        channelId: general,
        body: `while offline ${i}`,
        clientMessageId: cid(),
      });
      sent.push(ack.data.seq);
    }

    const again = await open(a.url, reader.token);
    const missed: any[] = [];
    let cursors = { [general]: cursor };
    for (;;) {
      const res = await call(again, 'sync', { cursors });
      expect(res.ok).toBe(true);
      missed.push(...res.data.messages);
      if (res.data.complete) break;
      cursors = { [general]: res.data.messages[res.data.messages.length - 1].seq };
    }
    const offline = missed.filter((m) => m.body.startsWith('while offline'));
    expect(offline.map((m) => m.seq)).toEqual(sent);
    expect(offline.map((m) => m.body)).toEqual(sent.map((_, i) => `while offline ${i}`));
    // Other writers may share `general`, but nothing at or before the cursor comes back and nothing twice.
    expect(missed.every((m) => m.seq > cursor)).toBe(true);
    expect(new Set(missed.map((m) => m.id)).size).toBe(missed.length);
  });

  it('recovers a dropped connection with the packets it missed (connection state recovery through Redis)', async () => {
    const sender = await officer(admin, 'GT');
    const reader = await officer(admin, 'BZ');
    const general = await channelId(sender, 'general');
    const s = await connect(b.url, reader.token, {
      reconnection: true,
      reconnectionDelay: 1500,
      reconnectionDelayMax: 1500,
    });
    sockets.push(s);
    const got = collect(s, 'message.created');
    const warm = await sender.http.post(`/api/channels/${general}/messages`, {
      body: 'before the drop',
      clientMessageId: cid(),
    });
    await got.until((items) => items.some((m) => m.id === warm.body.id));
    let missed: any;
    const reconnected = new Promise<void>((resolve) => {
      s.once('disconnect', async () => {
        // While the client is away (it comes back after 1.5 s), a message is sent through the other process.
        missed = (
          await new Http(a.url, sender.token).post(`/api/channels/${general}/messages`, {
            body: 'while away',
            clientMessageId: cid(),
          })
        ).body;
        s.once('connect', () => resolve());
      });
    });
    s.io.engine.close();
    await reconnected;
    expect(s.recovered).toBe(true);
    await got.until((items) => items.some((m) => m.id === missed.id));
    expect(got.items.filter((m) => m.id === missed.id)).toHaveLength(1);
  });

  it('stores one message for the same clientMessageId sent over REST (A) and the socket (B)', async () => {
    const u = await officer(admin, 'CR');
    const general = await channelId(u, 'general');
    const id = cid();
    const rest = await u.http.post(`/api/channels/${general}/messages`, {
      body: 'once',
      clientMessageId: id,
    });
    expect(rest.status).toBe(201);
    const s = await open(b.url, u.token);
    const viaSocket = await call(s, 'message.send', {
      channelId: general,
      body: 'once',
      clientMessageId: id,
    });
    expect(viaSocket).toEqual({ ok: true, data: rest.body });
    const onB = await new Http(b.url, u.token).post(`/api/channels/${general}/messages`, {
      body: 'once',
      clientMessageId: id,
    });
    expect(onB.status).toBe(200);
    expect(onB.body).toEqual(rest.body);
    const page = await u.http.get(
      `/api/channels/${general}/messages?afterSeq=${rest.body.seq - 1}&limit=200`,
    );
    expect(page.body.filter((m: any) => m.clientMessageId === id)).toHaveLength(1);
    // Concurrent repeats on both processes store one message too.
    const id2 = cid();
    const racers = await Promise.all([
      ...[a.url, b.url].map((url) =>
        fetch(`${url}/api/channels/${general}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${u.token}` },
          body: JSON.stringify({ body: 'race', clientMessageId: id2 }),
        }).then(async (r) => ({ status: r.status, body: await r.json() })),
      ),
      call(s, 'message.send', { channelId: general, body: 'race', clientMessageId: id2 }).then((x) => ({
        status: x.ok ? 0 : -1,
        body: x.data,
      })),
    ]);
    expect(new Set(racers.map((r) => r.body.id)).size).toBe(1);
    expect(racers.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
    const after = await u.http.get(`/api/channels/${general}/messages?afterSeq=${rest.body.seq}&limit=200`);
    expect(after.body.filter((m: any) => m.clientMessageId === id2)).toHaveLength(1);
  });

  it('applies a membership change made on A to live sockets on B', async () => {
    const member = await officer(admin, 'HN', [ST, CP]);
    const other = await officer(admin, 'GT', [ST, CP]);
    const stGeneral = await channelId(other, 'general', ST);
    const cpGeneral = await channelId(other, 'general', CP);
    const s = await open(b.url, member.token);
    const updated = collect(s, 'access.updated');
    const got = collect(s, 'message.created');
    const res = await admin.put(`/api/admin/users/${member.id}/memberships`, {
      memberships: [{ network: CP, role: 'officer' }],
    });
    expect(res.status).toBe(200);
    await updated.count(1);
    expect(updated.items[0].memberships).toEqual([{ network: CP, role: 'officer' }]);
    const hidden = await other.http.post(`/api/channels/${stGeneral}/messages`, {
      body: 'not for HN any more',
      clientMessageId: cid(),
    });
    const visible = await other.http.post(`/api/channels/${cpGeneral}/messages`, {
      body: 'still for HN',
      clientMessageId: cid(),
    });
    await got.until((items) => items.some((m) => m.id === visible.body.id));
    expect(got.items.some((m) => m.id === hidden.body.id)).toBe(false);
  });

  it('sends case.created to the sockets that may read the case, on either process', async () => {
    const opener = await officer(admin, 'GT');
    const involved = await officer(admin, 'MX');
    const notInvolved = await officer(admin, 'SV');
    const observer = await createUser(admin, {
      country: 'CO',
      memberships: [{ network: ST, role: 'observer' }],
    });
    const general = await channelId(opener, 'general');
    const watchers = await Promise.all([involved, notInvolved, observer].map((u) => open(b.url, u.token)));
    const cases = watchers.map((s) => collect(s, 'case.created'));
    const messages = watchers.map((s) => collect(s, 'message.created'));
    const kase = await opener.http.post(`/api/networks/${ST}/cases`, {
      title: 'Route through Tecún Umán',
      type: 'trafficking-in-persons',
      handling: 'involved',
      countries: ['MX'],
      summary: 'Two minors reported by the consulate',
    });
    expect(kase.status).toBe(201);
    const thread = await opener.http.post(`/api/cases/${kase.body.id}/messages`, {
      body: 'Update on the minors',
      clientMessageId: cid(),
    });
    expect(thread.status).toBe(201);
    const sentinel = await opener.http.post(`/api/channels/${general}/messages`, {
      body: 'sentinel',
      clientMessageId: cid(),
    });
    await Promise.all(messages.map((m) => m.until((items) => items.some((x) => x.id === sentinel.body.id))));
    expect(cases[0].items.map((c) => c.reference)).toEqual([kase.body.reference]);
    expect(messages[0].items.some((m) => m.id === thread.body.id)).toBe(true);
    for (const i of [1, 2]) {
      expect(cases[i].items).toEqual([]);
      expect(messages[i].items.some((m) => m.caseId === kase.body.id)).toBe(false);
    }
  });

  it('delivers what a worker-only process posts (SystemMessages) to sockets on the API processes', async () => {
    const reader = await officer(admin, 'DO');
    const followUp = await channelId(reader, 'follow-up');
    const s = await open(b.url, reader.token);
    const got = collect(s, 'message.created');
    let worker: TestApp | undefined;
    try {
      worker = await startTestApp({ role: 'worker', redis: true, databaseUrl: db.url });
      const system = worker.runtime.app.get(SystemMessages);
      const key = `test:${cid()}`;
      const posted = await system.post({
        channelId: followUp,
        body: 'Reminder\n\nRecordatorio',
        idempotencyKey: key,
      });
      const again = await system.post({
        channelId: followUp,
        body: 'Reminder\n\nRecordatorio',
        idempotencyKey: key,
      });
      expect(again).toEqual(posted);
      await got.until((items) => items.some((m) => m.id === posted.id));
      const m = got.items.find((x) => x.id === posted.id);
      expect(m).toMatchObject({
        channelId: followUp,
        seq: posted.seq,
        author: null,
        body: 'Reminder\n\nRecordatorio',
      });
    } finally {
      await worker?.runtime.close();
    }
  });
});
