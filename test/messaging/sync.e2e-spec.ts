import { jest } from '@jest/globals';
import pg from 'pg';
import { MessageSyncRepository, SYNC_PAGE, SYNC_PAGE_BYTES, SyncReadAhead } from '#domain';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, connect, type ClientSocket } from './support.js';
import { PDF, PNG, upload } from '../attachments/support.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';

/**
 * `sync` pages (issue 13, catch-up): exact seq ranges per channel, cut at SYNC_PAGE messages or SYNC_PAGE_BYTES,
 * rendered by PostgreSQL: each message must be exactly what REST shows the same reader (masked case links included).
 */
describe('sync: catching up by seq cursors', () => {
  let app: TestApp;
  let admin: Http;
  let db: pg.Client;
  let gt: TestUser;
  let mx: TestUser;
  let sv: TestUser;
  const sockets: ClientSocket[] = [];
  const open = async (u: TestUser) => {
    const s = await connect(app.url, u.token);
    sockets.push(s);
    return s;
  };
  const send = (u: TestUser, channelId: string, body: string, extra: object = {}) =>
    u.http.post(`/api/channels/${channelId}/messages`, { body, clientMessageId: cid(), ...extra });
  const privateChannel = async (name: string, members: TestUser[]) =>
    (
      await gt.http.post(`/api/networks/${ST}/channels`, {
        name,
        visibility: 'private',
        members: members.map((m) => m.id),
      })
    ).body.id as string;
  /** Stores `count` messages by `author` straight in the database (seq after the channel's last), as the service would. */
  const bulk = async (channelId: string, author: TestUser, count: number, bodyLength = 40) => {
    await db.query(
      `WITH c AS (UPDATE channels SET last_seq = last_seq + $3 WHERE id = $1 RETURNING last_seq - $3 AS base)
       INSERT INTO messages (channel_id, seq, author_id, body, client_message_id, created_at)
       SELECT $1, c.base + g, $2, left(repeat('Caso ' || g || ' ñandú "migración" ', 1 + $4 / 20), $4), gen_random_uuid()::text, now()
         FROM c, generate_series(1, $3::int) g`,
      [channelId, author.id, count, bodyLength],
    );
  };
  /** Calls sync until complete; returns each page's messages. */
  const syncAll = async (s: ClientSocket, start: Record<string, number>) => {
    const cursors = { ...start };
    const pages: any[][] = [];
    for (;;) {
      const res = await call(s, 'sync', { cursors }, 60_000);
      expect(res.ok).toBe(true);
      pages.push(res.data.messages);
      for (const m of res.data.messages) cursors[m.channelId] = m.seq;
      if (res.data.complete) return pages;
      expect(res.data.messages.length).toBeGreaterThan(0);
    }
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', [ST]);
    mx = await officer(admin, 'MX', [ST], { displayName: 'Juan "Pérez" \\ Núñez' });
    sv = await officer(admin, 'SV', [ST]);
    db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await db?.end();
    await app?.close();
  });

  it('pages more than SYNC_PAGE missed messages over channels in cursor order, each seq once, ascending', async () => {
    const big = await privateChannel('sync-big', [mx]);
    const small = await privateChannel('sync-small', [mx]);
    await bulk(big, mx, SYNC_PAGE + 300);
    await bulk(small, mx, 20);
    const s = await open(gt);
    const pages = await syncAll(s, { [small]: 5, [big]: 0 });
    expect(pages.length).toBe(2);
    expect(pages[0].length).toBe(SYNC_PAGE);
    // small first (cursor order), from seq 6; then big from 1
    expect(pages[0].slice(0, 15).map((m) => [m.channelId, m.seq])).toEqual(
      Array.from({ length: 15 }, (_, i) => [small, i + 6]),
    );
    const all = pages.flat().filter((m) => m.channelId === big);
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: SYNC_PAGE + 300 }, (_, i) => i + 1));
    // a cursor at or past the end gives nothing
    const done = await call(s, 'sync', { cursors: { [big]: SYNC_PAGE + 300, [small]: 99 } });
    expect(done.data).toEqual({ messages: [], complete: true, unavailable: [] });
  });

  it('cuts a page of long bodies at SYNC_PAGE_BYTES and continues where it stopped', async () => {
    const long = await privateChannel('sync-long', [mx]);
    const count = Math.ceil((SYNC_PAGE_BYTES * 1.5) / 10_000);
    await bulk(long, mx, count, 10_000);
    const s = await open(mx);
    const pages = await syncAll(s, { [long]: 0 });
    expect(pages.length).toBe(2);
    expect(pages[0].length).toBeLessThan(count);
    expect(JSON.stringify(pages[0]).length).toBeLessThanOrEqual(SYNC_PAGE_BYTES + 20_000);
    expect(pages.flat().map((m) => m.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(pages[1][0].body).toHaveLength(10_000);
  });

  it('gives each message exactly as REST shows it to the same reader, masked case links included', async () => {
    const gtMx = await privateChannel('sync-shapes', [mx, sv]);
    const involved = (
      await gt.http.post(`/api/networks/${ST}/cases`, {
        title: 'Sync link',
        type: 'undetermined',
        handling: 'involved',
        countries: ['MX', 'SV'],
        summary: 's',
      })
    ).body;
    expect((await send(mx, gtMx, 'plain "quoted" \\ ñ\n\ttab')).status).toBe(201);
    expect((await send(gt, gtMx, 'urgent', { priority: 'urgent', requestAck: true })).status).toBe(201);
    expect((await send(mx, gtMx, 'linked', { caseId: involved.id })).status).toBe(201);
    const edited = (await send(sv, gtMx, 'before edit')).body;
    expect((await sv.http.patch(`/api/messages/${edited.id}`, { body: 'after edit' })).status).toBe(200);
    const files = [
      (await upload(app.url, mx.token, gtMx, 'informe final.pdf', 'application/pdf', PDF)).body.id,
      (await upload(app.url, mx.token, gtMx, 'foto.png', 'image/png', PNG)).body.id,
    ];
    const withFiles = (await send(mx, gtMx, 'with files', { attachmentIds: files })).body;
    expect(withFiles.attachments).toHaveLength(2);
    const gone = (await upload(app.url, gt.token, gtMx, 'borrar.pdf', 'application/pdf', PDF)).body.id;
    const deleted = (await send(gt, gtMx, 'to delete', { attachmentIds: [gone] })).body;
    expect((await gt.http.delete(`/api/messages/${deleted.id}`)).status).toBe(200);
    // a system message: no author, no clientMessageId
    await db.query(
      `WITH c AS (UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq)
       INSERT INTO messages (channel_id, seq, body, created_at) SELECT $1, c.last_seq, 'sistema', now() FROM c`,
      [gtMx],
    );
    // the case narrows to GT (its opener) and MX: SV still reads the channel, no longer the case
    expect((await gt.http.patch(`/api/cases/${involved.id}`, { countries: ['GT', 'MX'] })).status).toBe(200);
    for (const reader of [gt, mx, sv]) {
      const rest = (await reader.http.get(`/api/channels/${gtMx}/messages?afterSeq=0&limit=200`)).body;
      const [synced] = await syncAll(await open(reader), { [gtMx]: 0 });
      expect(synced).toEqual(rest);
      const link = synced.find((m: any) => m.body === 'linked');
      expect(link.caseId).toBe(reader === sv ? null : involved.id);
    }
    const [forSv] = await syncAll(await open(sv), { [gtMx]: 0 });
    expect(forSv.find((m: any) => m.id === deleted.id)).toMatchObject({
      body: '',
      deleted: true,
      attachments: [],
    });
    expect(forSv.find((m: any) => m.body === 'sistema')).toMatchObject({
      author: null,
      clientMessageId: null,
    });
    expect(forSv.find((m: any) => m.id === withFiles.id).attachments).toEqual(withFiles.attachments);
    expect(forSv.find((m: any) => m.id === edited.id)).toMatchObject({ body: 'after edit' });
    expect(forSv.find((m: any) => m.id === edited.id).editedAt).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
  });

  describe('the next page, read ahead while the current one is sent', () => {
    /** A private channel of GT, MX and SV with SYNC_PAGE + 50 messages; `link` points one of page 2 at a case. */
    const twoPages = async (name: string, link?: string) => {
      const channel = await privateChannel(name, [mx, sv]);
      await bulk(channel, mx, SYNC_PAGE + 50);
      if (link)
        await db.query(`UPDATE messages SET case_id = $2 WHERE channel_id = $1 AND seq = $3`, [
          channel,
          link,
          SYNC_PAGE + 10,
        ]);
      return channel;
    };
    const firstPage = async (u: TestUser, channel: string) => {
      const s = await open(u);
      const res = await call(s, 'sync', { cursors: { [channel]: 0 } }, 60_000);
      expect(res.data).toMatchObject({ complete: false });
      expect(res.data.messages).toHaveLength(SYNC_PAGE);
      return s;
    };
    const involvedCase = async (title: string, countries: string[]) =>
      (
        await gt.http.post(`/api/networks/${ST}/cases`, {
          title,
          type: 'undetermined',
          handling: 'involved',
          countries,
          summary: 's',
        })
      ).body;

    it('is read while the first page is sent, and served to the call that asks for it', async () => {
      const readAhead = app.runtime.app.get(SyncReadAhead);
      const channel = await twoPages('sync-ahead');
      const reads = jest.spyOn(app.runtime.app.get(MessageSyncRepository), 'page');
      try {
        const s = await firstPage(mx, channel);
        expect(readAhead.size).toBe(1);
        const next = await call(s, 'sync', { cursors: { [channel]: SYNC_PAGE } }, 60_000);
        // page 1, then page 2 read ahead and served: nothing read for the second call itself
        expect(reads).toHaveBeenCalledTimes(2);
        expect(readAhead.size).toBe(0);
        expect(next.data.complete).toBe(true);
        const rest = (await mx.http.get(`/api/channels/${channel}/messages?afterSeq=${SYNC_PAGE}&limit=200`))
          .body;
        expect(next.data.messages).toEqual(rest);
      } finally {
        reads.mockRestore();
      }
    });

    it('is never served once the reader lost the channel', async () => {
      const channel = await twoPages('sync-revoked');
      const s = await firstPage(mx, channel);
      expect((await gt.http.delete(`/api/channels/${channel}/members/${mx.id}`)).status).toBe(204);
      const next = await call(s, 'sync', { cursors: { [channel]: SYNC_PAGE } }, 60_000);
      expect(next.data).toEqual({ messages: [], complete: true, unavailable: [channel] });
    });

    it('is never served to another reader: each gets the page as they may read it', async () => {
      const kase = await involvedCase('Sync ahead', ['GT', 'MX']);
      const channel = await twoPages('sync-ahead-readers', kase.id);
      await firstPage(mx, channel);
      // SV reads the channel but not the case: the same cursors give SV the link masked
      const forSv = await call(await open(sv), 'sync', { cursors: { [channel]: SYNC_PAGE } }, 60_000);
      expect(forSv.data.messages).toHaveLength(50);
      expect(forSv.data.messages.find((m: any) => m.seq === SYNC_PAGE + 10).caseId).toBeNull();
      const forMx = await call(await open(mx), 'sync', { cursors: { [channel]: SYNC_PAGE } }, 60_000);
      expect(forMx.data.messages.find((m: any) => m.seq === SYNC_PAGE + 10).caseId).toBe(kase.id);
    });

    it('no longer shows a linked case the reader lost between the pages', async () => {
      const kase = await involvedCase('Sync narrowed', ['GT', 'MX']);
      const channel = await twoPages('sync-ahead-narrowed', kase.id);
      const reads = jest.spyOn(app.runtime.app.get(MessageSyncRepository), 'page');
      try {
        const s = await firstPage(mx, channel);
        expect((await gt.http.patch(`/api/cases/${kase.id}`, { countries: ['GT'] })).status).toBe(200);
        const next = await call(s, 'sync', { cursors: { [channel]: SYNC_PAGE } }, 60_000);
        // page 1, page 2 read ahead, then page 2 again: what was read ahead no longer holds
        expect(reads).toHaveBeenCalledTimes(3);
        expect(next.data.complete).toBe(true);
        expect(next.data.messages.map((m: any) => m.seq)).toEqual(
          Array.from({ length: 50 }, (_, i) => SYNC_PAGE + 1 + i),
        );
        expect(next.data.messages.find((m: any) => m.seq === SYNC_PAGE + 10).caseId).toBeNull();
      } finally {
        reads.mockRestore();
      }
    });

    it('gives what arrived since, when the channel grew between the pages', async () => {
      const channel = await twoPages('sync-ahead-grew');
      const s = await firstPage(mx, channel);
      expect((await send(gt, channel, 'late')).status).toBe(201);
      const next = await call(s, 'sync', { cursors: { [channel]: SYNC_PAGE } }, 60_000);
      expect(next.data.messages).toHaveLength(51);
      expect(next.data.messages[50]).toMatchObject({ seq: SYNC_PAGE + 51, body: 'late' });
      expect(next.data.complete).toBe(true);
    });
  });

  it('audits the case thread seqs a reader caught up on, and lists what the caller may not read', async () => {
    const kase = (
      await gt.http.post(`/api/networks/${ST}/cases`, {
        title: 'Sync audit',
        type: 'undetermined',
        handling: 'involved',
        countries: ['GT'],
        summary: 's',
      })
    ).body;
    for (let i = 0; i < 3; i++) expect((await send(gt, kase.channelId, `thread ${i}`)).status).toBe(201);
    const [page] = await syncAll(await open(gt), { [kase.channelId]: 1 });
    expect(page.map((m: any) => m.seq)).toEqual([2, 3, 4]);
    const audit = (await admin.get(`/api/admin/audit?action=case.thread.read&targetId=${kase.id}`)).body;
    expect(audit.some((a: any) => a.actorId === gt.id)).toBe(true);
    const denied = await call(await open(mx), 'sync', { cursors: { [kase.channelId]: 0 } });
    expect(denied.data).toEqual({ messages: [], complete: true, unavailable: [kase.channelId] });
  });
});
