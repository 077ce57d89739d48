import { jest } from '@jest/globals';
import { RealtimeServer } from '#realtime';
import { SocketSessions } from '../../apps/api/src/messaging/socket/socket-sessions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, connect, type ClientSocket } from './support.js';

jest.setTimeout(60_000);

/**
 * What the server keeps for each idle socket (bench:sockets measures it): no bearer token, HTTP request or request
 * headers once the connection is open, one listener shared by every socket (no handlers, listener table or packet
 * middleware per socket), and principals that share their equal parts. Each economy must leave the socket working:
 * the same sockets then send and are answered.
 */
describe('what the server keeps per socket', () => {
  let app: TestApp;
  let gt: TestUser;
  let mx: TestUser;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT');
    mx = await officer(admin, 'MX');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
  });

  it('keeps no token, request nor headers, shares its listener and membership lists, and still serves', async () => {
    for (const u of [gt, mx]) sockets.push(await connect(app.url, u.token));
    const io = app.runtime.app.get(RealtimeServer).server()!;
    const [a, b] = [...io.of('/').sockets.values()];
    expect([a.data.userId, b.data.userId].sort()).toEqual([gt.id, mx.id].sort());

    for (const s of [a, b]) {
      expect(s.handshake.auth).toEqual({});
      expect(JSON.stringify(s.handshake)).not.toContain(gt.token);
      expect(JSON.stringify(s.handshake)).not.toContain(mx.token);
      expect(s.conn.request).toBeNull();
      expect(s.handshake).toMatchObject({ headers: {}, query: {}, url: '' });
      expect(s.handshake.address).toContain('127.0.0.1');
      expect(Date.parse(s.handshake.time)).toBeGreaterThan(Date.now() - 60_000);
      // nothing per socket to dispatch its events: one listener for all, no handlers, no packet middleware
      expect(s.listenersAny()).toHaveLength(1);
      const functionLists = Reflect.ownKeys(s).filter((k) => {
        const v = (s as any)[k];
        return Array.isArray(v) && v.some((f) => typeof f === 'function');
      });
      expect(functionLists.sort()).toEqual(['_anyListeners', '_anyOutgoingListeners']);
      expect((s as unknown as { fns: unknown[] }).fns).toEqual([]);
      for (const event of ['message.send', 'sync', 'presence.watch']) expect(s.listeners(event)).toEqual([]);
    }
    expect(a.listenersAny()[0]).toBe(b.listenersAny()[0]);
    expect(a.listenersAnyOutgoing()[0]).toBe(b.listenersAnyOutgoing()[0]);
    const sessions = app.runtime.app.get(SocketSessions);
    const [pa, pb] = [a, b].map((s) => sessions.state(s)!.principal);
    expect(pa.memberships).toBe(pb.memberships);
    expect(Object.isFrozen(pa.memberships[0])).toBe(true);

    const general = (await gt.http.get('/api/networks/smuggling-trafficking/channels')).body.find(
      (c: any) => c.name === 'general',
    ).id;
    const sent = await call(sockets[0], 'message.send', {
      channelId: general,
      body: 'still served',
      clientMessageId: cid(),
    });
    expect(sent).toMatchObject({ ok: true, data: { body: 'still served' } });
    const synced = await call(sockets[1], 'sync', { cursors: { [general]: 0 } });
    expect(synced.ok).toBe(true);
    expect(synced.data.messages.map((m: any) => m.body)).toContain('still served');
    // kept for connection state recovery (in-memory adapter, two minutes): the message, not the users' presence
    const kept = (io.of('/').adapter as unknown as { packets: Array<{ data: unknown[] }> }).packets;
    expect(kept.map((p) => p.data[0])).toContain('message.created');
    expect(kept.map((p) => p.data[0])).not.toContain('presence');
  });
});
