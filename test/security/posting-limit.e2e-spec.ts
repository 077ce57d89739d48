import { jest } from '@jest/globals';
import { startDeployment, type Deployment } from '../messaging/cluster-support.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, connect, type ClientSocket } from '../messaging/support.js';

jest.setTimeout(90_000);

const ST = 'smuggling-trafficking';

/**
 * Issue 7 item 10 (the limiter): posting messages has one budget per user across both transports (REST and the
 * socket), shared by every API process through Redis. `MESSAGE_RATE_LIMIT=5/60s`: a burst of 5, then one every 12 s.
 */
describe('one posting limit for REST and socket, shared across processes (issue 7 item 10)', () => {
  const sockets: ClientSocket[] = [];
  afterAll(() => {
    for (const s of sockets) s.close();
  });

  const general = async (user: TestUser) =>
    (await user.http.get(`/api/networks/${ST}/channels`)).body.find((c: any) => c.name === 'general')
      .id as string;
  const rest = (user: TestUser, channelId: string, body: string) =>
    user.http.post(`/api/channels/${channelId}/messages`, { body, clientMessageId: cid() });
  const socketSend = (s: ClientSocket, channelId: string, body: string) =>
    call(s, 'message.send', { channelId, body, clientMessageId: cid() });

  describe('two API processes on Redis', () => {
    let app: Deployment;
    let admin: Http;
    beforeAll(async () => {
      app = await startDeployment({ MESSAGE_RATE_LIMIT: '5/60s' });
      admin = await loginAdmin(app.a);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('REST on A and the socket on B draw on one budget; the next post is refused on both transports', async () => {
      const gt = await officer(admin, 'GT');
      const channelId = await general(gt);
      const onB = await connect(app.b, gt.token);
      sockets.push(onB);
      for (let i = 0; i < 3; i++) expect((await rest(gt, channelId, `rest ${i}`)).status).toBe(201);
      for (let i = 0; i < 2; i++)
        expect(await socketSend(onB, channelId, `socket ${i}`)).toMatchObject({ ok: true });

      const refusedRest = await rest(gt, channelId, 'one too many (REST)');
      expect(refusedRest.status).toBe(429);
      expect(refusedRest.body.error.code).toBe('RATE_LIMITED');
      expect(Number(refusedRest.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const refusedSocket = await socketSend(onB, channelId, 'one too many (socket)');
      expect(refusedSocket).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      // Also through process B's REST: the budget is the user's, not a process's.
      const restOnB = await new Http(app.b, gt.token).post(`/api/channels/${channelId}/messages`, {
        body: 'one too many (REST on B)',
        clientMessageId: cid(),
      });
      expect(restOnB.status).toBe(429);

      // Nothing refused was stored.
      const page = await gt.http.get(`/api/channels/${channelId}/messages?limit=200`);
      const bodies = page.body.map((m: any) => m.body);
      expect(bodies.filter((b: string) => b.startsWith('rest ') || b.startsWith('socket '))).toHaveLength(5);
      expect(bodies.some((b: string) => b.startsWith('one too many'))).toBe(false);
      // Another user's budget is untouched, and the refused socket still works for other events.
      const mx = await officer(admin, 'MX');
      expect((await rest(mx, channelId, 'another user')).status).toBe(201);
      expect(await call(onB, 'channel.read', { channelId, seq: 1 })).toMatchObject({ ok: true });
    });
  });

  describe('one process without Redis', () => {
    let app: TestApp;
    let admin: Http;
    beforeAll(async () => {
      app = await startTestApp({ env: { MESSAGE_RATE_LIMIT: '5/60s' } });
      admin = await loginAdmin(app.url);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('keeps the budget in the process: 5 posts over REST and socket, then 429 and the ack error', async () => {
      const gt = await officer(admin, 'GT');
      const channelId = await general(gt);
      const s = await connect(app.url, gt.token);
      sockets.push(s);
      expect(await socketSend(s, channelId, 'socket 0')).toMatchObject({ ok: true });
      for (let i = 0; i < 4; i++) expect((await rest(gt, channelId, `rest ${i}`)).status).toBe(201);
      expect((await rest(gt, channelId, 'refused')).status).toBe(429);
      expect(await socketSend(s, channelId, 'refused')).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED' },
      });
    });
  });
});
