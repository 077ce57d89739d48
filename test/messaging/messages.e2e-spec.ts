import { jest } from '@jest/globals';
import { SystemMessages } from '#domain';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, collect, connect, type ClientSocket } from './support.js';

jest.setTimeout(90_000);

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';
const YEAR = new Date().getUTCFullYear();

describe('channels, messages and cases (REST and socket, one process)', () => {
  let app: TestApp;
  let admin: Http;
  let gt: TestUser;
  let mx: TestUser;
  let sv: TestUser;
  let general: string;
  const sockets: ClientSocket[] = [];
  const open = async (u: TestUser) => {
    const s = await connect(app.url, u.token);
    sockets.push(s);
    return s;
  };
  const send = (u: TestUser, channelId: string, body: string, extra: object = {}) =>
    u.http.post(`/api/channels/${channelId}/messages`, { body, clientMessageId: cid(), ...extra });

  beforeAll(async () => {
    app = await startTestApp();
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', [ST], { displayName: 'María López' });
    mx = await officer(admin, 'MX', [ST], { displayName: 'Juan Pérez' });
    sv = await officer(admin, 'SV', [ST], { displayName: 'Rosa Díaz' });
    general = (await gt.http.get(`/api/networks/${ST}/channels`)).body.find(
      (c: any) => c.name === 'general',
    ).id;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
  });

  describe('networks and channels', () => {
    it("lists the caller's networks with both names", async () => {
      const res = await gt.http.get('/api/networks');
      expect(res.body).toEqual([
        {
          slug: ST,
          name: {
            en: 'Liaison Officer Network to Combat Migrant Smuggling and Trafficking',
            es: 'Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas',
          },
          role: 'officer',
        },
      ]);
    });

    it('creates channels with validation, unique names and live rooms for their readers', async () => {
      const mxSocket = await open(mx);
      const created = collect(mxSocket, 'channel.created');
      const ok = await gt.http.post(`/api/networks/${ST}/channels`, {
        name: 'rutas-norte',
        visibility: 'officers',
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual({
        id: expect.any(String),
        name: 'rutas-norte',
        visibility: 'officers',
        lastSeq: 0,
        unreadCount: 0,
        network: ST,
      });
      await created.count(1);
      // MX's live socket joined the new channel's room: it receives its messages without reconnecting.
      const got = collect(mxSocket, 'message.created');
      const m = await send(gt, ok.body.id, 'first in rutas-norte');
      await got.until((items) => items.some((x) => x.id === m.body.id));

      const dup = await gt.http.post(`/api/networks/${ST}/channels`, {
        name: 'rutas-norte',
        visibility: 'network',
      });
      expect([dup.status, dup.body.error.code]).toEqual([409, 'CHANNEL_NAME_TAKEN']);
      const bad = await gt.http.post(`/api/networks/${ST}/channels`, {
        name: 'Bad Name!',
        visibility: 'network',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].field).toBe('name');
      const vis = await gt.http.post(`/api/networks/${ST}/channels`, { name: 'x1', visibility: 'secret' });
      expect(vis.status).toBe(400);
      const membersOnPublic = await gt.http.post(`/api/networks/${ST}/channels`, {
        name: 'x2',
        visibility: 'network',
        members: [mx.id],
      });
      expect(membersOnPublic.status).toBe(400);
      const cpOfficer = await officer(admin, 'HN', [CP]);
      const outsider = await gt.http.post(`/api/networks/${ST}/channels`, {
        name: 'x3',
        visibility: 'private',
        members: [cpOfficer.id],
      });
      expect([outsider.status, outsider.body.error.details[0].field]).toEqual([400, 'members']);
      const observer = await createUser(admin, {
        organization: 'UNHCR',
        memberships: [{ network: ST, role: 'observer' }],
      });
      expect(
        (await observer.http.post(`/api/networks/${ST}/channels`, { name: 'x4', visibility: 'network' }))
          .status,
      ).toBe(403);
      expect(
        (await gt.http.post(`/api/networks/nowhere/channels`, { name: 'x5', visibility: 'network' })).status,
      ).toBe(404);
      const unknownField = await gt.http.post(`/api/networks/${ST}/channels`, {
        name: 'x6',
        visibility: 'network',
        color: 'red',
      });
      expect(unknownField.status).toBe(400);
    });

    it('adds and removes private channel members, and live sockets follow', async () => {
      const res = await gt.http.post(`/api/networks/${ST}/channels`, {
        name: 'gt-sv',
        visibility: 'private',
        members: [sv.id],
      });
      expect(res.status).toBe(201);
      expect(res.body.members.map((m: any) => m.id).sort()).toEqual([gt.id, sv.id].sort());
      const channel = res.body.id;
      const mxSocket = await open(mx);
      const got = collect(mxSocket, 'message.created');
      expect((await mx.http.get(`/api/channels/${channel}/messages`)).status).toBe(404);
      expect((await mx.http.post(`/api/channels/${channel}/members`, { userIds: [mx.id] })).status).toBe(404);
      expect((await sv.http.post(`/api/channels/${channel}/members`, { userIds: [mx.id] })).status).toBe(403);
      const added = await gt.http.post(`/api/channels/${channel}/members`, { userIds: [mx.id] });
      expect(added.status).toBe(201);
      const m1 = await send(gt, channel, 'welcome MX');
      await got.until((items) => items.some((x) => x.id === m1.body.id));
      expect((await gt.http.delete(`/api/channels/${channel}/members/${mx.id}`)).status).toBe(204);
      const m2 = await send(gt, channel, 'MX left');
      const sentinel = await send(gt, general, 'sentinel');
      await got.until((items) => items.some((x) => x.id === sentinel.body.id));
      expect(got.items.some((x) => x.id === m2.body.id)).toBe(false);
      expect((await mx.http.get(`/api/channels/${channel}/messages`)).status).toBe(404);
    });
  });

  describe('messages', () => {
    let channel: string;
    beforeAll(async () => {
      channel = (
        await gt.http.post(`/api/networks/${ST}/channels`, { name: 'paging', visibility: 'network' })
      ).body.id;
      for (let i = 1; i <= 30; i++) await send(gt, channel, `m${i}`);
    });

    it('pages by afterSeq and beforeSeq, ascending, limit 50 by default and at most 200', async () => {
      const seqs = async (q: string) =>
        (await gt.http.get(`/api/channels/${channel}/messages${q}`)).body.map((m: any) => m.seq);
      expect(await seqs('')).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(await seqs('?afterSeq=25')).toEqual([26, 27, 28, 29, 30]);
      expect(await seqs('?afterSeq=10&limit=3')).toEqual([11, 12, 13]);
      expect(await seqs('?beforeSeq=10&limit=3')).toEqual([7, 8, 9]);
      expect(await seqs('?limit=1000')).toHaveLength(30);
      for (const q of ['?afterSeq=-1', '?limit=abc', '?beforeSeq=0', '?afterSeq=1&beforeSeq=5']) {
        expect([q, (await gt.http.get(`/api/channels/${channel}/messages${q}`)).status]).toEqual([q, 400]);
      }
      const m = (await gt.http.get(`/api/channels/${channel}/messages?afterSeq=0&limit=1`)).body[0];
      expect(m).toEqual({
        id: expect.any(String),
        channelId: channel,
        caseId: null,
        seq: 1,
        author: { id: gt.id, displayName: 'María López', country: 'GT' },
        body: 'm1',
        priority: 'normal',
        requestAck: false,
        clientMessageId: expect.any(String),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        editedAt: null,
        deleted: false,
        attachments: [],
      });
    });

    it('stores concurrent writers together without gaps, refusing only the repeated or unauthorised ones', async () => {
      const c = (
        await gt.http.post(`/api/networks/${ST}/channels`, { name: 'concurrent', visibility: 'officers' })
      ).body.id;
      const observer = await createUser(admin, {
        organization: 'IOM',
        memberships: [{ network: ST, role: 'observer' }],
      });
      const repeated = cid();
      const results = await Promise.all([
        ...Array.from({ length: 30 }, (_, i) => send([gt, mx, sv][i % 3], c, `c${i}`)),
        mx.http.post(`/api/channels/${c}/messages`, { body: 'twice', clientMessageId: repeated }),
        mx.http.post(`/api/channels/${c}/messages`, { body: 'twice', clientMessageId: repeated }),
        send(observer, c, 'not allowed here'),
      ]);
      expect(results.slice(0, 30).map((r) => r.status)).toEqual(Array(30).fill(201));
      expect(
        results
          .slice(30, 32)
          .map((r) => r.status)
          .sort(),
      ).toEqual([200, 201]);
      expect(results[30].body.id).toBe(results[31].body.id);
      expect(results[32].status).toBe(404);
      const stored = (await gt.http.get(`/api/channels/${c}/messages?limit=200`)).body;
      expect(stored.map((m: any) => m.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      expect(new Set(results.slice(0, 31).map((r) => r.body.seq)).size).toBe(31);
    });

    it('takes 1 to 10,000 characters (counted as people count them)', async () => {
      expect((await send(gt, channel, 'x'.repeat(10_000))).status).toBe(201);
      expect((await send(gt, channel, '😀'.repeat(10_000))).status).toBe(201);
      const tooLong = await send(gt, channel, 'x'.repeat(10_001));
      expect([tooLong.status, tooLong.body.error.details]).toEqual([
        400,
        [{ field: 'body', message: 'must be at most 10000 characters' }],
      ]);
      expect((await send(gt, channel, '')).status).toBe(400);
      expect((await gt.http.post(`/api/channels/${channel}/messages`, { body: 'no id' })).status).toBe(400);
      expect((await send(gt, channel, 'extra', { pinned: true })).status).toBe(400);
    });

    it('edits and deletes by the author: tombstone, history kept and audited, events to readers', async () => {
      const s = await open(mx);
      const updated = collect(s, 'message.updated');
      const deleted = collect(s, 'message.deleted');
      const m = (await send(gt, channel, 'original text')).body;
      const edited = await gt.http.patch(`/api/messages/${m.id}`, { body: 'corrected text' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        id: m.id,
        seq: m.seq,
        body: 'corrected text',
        editedAt: expect.any(String),
        deleted: false,
      });
      await updated.count(1);
      expect(updated.items[0]).toEqual(edited.body);
      const removed = await gt.http.delete(`/api/messages/${m.id}`);
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ id: m.id, seq: m.seq, body: '', deleted: true });
      await deleted.count(1);
      const listed = (await mx.http.get(`/api/channels/${channel}/messages?afterSeq=${m.seq - 1}&limit=1`))
        .body[0];
      expect(listed).toMatchObject({ id: m.id, seq: m.seq, body: '', deleted: true });
      expect((await gt.http.patch(`/api/messages/${m.id}`, { body: 'again' })).body.error.code).toBe(
        'MESSAGE_DELETED',
      );
      const history = await gt.http.get(`/api/messages/${m.id}/history`);
      expect(history.body.map((h: any) => [h.kind, h.previousBody])).toEqual([
        ['edit', 'original text'],
        ['delete', 'corrected text'],
      ]);
      const audit = await admin.get(`/api/admin/audit?targetId=${m.id}`);
      expect(audit.body.map((e: any) => e.action).sort()).toEqual(['message.deleted', 'message.edited']);
      // Over the socket too, same rules.
      const mine = (await send(mx, channel, 'mx original')).body;
      const viaSocket = await call(s, 'message.edit', { id: mine.id, body: 'mx edited' });
      expect(viaSocket).toMatchObject({ ok: true, data: { id: mine.id, body: 'mx edited' } });
      expect((await call(s, 'message.delete', { id: m.id })).error?.code).toBe('FORBIDDEN');
    });

    it('marks urgent messages, collects acknowledgements once and tells the channel', async () => {
      const s = await open(gt);
      const acked = collect(s, 'message.acked');
      const m = (await send(gt, channel, 'Alerta: grupo en riesgo', { priority: 'urgent', requestAck: true }))
        .body;
      expect(m).toMatchObject({ priority: 'urgent', requestAck: true });
      expect((await mx.http.post(`/api/messages/${m.id}/ack`)).status).toBe(204);
      expect((await mx.http.post(`/api/messages/${m.id}/ack`)).status).toBe(204);
      const mxSocket = await open(mx);
      expect(await call(mxSocket, 'message.ack', { id: m.id })).toMatchObject({
        ok: true,
        data: { messageId: m.id },
      });
      await acked.count(1);
      expect(acked.items[0]).toMatchObject({
        messageId: m.id,
        channelId: channel,
        seq: m.seq,
        user: { id: mx.id, country: 'MX' },
      });
      const svAck = await call(await open(sv), 'message.ack', { id: m.id });
      expect(svAck.ok).toBe(true);
      await acked.count(2);
      const list = await gt.http.get(`/api/messages/${m.id}/acks`);
      expect(list.body.map((a: any) => a.user.id).sort()).toEqual([mx.id, sv.id].sort());
      const plain = (await send(gt, channel, 'no ack needed')).body;
      const refused = await mx.http.post(`/api/messages/${plain.id}/ack`);
      expect([refused.status, refused.body.error.code]).toEqual([409, 'ACK_NOT_REQUESTED']);
      expect(acked.items).toHaveLength(2);
    });

    it('counts unread from read cursors; own messages are read', async () => {
      const c = (
        await gt.http.post(`/api/networks/${ST}/channels`, { name: 'unread', visibility: 'network' })
      ).body.id;
      for (let i = 0; i < 5; i++) await send(gt, c, `u${i}`);
      const count = async (u: TestUser) =>
        (await u.http.get(`/api/networks/${ST}/channels`)).body.find((x: any) => x.id === c) as {
          lastSeq: number;
          unreadCount: number;
        };
      expect(await count(gt)).toMatchObject({ lastSeq: 5, unreadCount: 0 });
      expect(await count(mx)).toMatchObject({ lastSeq: 5, unreadCount: 5 });
      expect((await mx.http.post(`/api/channels/${c}/read`, { seq: 3 })).status).toBe(204);
      expect(await count(mx)).toMatchObject({ unreadCount: 2 });
      expect((await mx.http.post(`/api/channels/${c}/read`, { seq: 1 })).status).toBe(204);
      expect(await count(mx)).toMatchObject({ unreadCount: 2 });
      const s = await open(mx);
      expect(await call(s, 'channel.read', { channelId: c, seq: 99 })).toEqual({
        ok: true,
        data: { channelId: c, seq: 5, unreadCount: 0 },
      });
      expect(await count(mx)).toMatchObject({ unreadCount: 0 });
      await send(mx, c, 'my own');
      expect(await count(mx)).toMatchObject({ lastSeq: 6, unreadCount: 0 });
      expect(await count(gt)).toMatchObject({ lastSeq: 6, unreadCount: 1 });
      expect((await mx.http.post(`/api/channels/${c}/read`, { seq: -2 })).status).toBe(400);
    });

    it('notifies mentioned people (@name) and countries (@GT) who may read the channel, nobody else', async () => {
      const gtSocket = await open(gt);
      const mxSocket = await open(mx);
      const svSocket = await open(sv);
      const [nGt, nMx, nSv] = [gtSocket, mxSocket, svSocket].map((s) => collect(s, 'notification'));
      const m1 = (await send(sv, general, 'Hola @GT y @JuanPerez, ¿novedades?')).body;
      await nGt.count(1);
      await nMx.count(1);
      expect(nGt.items[0]).toMatchObject({
        kind: 'mention',
        messageId: m1.id,
        channelId: general,
        author: { id: sv.id },
      });
      expect(nMx.items[0]).toMatchObject({ kind: 'mention', messageId: m1.id });
      // A private channel without MX: mentioning MX tells nobody.
      const priv = (
        await gt.http.post(`/api/networks/${ST}/channels`, {
          name: 'gt-sv-2',
          visibility: 'private',
          members: [sv.id],
        })
      ).body.id;
      const m2 = (await send(gt, priv, '@MX @juanperez @rosadiaz')).body;
      await nSv.until((items) => items.some((n) => n.messageId === m2.id));
      const m3 = (await send(sv, general, 'cierre @maria.lopez')).body;
      await nGt.until((items) => items.some((n) => n.messageId === m3.id));
      expect(nMx.items.map((n) => n.messageId)).toEqual([m1.id]);
    });
  });

  describe('cases', () => {
    it('numbers references per network and year, unique under concurrency', async () => {
      const opened = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? gt : mx).http.post(`/api/networks/${ST}/cases`, {
            title: `Case ${i}`,
            type: 'undetermined',
            handling: 'network',
            countries: [],
            summary: `Summary ${i}`,
          }),
        ),
      );
      expect(opened.map((r) => r.status)).toEqual(Array(20).fill(201));
      const refs = opened.map((r) => r.body.reference).sort();
      expect(refs).toEqual(
        Array.from({ length: 20 }, (_, i) => `ST-${YEAR}-${String(i + 1).padStart(4, '0')}`),
      );
      const hn = await officer(admin, 'HN', [CP]);
      const cp = await hn.http.post(`/api/networks/${CP}/cases`, {
        title: 'Detenido en Texas',
        type: 'detention',
        handling: 'involved',
        countries: ['US'],
        summary: 'Consular visit',
      });
      expect(cp.status).toBe(201);
      expect(cp.body).toMatchObject({
        reference: `CP-${YEAR}-0001`,
        network: CP,
        type: 'detention',
        handling: 'involved',
        countries: ['HN', 'US'],
        status: 'open',
        openedBy: { id: hn.id, country: 'HN' },
        createdAt: expect.any(String),
      });
    });

    it('validates types per network (UN Protocol terms in smuggling-trafficking) and countries', async () => {
      const bad = await gt.http.post(`/api/networks/${ST}/cases`, {
        title: 't',
        type: 'detention',
        handling: 'network',
        countries: [],
        summary: 's',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([
        {
          field: 'type',
          message:
            'detention is a type of the consular-protection network; in smuggling-trafficking use one of migrant-smuggling, trafficking-in-persons, undetermined',
        },
      ]);
      const unknown = await gt.http.post(`/api/networks/${ST}/cases`, {
        title: 't',
        type: 'smuggling',
        handling: 'network',
        countries: ['ZZ'],
        summary: 's',
      });
      expect(unknown.body.error.details.map((d: any) => d.field).sort()).toEqual(['countries', 'type']);
      expect(
        (
          await gt.http.post(`/api/networks/${ST}/cases`, {
            title: 't',
            type: 'undetermined',
            handling: 'secret',
            countries: [],
            summary: 's',
          })
        ).status,
      ).toBe(400);
    });

    it('follows the status workflow, posts changes in the thread (en + es), closes the thread and reopens', async () => {
      const s = await open(mx);
      const updates = collect(s, 'case.updated');
      const kase = (
        await gt.http.post(`/api/networks/${ST}/cases`, {
          title: 'Grupo de 12 migrantes en Tapachula',
          type: 'migrant-smuggling',
          handling: 'network',
          countries: ['MX'],
          summary: 'Grupo interceptado',
        })
      ).body;
      const patch = (u: TestUser, body: object) => u.http.patch(`/api/cases/${kase.id}`, body);
      expect((await patch(mx, { status: 'awaiting-response' })).body.status).toBe('awaiting-response');
      expect((await patch(gt, { status: 'resolved' })).status).toBe(200);
      const wrong = await patch(gt, { status: 'awaiting-response' });
      expect([wrong.status, wrong.body.error.details[0]]).toEqual([
        400,
        { field: 'status', message: 'cannot go from resolved to awaiting-response' },
      ]);
      expect((await patch(gt, { status: 'archived' })).status).toBe(400);
      expect((await patch(gt, { status: 'closed' })).status).toBe(200);
      const closedPost = await gt.http.post(`/api/cases/${kase.id}/messages`, {
        body: 'late',
        clientMessageId: cid(),
      });
      expect([closedPost.status, closedPost.body.error.code]).toEqual([409, 'CASE_CLOSED']);
      expect((await patch(mx, { status: 'open' })).status).toBe(200);
      expect(
        (await gt.http.post(`/api/cases/${kase.id}/messages`, { body: 'reopened', clientMessageId: cid() }))
          .status,
      ).toBe(201);
      await updates.count(4);
      expect(updates.items.map((c) => c.status)).toEqual(['awaiting-response', 'resolved', 'closed', 'open']);
      const thread = (await gt.http.get(`/api/cases/${kase.id}/messages`)).body;
      expect(thread.map((m: any) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(thread[0]).toMatchObject({
        author: null,
        caseId: kase.id,
        body: expect.stringContaining(`Case ${kase.reference} opened by María López (GT)`),
      });
      expect(thread[0].body).toContain(`Caso ${kase.reference} abierto por María López (GT)`);
      expect(thread[1].body).toContain('Status: open → awaiting-response');
      expect(thread[1].body).toContain('Estado: abierto → en espera de respuesta');
      expect(thread[5]).toMatchObject({ author: { id: gt.id }, body: 'reopened', caseId: kase.id });
    });

    it('keeps the opener country listed and validates assignees', async () => {
      const kase = (
        await gt.http.post(`/api/networks/${ST}/cases`, {
          title: 'Asignación',
          type: 'undetermined',
          handling: 'involved',
          countries: ['MX'],
          summary: 's',
        })
      ).body;
      const drop = await gt.http.patch(`/api/cases/${kase.id}`, { countries: ['MX'] });
      expect([drop.status, drop.body.error.details[0].field]).toEqual([400, 'countries']);
      const svNotInvolved = await gt.http.patch(`/api/cases/${kase.id}`, { assignees: [sv.id] });
      expect([svNotInvolved.status, svNotInvolved.body.error.details[0].field]).toEqual([400, 'assignees']);
      const ok = await gt.http.patch(`/api/cases/${kase.id}`, { assignees: [mx.id, gt.id] });
      expect(ok.status).toBe(200);
      expect(ok.body.assignees.map((a: any) => a.id).sort()).toEqual([gt.id, mx.id].sort());
      const listed = (await mx.http.get(`/api/networks/${ST}/cases?status=open&country=MX`)).body;
      expect(listed.some((c: any) => c.id === kase.id)).toBe(true);
      expect((await mx.http.get(`/api/networks/${ST}/cases?status=nope`)).status).toBe(400);
    });

    it('lets a channel message point at a case only where every reader may read the case', async () => {
      const network = (
        await gt.http.post(`/api/networks/${ST}/cases`, {
          title: 'Linked',
          type: 'undetermined',
          handling: 'network',
          countries: [],
          summary: 's',
        })
      ).body;
      const involved = (
        await gt.http.post(`/api/networks/${ST}/cases`, {
          title: 'Linked 2',
          type: 'undetermined',
          handling: 'involved',
          countries: ['MX'],
          summary: 's',
        })
      ).body;
      const officersChannel = (
        await gt.http.post(`/api/networks/${ST}/channels`, { name: 'links', visibility: 'officers' })
      ).body.id;
      const gtMx = (
        await gt.http.post(`/api/networks/${ST}/channels`, {
          name: 'links-gt-mx',
          visibility: 'private',
          members: [mx.id],
        })
      ).body.id;
      expect((await send(gt, general, 'see case', { caseId: network.id })).status).toBe(400);
      expect((await send(gt, officersChannel, 'see case', { caseId: network.id })).status).toBe(201);
      expect((await send(gt, officersChannel, 'see case', { caseId: involved.id })).status).toBe(400);
      expect((await send(gt, gtMx, 'see case', { caseId: involved.id })).status).toBe(201);
      expect((await send(sv, officersChannel, 'see case', { caseId: involved.id })).status).toBe(404);
    });
  });

  it('provides SystemMessages to the other features: idempotent posts, channel lookup, fan-out', async () => {
    const system = app.runtime.app.get(SystemMessages);
    const followUp = await system.channelId(ST, 'follow-up');
    const s = await open(mx);
    const got = collect(s, 'message.created');
    const key = `reminder:${cid()}`;
    const first = await system.post({
      channelId: followUp,
      body: 'Reminder: item due\n\nRecordatorio: punto vencido',
      idempotencyKey: key,
    });
    const again = await system.post({
      channelId: followUp,
      body: 'Reminder: item due\n\nRecordatorio: punto vencido',
      idempotencyKey: key,
    });
    expect(again).toEqual(first);
    await got.until((items) => items.some((m) => m.id === first.id));
    expect(got.items.filter((m) => m.id === first.id)).toHaveLength(1);
    const page = (await mx.http.get(`/api/channels/${followUp}/messages`)).body;
    expect(page.filter((m: any) => m.author === null)).toHaveLength(1);
    await expect(system.channelId(ST, 'no-such-channel')).rejects.toThrow();
  });
});
