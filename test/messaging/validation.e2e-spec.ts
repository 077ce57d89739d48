import { jest } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, connect, type ClientSocket } from './support.js';

jest.setTimeout(90_000);

const ST = 'smuggling-trafficking';
const MEMBER_CODES = 'BZ, CA, CR, DO, SV, GT, HN, MX, NI, PA, US';

/**
 * One validation system for REST and the socket: the same DTO classes and the same wording, English or Spanish by
 * the caller's locale; Spanish errors keep their specific explanation.
 */
describe('one validation system (REST and socket, English and Spanish)', () => {
  let app: TestApp;
  let admin: Http;
  let gt: TestUser;
  let gtEs: TestUser;
  let observer: TestUser;
  let general: string;
  const sockets: ClientSocket[] = [];
  const open = async (u: TestUser) => {
    const s = await connect(app.url, u.token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', [ST]);
    gtEs = await officer(admin, 'GT', [ST], { locale: 'es' });
    observer = await createUser(admin, {
      country: 'CO',
      locale: 'es',
      memberships: [{ network: ST, role: 'observer' }],
    });
    general = (await gt.http.get(`/api/networks/${ST}/channels`)).body.find(
      (c: any) => c.name === 'general',
    ).id;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
  });

  it('says a missing field is required, over REST and the socket alike', async () => {
    const rest = await gt.http.post(`/api/channels/${general}/messages`, { body: 'no id' });
    expect([rest.status, rest.body.error.code, rest.body.error.details]).toEqual([
      400,
      'VALIDATION_FAILED',
      [{ field: 'clientMessageId', message: 'is required' }],
    ]);
    const s = await open(gt);
    const ack = await call(s, 'message.send', { channelId: general, body: 'no id' });
    expect(ack).toEqual({ ok: false, error: rest.body.error });
  });

  it('answers every socket event with a malformed payload with the ack error shape, naming the fields', async () => {
    const s = await open(gt);
    const cases: Array<[string, unknown, string[]]> = [
      ['message.send', { body: 'x', clientMessageId: cid() }, ['channelId']],
      ['message.edit', { id: cid() }, ['body']],
      ['message.delete', {}, ['id']],
      ['message.ack', { id: 42 }, ['id']],
      ['channel.read', { channelId: general, seq: -1 }, ['seq']],
      ['sync', { cursors: 'all' }, ['cursors']],
      ['typing', { channelId: general, extra: true }, ['extra']],
    ];
    for (const [event, payload, fields] of cases) {
      const ack = await call(s, event, payload);
      expect(ack.ok).toBe(false);
      expect(ack.error).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'The request is not valid.',
        details: expect.any(Array),
      });
      expect([...new Set(ack.error!.details!.map((d) => d.field))]).toEqual(fields);
    }
    const notAnObject = await call(s, 'typing', 'general');
    expect(notAnObject.error?.details).toEqual([{ field: 'payload', message: 'must be an object' }]);
    // The connection stays usable.
    expect(
      (await call(s, 'message.send', { channelId: general, body: 'ok', clientMessageId: cid() })).ok,
    ).toBe(true);
  });

  it('answers a Spanish reader in Spanish, details included, on both transports', async () => {
    const rest = await gtEs.http.post(`/api/channels/${general}/messages`, { body: 'sin id', pinned: true });
    expect(rest.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'La solicitud no es válida.',
      details: [
        { field: 'pinned', message: 'no es un campo conocido' },
        { field: 'clientMessageId', message: 'es obligatorio' },
      ],
    });
    const s = await open(gtEs);
    const ack = await call(s, 'channel.read', { channelId: general });
    expect(ack.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'La solicitud no es válida.',
      details: [{ field: 'seq', message: 'es obligatorio' }],
    });
  });

  it('keeps the specific explanation of a Spanish 403 and 404 (not a generic sentence)', async () => {
    const forbidden = await observer.http.post(`/api/networks/${ST}/cases`, {
      title: 'Caso',
      type: 'undetermined',
      handling: 'network',
      countries: [],
      summary: 'Resumen',
    });
    expect([forbidden.status, forbidden.body.error]).toEqual([
      403,
      { code: 'FORBIDDEN', message: 'Solo los oficiales de la red abren casos.' },
    ]);
    const english = await gt.http.get(`/api/admin/audit`);
    expect([english.status, english.body.error.message]).toEqual([
      403,
      'Only an administrator can read the audit log.',
    ]);
    const missing = await gtEs.http.get(`/api/cases/${cid()}`);
    expect([missing.status, missing.body.error.message]).toEqual([404, 'No se encontró el caso.']);
    const s = await open(gtEs);
    const ack = await call(s, 'message.edit', { id: cid(), body: 'x' });
    expect(ack.error).toEqual({ code: 'NOT_FOUND', message: 'No se encontró el mensaje.' });
  });

  it('lists the valid country codes when a code is wrong', async () => {
    const term = await admin.put('/api/admin/presidency', {
      country: 'XX',
      startsOn: '2031-01-01',
      endsOn: '2031-12-31',
    });
    expect(term.body.error.details).toEqual([
      { field: 'country', message: `must be the code of a member country: ${MEMBER_CODES}` },
    ]);
    const kase = await gtEs.http.post(`/api/networks/${ST}/cases`, {
      title: 'Caso',
      type: 'undetermined',
      handling: 'network',
      countries: ['ZZ'],
      summary: 'Resumen',
    });
    expect(kase.body.error.details).toEqual([
      {
        field: 'countries',
        message: expect.stringMatching(
          /^tiene códigos que no son países de la CRM: ZZ \(códigos válidos: AR, BZ, CA, .*US\)$/,
        ),
      },
    ]);
  });
});
