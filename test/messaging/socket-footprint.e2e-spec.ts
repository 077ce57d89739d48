import { jest } from '@jest/globals';
import { RealtimeServer } from '#realtime';
import { SocketSessions } from '../../apps/api/src/messaging/socket/socket-sessions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, connect, type ClientSocket } from './support.js';

jest.setTimeout(60_000);

/**
 * What the server keeps for each idle socket (bench:sockets measures it): no bearer token and no HTTP request once
 * the connection is open, listeners shared by every socket, and principals that share their equal parts. Each
 * economy must leave the socket working: the same sockets then send and are answered.
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

  it('keeps no token nor request, shares listeners and membership lists, and still serves both sockets', async () => {
    for (const u of [gt, mx]) sockets.push(await connect(app.url, u.token));
    const io = app.runtime.app.get(RealtimeServer).server()!;
    const [a, b] = [...io.of('/').sockets.values()];
    expect([a.data.userId, b.data.userId].sort()).toEqual([gt.id, mx.id].sort());

    for (const s of [a, b]) {
      expect(s.handshake.auth).toEqual({});
      expect(JSON.stringify(s.handshake)).not.toContain(gt.token);
      expect(JSON.stringify(s.handshake)).not.toContain(mx.token);
      expect(s.conn.request).toBeNull();
    }
    const sessions = app.runtime.app.get(SocketSessions);
    const [pa, pb] = [a, b].map((s) => sessions.state(s)!.principal);
    expect(pa.memberships).toBe(pb.memberships);
    expect(Object.isFrozen(pa.memberships[0])).toBe(true);
    for (const event of ['message.send', 'sync', 'presence.watch']) {
      expect(a.listeners(event)).toHaveLength(1);
      expect(a.listeners(event)[0]).toBe(b.listeners(event)[0]);
    }

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
  });
});
