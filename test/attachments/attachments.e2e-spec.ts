import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { ManualClock } from '#config';
import { AttachmentsService } from '#domain';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, collect, connect, type ClientSocket } from '../messaging/support.js';
import { downloadHash, PDF, PNG, sha256, ST, streamedPdf, upload, uploadStreamed } from './support.js';

jest.setTimeout(180_000);

/**
 * Attachments (issue 12) on one service in this process, real PostgreSQL and socket.io clients: the type and size
 * rules on the streamed bytes, who may download an `involved` case's file (and that each download is audited), the
 * message payloads over REST, socket and sync, and the deletion that takes the files with the message.
 */
describe('attachments', () => {
  let app: TestApp;
  let admin: Http;
  let gt: TestUser;
  let mx: TestUser;
  let cr: TestUser;
  let observer: TestUser;
  let secretariat: TestUser;
  let general: string;
  let kase: { id: string; channelId: string };
  let db: DataSource;
  let mxSocket: ClientSocket;
  let gtSocket: ClientSocket;

  const blobs = async () => Number((await db.query(`SELECT count(*) AS n FROM attachment_blobs`))[0].n);

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.app.get(DataSource);
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT');
    mx = await officer(admin, 'MX');
    cr = await officer(admin, 'CR');
    observer = await createUser(admin, { country: 'CO', memberships: [{ network: ST, role: 'observer' }] });
    secretariat = await createUser(admin, { roles: ['secretariat'], country: 'GT' });
    general = (await gt.http.get(`/api/networks/${ST}/channels`)).body.find(
      (c: any) => c.name === 'general',
    ).id;
    const opened = await gt.http.post(`/api/networks/${ST}/cases`, {
      title: 'Pasaportes alterados',
      type: 'migrant-smuggling',
      handling: 'involved',
      countries: ['GT', 'MX'],
      summary: 'Documentos de viaje alterados en la frontera.',
    });
    expect(opened.status).toBe(201);
    kase = { id: opened.body.id, channelId: opened.body.channelId };
    [gtSocket, mxSocket] = await Promise.all([connect(app.url, gt.token), connect(app.url, mx.token)]);
  });

  afterAll(async () => {
    gtSocket?.close();
    mxSocket?.close();
    await app?.close();
  });

  it('refuses, before storing anything: HTML renamed .pdf (415), SVG, a PNG named .pdf, no file (400)', async () => {
    const before = await blobs();
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    const refused = [
      await upload(app.url, gt.token, general, 'informe.pdf', 'application/pdf', html),
      await upload(app.url, gt.token, general, 'nota.txt', 'text/plain', html),
      await upload(
        app.url,
        gt.token,
        general,
        'logo.svg',
        'image/svg+xml',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      ),
      await upload(app.url, gt.token, general, 'foto.pdf', 'application/pdf', PNG),
      await upload(app.url, gt.token, general, 'datos.csv', 'text/csv', Buffer.from('a,b\n1,\u0000\n')),
    ];
    expect(refused.map((r) => r.status)).toEqual([415, 415, 415, 415, 415]);
    expect(refused[0].body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const noFile = await fetch(`${app.url}/api/channels/${general}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gt.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noFile.status).toBe(400);
    expect(await blobs()).toBe(before);
  });

  it('26 MB streamed → 413 once the limit is passed, and nothing is kept', async () => {
    const before = await blobs();
    const big = streamedPdf(26 * 1024 * 1024);
    const res = await uploadStreamed(app.url, gt.token, general, big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await blobs()).toBe(before);
  });

  it('a 20 MB file streams up and down; the downloaded bytes hash as the uploaded ones', async () => {
    // the service's memory during such a transfer: memory.e2e-spec.ts (the built service in its own process)
    const MB = 1024 * 1024;
    const file = streamedPdf(20 * MB);
    const up = await uploadStreamed(app.url, gt.token, general, file);
    const down = await downloadHash(`${app.url}/api/attachments/${up.body.id}`, gt.token);
    const digest = file.digest();
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ size: 20 * MB, sha256: digest, contentType: 'application/pdf' });
    expect(down).toMatchObject({ status: 200, size: 20 * MB, sha256: digest });
  });

  it('an abandoned download gives its database connection back: after more than a pool of them, all still works', async () => {
    const file = streamedPdf(3 * 1024 * 1024);
    const { status, body: up } = await uploadStreamed(app.url, gt.token, general, file);
    expect(status).toBe(201);
    // each is dropped after its first bytes, in the middle of a chunk's COPY (the pool holds 20 connections)
    for (let i = 0; i < 25; i++) {
      const abort = new AbortController();
      const partial = await fetch(`${app.url}/api/attachments/${up.id}`, {
        headers: { authorization: `Bearer ${gt.token}` },
        signal: abort.signal,
      });
      const reader = partial.body!.getReader();
      await reader.read();
      abort.abort();
      await reader.cancel().catch(() => undefined);
    }
    const whole = await downloadHash(`${app.url}/api/attachments/${up.id}`, gt.token);
    expect(whole).toMatchObject({ status: 200, size: 3 * 1024 * 1024, sha256: file.digest() });
    expect((await gt.http.get(`/api/networks/${ST}/channels`)).status).toBe(200);
  });

  it('an unsent upload is its uploader’s alone; a message carries it to the channel’s readers (REST)', async () => {
    const up = await upload(
      app.url,
      gt.token,
      general,
      'lista de retornos.csv',
      'text/csv',
      Buffer.from('país,n\nGT,3\n'),
    );
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      name: 'lista de retornos.csv',
      contentType: 'text/csv; charset=utf-8',
      size: 13,
    });
    expect((await downloadHash(`${app.url}/api/attachments/${up.body.id}`, mx.token)).status).toBe(404);
    expect((await downloadHash(`${app.url}/api/attachments/${up.body.id}`, gt.token)).status).toBe(200);
    // someone else's upload, or more than ten ids: refused, nothing stored
    const theirs = await mx.http.post(`/api/channels/${general}/messages`, {
      body: 'mine?',
      clientMessageId: cid(),
      attachmentIds: [up.body.id],
    });
    expect(theirs.status).toBe(400);
    expect(theirs.body.error.details[0].field).toBe('attachmentIds');
    const sent = await gt.http.post(`/api/channels/${general}/messages`, {
      body: 'Lista adjunta',
      clientMessageId: cid(),
      attachmentIds: [up.body.id],
    });
    expect(sent.status).toBe(201);
    expect(sent.body.attachments).toEqual([
      { id: up.body.id, name: 'lista de retornos.csv', size: 13, contentType: 'text/csv; charset=utf-8' },
    ]);
    const again = await gt.http.post(`/api/channels/${general}/messages`, {
      body: 'otra vez',
      clientMessageId: cid(),
      attachmentIds: [up.body.id],
    });
    expect(again.status).toBe(400);
    const page = await observer.http.get(`/api/channels/${general}/messages?afterSeq=0`);
    expect(page.body.find((m: any) => m.id === sent.body.id).attachments[0].id).toBe(up.body.id);
    const asObserver = await downloadHash(`${app.url}/api/attachments/${up.body.id}`, observer.token);
    expect(asObserver.status).toBe(200);
    expect(asObserver.headers.get('content-disposition')).toBe(
      `attachment; filename="lista de retornos.csv"; filename*=UTF-8''lista%20de%20retornos.csv`,
    );
  });

  it('an involved case: listed officers download (audited), others 404; deleting the message takes the file', async () => {
    const up = await upload(
      app.url,
      gt.token,
      kase.channelId,
      'pasaporte de Ñuñoa.pdf',
      'application/pdf',
      PDF,
    );
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ contentType: 'application/pdf', size: PDF.length, sha256: sha256(PDF) });
    const created = collect(mxSocket, 'message.created');
    const ack = await call(gtSocket, 'message.send', {
      channelId: kase.channelId,
      body: 'Copia del pasaporte',
      clientMessageId: cid(),
      attachmentIds: [up.body.id],
    });
    expect(ack.ok).toBe(true);
    expect(ack.data.attachments).toEqual([
      { id: up.body.id, name: 'pasaporte de Ñuñoa.pdf', size: PDF.length, contentType: 'application/pdf' },
    ]);
    await created.until((items) => items.some((m: any) => m.id === ack.data.id));
    expect(created.items.find((m: any) => m.id === ack.data.id).attachments[0].id).toBe(up.body.id);
    const synced = await call(mxSocket, 'sync', { cursors: { [kase.channelId]: 0 } });
    expect(synced.data.messages.find((m: any) => m.id === ack.data.id).attachments).toHaveLength(1);

    const url = `${app.url}/api/attachments/${up.body.id}`;
    const got = await downloadHash(url, mx.token);
    expect(got.status).toBe(200);
    expect(got.sha256).toBe(sha256(PDF));
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="pasaporte de Nunoa.pdf"; filename*=UTF-8''pasaporte%20de%20%C3%91u%C3%B1oa.pdf`,
    );
    expect(got.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect((await downloadHash(url, gt.token)).status).toBe(200);
    for (const outsider of [cr, observer, secretariat])
      expect((await downloadHash(url, outsider.token)).status).toBe(404);
    expect((await new Http(app.url).get(`/api/attachments/${up.body.id}`)).status).toBe(401);
    expect((await admin.get(`/api/attachments/${up.body.id}`)).status).toBe(404);

    const audit = (await admin.get(`/api/admin/audit?action=attachment.download&targetId=${up.body.id}`))
      .body;
    expect(audit.map((r: any) => r.actorId).sort()).toEqual([gt.id, mx.id].sort());
    expect(audit.every((r: any) => r.requestId && r.ip)).toBe(true);
    const denied = (
      await admin.get(`/api/admin/audit?action=attachment.download.denied&targetId=${up.body.id}`)
    ).body;
    const adminId = (await admin.get('/api/me')).body.id;
    expect(denied.map((r: any) => r.actorId).sort()).toEqual(
      [cr.id, observer.id, secretariat.id, adminId].sort(),
    );

    const deleted = await gt.http.delete(`/api/messages/${ack.data.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.attachments).toEqual([]);
    for (const anyone of [gt, mx, cr]) expect((await downloadHash(url, anyone.token)).status).toBe(404);
    // the bytes are removed after the deletion's commit; the sweep finds nothing left to do
    await app.runtime.app.get(AttachmentsService).removeDeletedBytes();
    const row = (await db.query(`SELECT storage_key FROM attachments WHERE id = $1`, [up.body.id]))[0];
    expect(row.storage_key).toBeNull();
  });

  it('uploads to a thread the caller may not read are 404, to a closed case 409', async () => {
    expect((await upload(app.url, cr.token, kase.channelId, 'x.pdf', 'application/pdf', PDF)).status).toBe(
      404,
    );
    expect(
      (await upload(app.url, observer.token, kase.channelId, 'x.pdf', 'application/pdf', PDF)).status,
    ).toBe(404);
    expect((await upload(app.url, undefined, kase.channelId, 'x.pdf', 'application/pdf', PDF)).status).toBe(
      401,
    );
    expect((await gt.http.patch(`/api/cases/${kase.id}`, { status: 'closed' })).status).toBe(200);
    const closed = await upload(app.url, gt.token, kase.channelId, 'x.pdf', 'application/pdf', PDF);
    expect([closed.status, closed.body.error.code]).toEqual([409, 'CASE_CLOSED']);
  });

  it('uploads never sent are given up after 24 hours, their bytes removed', async () => {
    const up = await upload(app.url, gt.token, general, 'olvidado.png', 'image/png', PNG);
    expect(up.status).toBe(201);
    const service = app.runtime.app.get(AttachmentsService);
    const unsent = async () =>
      Number(
        (
          await db.query(
            `SELECT count(*) AS n FROM attachments WHERE message_id IS NULL AND deleted_at IS NULL`,
          )
        )[0].n,
      );
    const waiting = await unsent();
    expect((await service.purge()).removed).toBe(0);
    expect(await unsent()).toBe(waiting);
    (app.clock as ManualClock).advance(25 * 3600 * 1000);
    expect((await service.purge()).removed).toBe(waiting);
    expect(await unsent()).toBe(0);
    const row = (
      await db.query(`SELECT deleted_at, storage_key FROM attachments WHERE id = $1`, [up.body.id])
    )[0];
    expect(row.deleted_at).not.toBeNull();
    expect(row.storage_key).toBeNull();
  });
});
