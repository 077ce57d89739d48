import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import pg from 'pg';
import { ManualClock } from '#config';
import { RetentionService, type PurgeSummary } from '#domain';
import { QueueFactory, RETENTION_QUEUES, RETENTION_SCHEDULE } from '#queue';
import { RetentionProcessor } from '../../apps/worker/src/retention/retention.processor.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { createUser, login, loginAdmin, type TestUser } from '../factories/users.js';
import { connect, call } from '../messaging/support.js';

const DAY = 24 * 3600 * 1000;
const YEAR = 365 * DAY;
const ST = 'smuggling-trafficking';
const CP = 'consular-protection';

/**
 * The retention purge on the service clock: channel messages of a network past RETENTION_MESSAGES go (with their
 * acknowledgements and edit history), case records (case + thread) go RETENTION_CASES after closing, open and
 * reopened cases stay whole, audit rows stay until RETENTION_AUDIT; a second run is a no-op.
 */
describe('retention purge', () => {
  const clock = new ManualClock(new Date());
  const t0 = clock.now().getTime();
  let app: TestApp;
  let db: pg.Client;
  let ana: TestUser;
  let ben: TestUser;
  const ids: Record<string, string> = {};

  const post = (u: TestUser, channelId: string, body: string, extra: object = {}) =>
    u.http
      .post(`/api/channels/${channelId}/messages`, { body, clientMessageId: randomUUID(), ...extra })
      .then((r) => {
        if (r.status !== 201) throw new Error(`post: ${r.status} ${r.text}`);
        return r.body as { id: string; seq: number };
      });
  const channelOf = async (u: TestUser, network: string, name: string) =>
    (await u.http.get(`/api/networks/${network}/channels`)).body.find((c: any) => c.name === name)
      .id as string;
  const openCase = async (u: TestUser, title: string, network = ST) => {
    const r = await u.http.post(`/api/networks/${network}/cases`, {
      title,
      type: network === ST ? 'migrant-smuggling' : 'detention',
      handling: 'network',
      countries: ['GT'],
      summary: `${title} summary`,
    });
    if (r.status !== 201) throw new Error(`case: ${r.status} ${r.text}`);
    await post(u, r.body.channelId, `${title}: first thread message`);
    return r.body as { id: string; channelId: string; reference: string };
  };
  const setStatus = async (u: TestUser, caseId: string, status: string) =>
    expect((await u.http.patch(`/api/cases/${caseId}`, { status })).status).toBe(200);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query(`SELECT count(*) AS n FROM (${sql}) x`, params)).rows[0].n);
  const purge = () =>
    app.runtime.app.get(RetentionService).purge({ actorId: null, ip: null, requestId: 'test' });
  const fresh = async (u: TestUser) =>
    new Http(app.url, (await login(app.url, u.email, u.password)).accessToken);

  beforeAll(async () => {
    app = await startTestApp({
      clock,
      env: { RETENTION_MESSAGES: `${ST}:P1Y`, RETENTION_CASES: 'P2Y', RETENTION_AUDIT: 'P3Y' },
    });
    db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    const admin = await loginAdmin(app.url);
    const both = [
      { network: ST, role: 'officer' as const },
      { network: CP, role: 'officer' as const },
    ];
    ana = await createUser(admin, { country: 'GT', memberships: both });
    ben = await createUser(admin, { country: 'MX', memberships: both });

    ids.stGeneral = await channelOf(ana, ST, 'general');
    ids.cpGeneral = await channelOf(ana, CP, 'general');
    ids.stCases = await channelOf(ana, ST, 'cases');
    const closed = await openCase(ana, 'Closed case');
    const open = await openCase(ana, 'Open case');
    const reopened = await openCase(ana, 'Reopened case');
    const cpClosed = await openCase(ana, 'Consular closed case', CP);
    Object.assign(ids, {
      closed: closed.id,
      closedThread: closed.channelId,
      closedRef: closed.reference,
      open: open.id,
      openThread: open.channelId,
      reopened: reopened.id,
      cpClosed: cpClosed.id,
      cpClosedRef: cpClosed.reference,
    });
    const acked = await post(ana, ids.stGeneral, 'old: please acknowledge', { requestAck: true });
    expect((await ben.http.post(`/api/messages/${acked.id}/ack`)).status).toBe(204);
    const edited = await post(ana, ids.stGeneral, 'old: first wording');
    expect((await ana.http.patch(`/api/messages/${edited.id}`, { body: 'old: edited' })).status).toBe(200);
    await post(ana, ids.stCases, 'old: links the closed case', { caseId: closed.id });
    await post(ana, ids.cpGeneral, 'old consular message');
    ids.acked = acked.id;
    ids.edited = edited.id;
    // files on an old channel message and in the closed case's thread (attachments, issue 12; the bytes are under
    // `storage_key`, released by that feature's sweeper once the row is marked deleted)
    const threadMessage = (
      await db.query(`SELECT id FROM messages WHERE channel_id = $1 LIMIT 1`, [closed.channelId])
    ).rows[0].id;
    await db.query(
      `INSERT INTO attachments (channel_id, uploader_id, message_id, name, content_type, size, sha256, storage_key)
       SELECT v.channel_id, (SELECT author_id FROM messages WHERE id = $2), v.message_id, v.name, 'application/pdf', 1024, repeat('a', 64), v.storage_key
         FROM (VALUES ($1::uuid, $2::uuid, 'route-map.pdf', 'k-general'), ($3::uuid, $4::uuid, 'passport-scan.pdf', 'k-thread'))
              AS v(channel_id, message_id, name, storage_key)`,
      [ids.stGeneral, acked.id, closed.channelId, threadMessage],
    );
    for (const c of [closed.id, reopened.id, cpClosed.id]) await setStatus(ana, c, 'closed');

    clock.set(new Date(t0 + 180 * DAY));
    [ana.http, ben.http] = [await fresh(ana), await fresh(ben)];
    ids.young = (await post(ana, ids.stGeneral, 'young message')).id;
    await setStatus(ana, reopened.id, 'open');
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('GET /api/admin/retention: admins only (the record names purged cases), the periods in force', async () => {
    const admin = await loginAdmin(app.url);
    const secretariat = await createUser(admin, { roles: ['secretariat'], locale: 'es' });
    expect((await new Http(app.url).get('/api/admin/retention')).status).toBe(401);
    const denied = await secretariat.http.get('/api/admin/retention');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe('Solo un administrador puede consultar la conservación de datos.');
    const officerDenied = await ana.http.get('/api/admin/retention');
    expect(officerDenied.status).toBe(403);
    expect(officerDenied.body.error.message).toBe('Only an administrator can read the retention settings.');
    const r = await admin.get('/api/admin/retention');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      networks: [
        { network: ST, messages: 'P1Y', cases: 'P2Y' },
        { network: CP, messages: null, cases: 'P2Y' },
      ],
      audit: 'P3Y',
      schedule: '30 2 * * *',
      lastPurge: null,
    });
  });

  it('refuses deleting or changing audit rows outside a purge: the log stays append-only', async () => {
    await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('every table that refers to messages, cases or channels is handled by the purge', async () => {
    const { rows } = await db.query(
      `SELECT conrelid::regclass::text AS "table", confrelid::regclass::text AS refers, confdeltype AS del
         FROM pg_constraint WHERE contype = 'f' AND confrelid::regclass::text IN ('messages', 'cases', 'channels')`,
    );
    // deleted or unlinked by RetentionRepository (deleteMessages, purgeCase); the rest cascade or set null
    const handled = new Set([
      'message_acks>messages',
      'message_edits>messages',
      'messages>channels',
      'messages>cases',
      'follow_ups>cases',
      'cases>channels',
      'channels>cases',
    ]);
    const unhandled = rows.filter(
      (r) => !['c', 'n'].includes(r.del) && !handled.has(`${r.table}>${r.refers}`),
    );
    expect(unhandled).toEqual([]);
  });

  it('after the message period: old channel messages of that network go with their acks and edits; the rest stays', async () => {
    clock.set(new Date(t0 + YEAR + 3 * DAY));
    const summary = await purge();
    expect(summary.messages).toEqual({ [ST]: 3 });
    expect(summary.cases).toEqual({ [ST]: 0, [CP]: 0 });
    expect(summary.auditRows).toBe(0);

    const left = await db.query(`SELECT id, body FROM messages WHERE channel_id = $1 ORDER BY seq`, [
      ids.stGeneral,
    ]);
    expect(left.rows.map((r) => r.body)).toEqual(['young message']);
    expect(await count(`SELECT 1 FROM message_acks WHERE message_id = $1`, [ids.acked])).toBe(0);
    expect(await count(`SELECT 1 FROM message_edits WHERE message_id = $1`, [ids.edited])).toBe(0);
    // the file's row stays (name scrubbed, detached, marked deleted) until the sweeper has released its bytes
    const file = await db.query(
      `SELECT message_id, name, deleted_at FROM attachments WHERE storage_key = 'k-general'`,
    );
    expect(file.rows).toEqual([{ message_id: null, name: 'purged', deleted_at: expect.any(Date) }]);
    expect(await count(`SELECT 1 FROM messages WHERE channel_id = $1`, [ids.cpGeneral])).toBe(1);
    // case threads follow the case period, even for messages older than the message period
    expect(await count(`SELECT 1 FROM messages WHERE channel_id = $1`, [ids.closedThread])).toBeGreaterThan(
      1,
    );

    const audit = await db.query(`SELECT details FROM audit_log WHERE action = 'retention.purge'`);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].details).toMatchObject({ messages: { [ST]: 3 }, auditRows: 0 });
  });

  it('seqs go on; unread counts and sync count only what is kept', async () => {
    const http = await fresh(ben);
    const general = (await http.get(`/api/networks/${ST}/channels`)).body.find(
      (c: any) => c.id === ids.stGeneral,
    );
    expect(general).toMatchObject({ lastSeq: 3, unreadCount: 1 });
    const page = await http.get(`/api/channels/${ids.stGeneral}/messages?afterSeq=0`);
    expect(page.body.map((m: any) => [m.seq, m.body])).toEqual([[3, 'young message']]);
    const socket = await connect(app.url, http.token);
    try {
      const sync = await call(socket, 'sync', { cursors: { [ids.stGeneral]: 0 } });
      expect(sync.ok).toBe(true);
      expect(sync.data.complete).toBe(true);
      expect(sync.data.messages.map((m: any) => m.seq)).toEqual([3]);
    } finally {
      socket.close();
    }
    const next = await post({ ...ana, http: await fresh(ana) }, ids.stGeneral, 'after the purge');
    expect(next.seq).toBe(4);
  });

  it('a second run is a no-op', async () => {
    const auditRows = await count(`SELECT 1 FROM audit_log`);
    const messages = await count(`SELECT 1 FROM messages`);
    const summary = await purge();
    expect(summary).toMatchObject({
      ran: true,
      messages: { [ST]: 0 },
      cases: { [ST]: 0, [CP]: 0 },
      auditRows: 0,
    });
    expect(await count(`SELECT 1 FROM messages`)).toBe(messages);
    expect(await count(`SELECT 1 FROM audit_log`)).toBe(auditRows);
  });

  it('after the case period from closing: closed cases go whole; open and reopened cases stay', async () => {
    clock.set(new Date(t0 + 2 * YEAR + 3 * DAY));
    const first = await purge();
    // the ST case's thread holds a file whose bytes are not released yet: its thread empties, the record waits
    expect(first.cases).toEqual({ [ST]: 0, [CP]: 1 });
    expect(first.caseReferences).toEqual([ids.cpClosedRef]);
    expect(await count(`SELECT 1 FROM cases WHERE id = $1`, [ids.closed])).toBe(1);
    expect(await count(`SELECT 1 FROM messages WHERE channel_id = $1`, [ids.closedThread])).toBe(0);
    expect((await db.query(`SELECT name FROM attachments WHERE storage_key = 'k-thread'`)).rows).toEqual([
      { name: 'purged' },
    ]);
    await db.query(`UPDATE attachments SET storage_key = NULL`); // the attachments sweeper released the bytes

    const summary = (await app.runtime.app
      .get(RetentionProcessor)
      .process({ id: 'test-run', name: 'purge' })) as PurgeSummary;
    expect(summary.cases).toEqual({ [ST]: 1, [CP]: 0 });
    expect(summary.caseReferences).toEqual([ids.closedRef]);
    expect(await count(`SELECT 1 FROM attachments`)).toBe(0);
    expect(await count(`SELECT 1 FROM cases WHERE id = ANY($1)`, [[ids.closed, ids.cpClosed]])).toBe(0);
    expect(await count(`SELECT 1 FROM channels WHERE id = $1`, [ids.closedThread])).toBe(0);
    expect(await count(`SELECT 1 FROM messages WHERE channel_id = $1`, [ids.closedThread])).toBe(0);
    expect(await count(`SELECT 1 FROM messages WHERE case_id = $1`, [ids.closed])).toBe(0);
    expect(await count(`SELECT 1 FROM cases WHERE id = ANY($1)`, [[ids.open, ids.reopened]])).toBe(2);
    expect(await count(`SELECT 1 FROM messages WHERE channel_id = $1`, [ids.openThread])).toBeGreaterThan(0);
    const http = await fresh(ana);
    expect((await http.get(`/api/cases/${ids.closed}`)).status).toBe(404);
    expect((await http.get(`/api/cases/${ids.open}`)).status).toBe(200);
    // the audit rows of those cases stay their own, longer period
    expect(await count(`SELECT 1 FROM audit_log WHERE target_id = $1`, [ids.closed])).toBeGreaterThan(0);
    const row = await db.query(
      `SELECT request_id, details FROM audit_log WHERE action = 'retention.purge' ORDER BY id DESC LIMIT 1`,
    );
    expect(row.rows[0].request_id).toBe('retention:test-run');
    expect(row.rows[0].details.caseReferences).toEqual([ids.closedRef]);
  });

  it('after the audit period: audit rows older than it go, and the purge says so in a new row', async () => {
    clock.set(new Date(t0 + 3 * YEAR + 3 * DAY));
    const cutoff = DateTime.fromJSDate(clock.now()).minus({ years: 3 }).toJSDate();
    const before = await count(`SELECT 1 FROM audit_log WHERE at < $1`, [cutoff]);
    expect(before).toBeGreaterThan(10);
    const last0 = (await db.query(`SELECT max(id) AS id FROM audit_log`)).rows[0].id;
    const summary = await purge();
    expect(summary.auditRows).toBe(before);
    // (rows written now carry the database's real time, which this test's clock has left years behind)
    expect(await count(`SELECT 1 FROM audit_log WHERE at < $1 AND id <= $2`, [cutoff, last0])).toBe(0);
    const last = await db.query(`SELECT action, details FROM audit_log ORDER BY id DESC LIMIT 1`);
    expect(last.rows[0]).toMatchObject({
      action: 'retention.purge',
      details: { auditRows: summary.auditRows },
    });
    const admin = await loginAdmin(app.url);
    expect((await admin.get('/api/admin/retention')).body.lastPurge).toMatchObject({
      messages: summary.messages[ST], // what was posted after the first purge is past its period now
      cases: 0,
      auditRows: summary.auditRows,
    });
  });

  it('the worker registers the daily purge as one job scheduler', async () => {
    const scheduler = await app.runtime.app
      .get(QueueFactory)
      .queue(RETENTION_QUEUES.purge)
      .getJobScheduler(RETENTION_SCHEDULE.id);
    expect(scheduler).toMatchObject({ pattern: RETENTION_SCHEDULE.pattern });
  });
});
