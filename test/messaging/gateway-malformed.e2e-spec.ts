import { jest } from '@jest/globals';
import { SOCKET_EVENTS } from '../../apps/api/src/messaging/socket/socket-payloads.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, collect, connect, type Ack, type ClientSocket } from './support.js';

jest.setTimeout(90_000);

/**
 * Every client → server event of the gateway, sent malformed: missing fields, wrong types, extra keys,
 * `__proto__`/`constructor` keys, huge strings, non-objects, several payloads, no ack callback. Each answer is the ack
 * error shape `{ok:false,error:{code,message,details?}}`; nothing is stored; the connection and other clients keep
 * being served.
 */
describe('the gateway refuses malformed payloads of every client event with the ack error shape', () => {
  let app: TestApp;
  let admin: Http;
  let gt: TestUser;
  let mx: TestUser;
  let channelId: string;
  let messageId: string;
  let s: ClientSocket;
  let other: ClientSocket;
  const opened: ClientSocket[] = [];
  const fresh = async () => {
    const socket = await connect(app.url, gt.token);
    opened.push(socket);
    return socket;
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT');
    mx = await officer(admin, 'MX');
    channelId = (await gt.http.get('/api/networks/smuggling-trafficking/channels')).body.find(
      (c: any) => c.name === 'general',
    ).id;
    messageId = (
      await gt.http.post(`/api/channels/${channelId}/messages`, {
        body: 'the one stored message',
        clientMessageId: cid(),
        requestAck: true,
      })
    ).body.id;
    s = await connect(app.url, gt.token);
    other = await connect(app.url, mx.token);
  });
  afterAll(async () => {
    s?.close();
    other?.close();
    for (const socket of opened) socket.close();
    await app?.close();
  });

  /** A valid payload of each event: the malformed ones are made from it. */
  const valid = (): Record<string, Record<string, unknown>> => ({
    'message.send': { channelId, body: 'valid', clientMessageId: cid() },
    'message.edit': { id: messageId, body: 'edited' },
    'message.delete': { id: messageId },
    'message.ack': { id: messageId },
    'channel.read': { channelId, seq: 1 },
    sync: { cursors: { [channelId]: 0 } },
    typing: { channelId },
    'presence.watch': { userIds: [] },
  });

  /** Wrong-typed values for any field: no field of any event accepts all of them. */
  const wrongValues = [[1], { nested: true }, true];

  function malformed(event: string): Array<[string, unknown]> {
    const base = valid()[event];
    const cases: Array<[string, unknown]> = [
      ['empty object', {}],
      ['null', null],
      ['a number', 42],
      ['a string', 'payload'],
      ['an array', [base]],
      ['a boolean', true],
      ['an extra key', { ...base, extra: 1 }],
      ['a __proto__ key', JSON.parse(`{"__proto__":{"admin":true},${JSON.stringify(base).slice(1)}`)],
      ['a constructor key', { ...base, constructor: { prototype: { admin: true } } }],
    ];
    for (const key of Object.keys(base)) {
      const without = { ...base };
      delete without[key];
      cases.push([`${key} missing`, without]);
      for (const wrong of wrongValues)
        cases.push([`${key} = ${JSON.stringify(wrong)}`, { ...base, [key]: wrong }]);
      if (typeof base[key] === 'string') cases.push([`${key} huge`, { ...base, [key]: 'x'.repeat(60_000) }]);
    }
    return cases;
  }

  const expectAckError = (ack: Ack, code: string, what: string) => {
    expect({ what, ack }).toMatchObject({
      what,
      ack: { ok: false, error: { code, message: expect.any(String) } },
    });
    expect(Object.keys(ack).sort()).toEqual(['error', 'ok']);
    for (const key of Object.keys(ack.error!)) expect(['code', 'message', 'details']).toContain(key);
    expect(ack.error!.message).not.toMatch(/at .*\.js:\d+|ZodError|TypeError/);
  };

  it('covers exactly the events the gateway handles', () => {
    expect(Object.keys(valid()).sort()).toEqual([...SOCKET_EVENTS].sort());
  });

  it('answers VALIDATION_FAILED to every malformed payload of every event', async () => {
    let sent = 0;
    for (const event of SOCKET_EVENTS) {
      // one connection per event keeps each under the per-socket rate limit (120 events at once)
      const socket = await fresh();
      for (const [what, payload] of malformed(event)) {
        const ack = await call(socket, event, payload);
        expectAckError(ack, 'VALIDATION_FAILED', `${event} with ${what}`);
        sent += 1;
      }
      expect(socket.connected).toBe(true);
    }
    expect(sent).toBeGreaterThan(100);
    // A missing field says that it is required.
    const missing = await call(s, 'message.send', { channelId, clientMessageId: cid() });
    expect(missing.error?.details).toEqual([{ field: 'body', message: 'is required' }]);
    expect(s.connected).toBe(true);
  });

  it('answers several payloads and unknown events with the ack error shape', async () => {
    const s = await fresh();
    for (const event of SOCKET_EVENTS) {
      const ack = (await s.timeout(15_000).emitWithAck(event, valid()[event], { second: true })) as Ack;
      expectAckError(ack, 'VALIDATION_FAILED', `${event} with two payloads`);
      expect(ack.error?.details?.[0]?.field).toBe('payload');
    }
    for (const event of ['message.destroy', '__proto__', 'constructor', 'toString', 'x'.repeat(1000)]) {
      expectAckError(await call(s, event, {}), 'UNKNOWN_EVENT', event);
    }
  });

  it('answers a Spanish-speaking user in Spanish', async () => {
    const es = await officer(admin, 'HN', ['smuggling-trafficking'], { locale: 'es' });
    const socket = await connect(app.url, es.token);
    opened.push(socket);
    expect(await call(socket, 'message.send', { channelId })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'La solicitud no es válida.' },
    });
    expect(await call(socket, 'message.destroy', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_EVENT', message: 'Evento desconocido.' },
    });
  });

  it('drops events without an ack callback and keeps serving the connection', async () => {
    const s = await fresh();
    for (const event of SOCKET_EVENTS) {
      s.emit(event, valid()[event]);
      s.emit(event, { bogus: true });
      s.emit(event);
    }
    // Events of one socket are handled in order: this answer comes after all of the above were refused.
    expect(await call(s, 'channel.read', { channelId, seq: 1 })).toMatchObject({
      ok: true,
      data: { channelId, seq: 1 },
    });
  });

  it('stored nothing, kept the connection and keeps serving everyone', async () => {
    const page = await gt.http.get(`/api/channels/${channelId}/messages?limit=200`);
    expect(page.body.map((m: any) => m.body)).toEqual(['the one stored message']);
    expect(page.body[0]).toMatchObject({ deleted: false, editedAt: null });
    expect(s.connected).toBe(true);
    expect(other.connected).toBe(true);
    expect(opened.every((socket) => socket.connected)).toBe(true);
    const got = collect(other, 'message.created');
    const sent = await call(s, 'message.send', { channelId, body: 'still served', clientMessageId: cid() });
    expect(sent).toMatchObject({ ok: true, data: { body: 'still served' } });
    await got.until((items) => items.some((m) => m.id === sent.data.id));
  });
});
