import { jest } from '@jest/globals';
import { Http } from '../support/http.js';
import { login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { startDeployment, type Deployment } from '../messaging/cluster-support.js';
import { connect, type ClientSocket } from '../messaging/support.js';

jest.setTimeout(180_000);

const ST = 'smuggling-trafficking';

/** Resolves with the time (Date.now()) the socket disconnected. */
const disconnectTime = (socket: ClientSocket, timeoutMs = 10_000) =>
  new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was not disconnected')), timeoutMs);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve(Date.now());
    });
  });

/**
 * Two API processes of one deployment (the built service, Redis adapter): a password change or a disable on one
 * process ends the account's sockets on the other within a second.
 */
describe('accounts across two API processes', () => {
  let d: Deployment;
  let adminA: Http;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    d = await startDeployment();
    adminA = await loginAdmin(d.a);
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await d?.close();
  });

  const track = (s: ClientSocket) => (sockets.push(s), s);

  it('a password change on A ends the other sessions and their sockets on B within a second; the current one stays', async () => {
    const u: TestUser = await officer(adminA, 'CR', [ST]);
    const other = await login(d.b, u.email, u.password);
    const onB = track(await connect(d.b, other.accessToken));
    const currentOnB = track(await connect(d.b, u.token));
    const ended = disconnectTime(onB);
    const res = await u.http.post('/api/me/password', {
      currentPassword: u.password,
      newPassword: 'cluster-password-123',
    });
    const answeredAt = Date.now();
    expect(res.status).toBe(204);
    expect((await ended) - answeredAt).toBeLessThan(1_000);
    expect(currentOnB.connected).toBe(true);
    expect((await new Http(d.b, u.token).get('/api/me')).status).toBe(200);
    expect((await new Http(d.b, other.accessToken).get('/api/me')).status).toBe(401);
    expect((await new Http(d.a, other.accessToken).get('/api/me')).status).toBe(401);
  });

  it('a disable on A closes the socket on B within a second; sign-in on B says ACCOUNT_DISABLED; enable restores sign-in, not the sessions', async () => {
    const u: TestUser = await officer(adminA, 'BZ', [ST]);
    const onB = track(await connect(d.b, u.token));
    const ended = disconnectTime(onB);
    const res = await adminA.post(`/api/admin/users/${u.id}/disable`);
    const answeredAt = Date.now();
    expect(res.status).toBe(200);
    expect((await ended) - answeredAt).toBeLessThan(1_000);
    const anonB = new Http(d.b);
    const signIn = await anonB.post('/api/auth/login', { email: u.email, password: u.password });
    expect([signIn.status, signIn.body.error?.code]).toEqual([401, 'ACCOUNT_DISABLED']);
    await expect(connect(d.b, u.token)).rejects.toThrow('UNAUTHORIZED');

    expect((await adminA.post(`/api/admin/users/${u.id}/enable`)).status).toBe(200);
    expect((await new Http(d.b, u.token).get('/api/me')).status).toBe(401);
    expect((await anonB.post('/api/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
    const back = await anonB.post('/api/auth/login', { email: u.email, password: u.password });
    expect(back.status).toBe(200);
    track(await connect(d.b, back.body.accessToken));
  });
});
