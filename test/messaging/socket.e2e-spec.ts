import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startDeployment, type Deployment } from './cluster-support.js';
import { tokenExpiringIn } from '../support/env.js';
import { Http as HttpClient, type Http } from '../support/http.js';
import { login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, collect, connect, disconnected, type ClientSocket } from './support.js';

jest.setTimeout(60_000);

const ORIGIN = 'https://enlace.example.org';

/** The socket.io gateway (two API processes) under bad input: every malformed event gets an error ack or a disconnect, and the server keeps serving everyone else. */
describe('socket.io gateway hardening', () => {
  let app: Deployment;
  let admin: Http;
  let gt: TestUser;
  let mx: TestUser;
  let general: string;
  const sockets: ClientSocket[] = [];
  /** Sockets alternate between the two processes. */
  let turn = 0;
  const open = async (token: string, options = {}) => {
    const s = await connect(turn++ % 2 ? app.b : app.a, token, options);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    app = await startDeployment({ ALLOWED_ORIGINS: ORIGIN });
    admin = await loginAdmin(app.a);
    gt = await officer(admin, 'GT');
    mx = await officer(admin, 'MX');
    general = (await gt.http.get('/api/networks/smuggling-trafficking/channels')).body.find(
      (c: any) => c.name === 'general',
    ).id;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
  });

  it('refuses a missing, bad or expired token with connect_error UNAUTHORIZED', async () => {
    for (const token of [undefined, '', 'garbage', tokenExpiringIn(gt.token, -60)]) {
      await expect(connect(app.b, token)).rejects.toThrow('UNAUTHORIZED');
    }
  });

  it('refuses a browser Origin outside ALLOWED_ORIGINS and accepts the allowed one and none', async () => {
    await expect(
      connect(app.a, gt.token, { extraHeaders: { origin: 'https://evil.example' } }),
    ).rejects.toThrow();
    const ok = await open(gt.token, { extraHeaders: { origin: ORIGIN } });
    expect(ok.connected).toBe(true);
    const none = await open(gt.token);
    expect(none.connected).toBe(true);
  });

  it('answers 50 malformed payloads with error acks, keeps the connection usable, and serves everyone else', async () => {
    const s = await open(gt.token);
    const reader = await open(mx.token);
    const got = collect(reader, 'message.created');
    const uuid = randomUUID();
    const long = 'x'.repeat(10_001);
    const cases: Array<[string, unknown]> = [
      ['message.send', null],
      ['message.send', 'text'],
      ['message.send', 42],
      ['message.send', [1, 2]],
      ['message.send', {}],
      ['message.send', { body: 'a', clientMessageId: cid() }],
      ['message.send', { channelId: general, clientMessageId: cid() }],
      ['message.send', { channelId: general, body: 'a' }],
      ['message.send', { channelId: 7, body: 'a', clientMessageId: cid() }],
      ['message.send', { channelId: general, body: 7, clientMessageId: cid() }],
      ['message.send', { channelId: general, body: null, clientMessageId: cid() }],
      ['message.send', { channelId: general, body: ['a'], clientMessageId: cid() }],
      ['message.send', { channelId: general, body: { text: 'a' }, clientMessageId: cid() }],
      ['message.send', { channelId: general, body: '', clientMessageId: cid() }],
      ['message.send', { channelId: general, body: '   \n ', clientMessageId: cid() }],
      ['message.send', { channelId: general, body: long, clientMessageId: cid() }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: 12 }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: '' }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: 'has spaces in it' }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: 'c'.repeat(300) }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: cid(), priority: 'high' }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: cid(), priority: 1 }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: cid(), requestAck: 'yes' }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: cid(), extra: 1 }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: cid(), caseId: 'not-a-uuid' }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: cid(), caseId: 123 }],
      ['message.send', { channelId: 'not-a-uuid', body: 'a', clientMessageId: cid() }],
      ['message.send', { channelId: uuid, body: 'a', clientMessageId: cid() }],
      ['message.send', { channelId: general, body: 'a', clientMessageId: cid(), requestAck: null }],
      ['message.edit', {}],
      ['message.edit', { id: 1, body: 'x' }],
      ['message.edit', { id: uuid, body: '' }],
      ['message.edit', { id: uuid, body: 'x', extra: true }],
      ['message.delete', {}],
      ['message.delete', { id: [] }],
      ['message.ack', { id: null }],
      ['message.ack', { id: uuid }],
      ['channel.read', { channelId: general, seq: -1 }],
      ['channel.read', { channelId: general, seq: 1.5 }],
      ['channel.read', { channelId: general, seq: '3' }],
      ['sync', {}],
      ['sync', { cursors: [] }],
      ['sync', { cursors: { 'not-a-uuid': 1 } }],
      ['sync', { cursors: { [uuid]: -5 } }],
      ['sync', { cursors: 'abc' }],
      ['typing', {}],
      ['typing', { channelId: 5 }],
      ['message.destroy', { id: uuid }],
      ['constructor', {}],
      ['hasOwnProperty', {}],
    ];
    expect(cases).toHaveLength(50);
    for (const [event, payload] of cases) {
      const ack = await call(s, event, payload);
      expect([event, ack.ok]).toEqual([event, false]);
      expect(ack.error?.code).toMatch(/^[A-Z_]+$/);
      expect(typeof ack.error?.message).toBe('string');
    }
    const codes = await Promise.all([
      call(s, 'message.send', { channelId: general, body: long, clientMessageId: cid() }),
      call(s, 'message.destroy', {}),
      call(s, 'message.send', { channelId: general, body: 'a', clientMessageId: cid(), extra: 1 }),
      call(s, 'message.send', { channelId: general, body: 'nul \u0000 inside', clientMessageId: cid() }),
    ]);
    expect(codes.map((c) => c.error!.code)).toEqual([
      'VALIDATION_FAILED',
      'UNKNOWN_EVENT',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
    ]);
    expect(codes[0].error!.details).toEqual([{ field: 'body', message: 'must be at most 10000 characters' }]);
    // Wrong arity: two payloads, or none.
    expect((await s.timeout(5000).emitWithAck('message.send', { channelId: general }, 'second')).ok).toBe(
      false,
    );
    expect((await s.timeout(5000).emitWithAck('message.send')).ok).toBe(false);
    // Nothing was stored, the connection still works, and others are served.
    const ok = await call(s, 'message.send', {
      channelId: general,
      body: 'still here',
      clientMessageId: cid(),
    });
    expect(ok.ok).toBe(true);
    expect(ok.data.seq).toBe(1);
    await got.until((items) => items.some((m) => m.id === ok.data.id));
    expect(got.items).toHaveLength(1);
  });

  it('disconnects a socket that sends a 2 MB frame, and keeps serving everyone else', async () => {
    const big = await open(gt.token);
    const other = await open(mx.token);
    const got = collect(other, 'message.created');
    const gone = disconnected(big);
    big.emit(
      'message.send',
      { channelId: general, body: 'x'.repeat(2 * 1024 * 1024), clientMessageId: cid() },
      () => undefined,
    );
    expect(await gone).toMatch(/transport (close|error)/);
    const ack = await call(other, 'message.send', {
      channelId: general,
      body: 'after the big frame',
      clientMessageId: cid(),
    });
    expect(ack.ok).toBe(true);
    await got.until((items) => items.some((m) => m.id === ack.data.id));
    const http = await gt.http.get('/api/health');
    expect(http.status).toBe(200);
  });

  it('rate limits a flooding socket with RATE_LIMITED acks', async () => {
    const s = await open(gt.token);
    const acks = await Promise.all(
      Array.from({ length: 300 }, () => call(s, 'typing', { channelId: general })),
    );
    const limited = acks.filter((a) => a.error?.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(100);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(100);
    expect(acks.every((a) => a.ok || a.error?.code === 'RATE_LIMITED')).toBe(true);
  });

  it('relays typing to the other readers of the channel', async () => {
    const s = await open(gt.token);
    const r = await open(mx.token);
    const typing = collect(r, 'typing');
    expect((await call(s, 'typing', { channelId: general })).ok).toBe(true);
    await typing.count(1);
    expect(typing.items[0]).toEqual({
      channelId: general,
      user: { id: gt.id, displayName: expect.any(String), country: 'GT' },
    });
  });

  it('ends the connection when the access token expires', async () => {
    const started = Date.now();
    const s = await open(tokenExpiringIn(gt.token, 2));
    expect(await disconnected(s, 10_000)).toBe('io server disconnect');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('ends the live sockets of a session that logs out, on both processes, and only those', async () => {
    const u = await officer(admin, 'SV');
    const other = await login(app.a, u.email, u.password);
    const onA = await connect(app.a, u.token);
    const onB = await connect(app.b, u.token);
    const otherSession = await connect(app.b, other.accessToken);
    sockets.push(onA, onB, otherSession);
    const endedA = disconnected(onA, 10_000);
    const endedB = disconnected(onB, 10_000);
    const out = await new HttpClient(app.a).post('/api/auth/logout', { refreshToken: u.refreshToken });
    expect(out.status).toBe(204);
    expect(await endedA).toBe('io server disconnect');
    expect(await endedB).toBe('io server disconnect');
    // the user's other session keeps working
    const ack = await call(otherSession, 'channel.read', { channelId: general, seq: 0 });
    expect(ack.ok).toBe(true);
    expect(otherSession.connected).toBe(true);
  });
});
