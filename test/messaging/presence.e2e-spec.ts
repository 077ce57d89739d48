import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, collect, connect, disconnected, type ClientSocket } from './support.js';

jest.setTimeout(60_000);

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';

/**
 * Presence is watched (`presence.watch`), not broadcast: a socket hears `presence` only for the users it watches, and
 * only for those who share a network with its user (PresencePolicy). Each role tries it: officers of the same and of
 * another network, an observer, the secretariat, and bad payloads; an access change ends the watches.
 */
describe('presence.watch', () => {
  let app: TestApp;
  let admin: Http;
  let gt: TestUser;
  let mx: TestUser;
  let consular: TestUser;
  let observer: TestUser;
  let secretariat: TestUser;
  const sockets: ClientSocket[] = [];
  const open = async (u: TestUser) => {
    const s = await connect(app.url, u.token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT');
    mx = await officer(admin, 'MX');
    consular = await officer(admin, 'CR', [CP]);
    observer = await createUser(admin, { country: 'CO', memberships: [{ network: ST, role: 'observer' }] });
    secretariat = await createUser(admin, { roles: ['secretariat'], country: 'GT' });
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
  });

  it('watches only users who share a network; says at once who of them is online', async () => {
    const [gtSocket, , consularSocket, staffSocket] = await Promise.all([
      open(gt),
      open(mx),
      open(consular),
      open(secretariat),
    ]);
    const unknown = randomUUID();
    const ack = await call(gtSocket, 'presence.watch', {
      userIds: [mx.id, consular.id, observer.id, secretariat.id, unknown, gt.id, mx.id],
    });
    expect(ack.ok).toBe(true);
    expect(new Set(ack.data.watching)).toEqual(new Set([mx.id, observer.id, gt.id]));
    expect(new Set(ack.data.online)).toEqual(new Set([mx.id, gt.id]));
    // the secretariat (no membership) may watch no one but itself; the consular officer no one of this network
    const staff = await call(staffSocket, 'presence.watch', { userIds: [gt.id, mx.id, secretariat.id] });
    expect(staff.data.watching).toEqual([secretariat.id]);
    const other = await call(consularSocket, 'presence.watch', { userIds: [gt.id, mx.id] });
    expect(other.data).toEqual({ watching: [], online: [] });
  });

  it('bad payloads are refused with VALIDATION_FAILED on userIds and change nothing', async () => {
    const s = await open(observer);
    for (const payload of [
      {},
      { userIds: 'x' },
      { userIds: ['not-a-uuid'] },
      { userIds: Array.from({ length: 201 }, () => randomUUID()) },
    ]) {
      const ack = await call(s, 'presence.watch', payload);
      expect(ack.ok).toBe(false);
      expect(ack.error!.code).toBe('VALIDATION_FAILED');
      expect(ack.error!.details?.[0]?.field).toBe('userIds');
    }
  });

  it('presence goes to the sockets that watch the user, and to no other', async () => {
    const watcher = await open(gt);
    const bystander = await open(observer); // same network, watches no one
    const outsider = await open(consular); // another network, asked for MX: refused
    await call(watcher, 'presence.watch', { userIds: [mx.id] });
    await call(outsider, 'presence.watch', { userIds: [mx.id] });
    const seen = collect(watcher, 'presence');
    const notSeen = collect(bystander, 'presence');
    const notSeenEither = collect(outsider, 'presence');
    const mxSocket = await connect(app.url, mx.token);
    // MX already had a socket (previous test): a second one is not news; closing every MX socket is
    for (const s of sockets.filter((s) => (s.auth as any).token === mx.token)) s.close();
    mxSocket.close();
    await seen.until((items) => items.some((p) => p.user.id === mx.id && p.status === 'offline'));
    const back = await open(mx);
    await seen.until((items) => items.some((p) => p.user.id === mx.id && p.status === 'online'));
    expect(seen.items.map((p) => p.status)).toEqual(['offline', 'online']);
    expect(seen.items[0].user).toEqual({ id: mx.id, displayName: expect.any(String), country: 'MX' });
    // the same broadcast reached every socket in the room before the watcher's collector resolved
    expect(notSeen.items).toEqual([]);
    expect(notSeenEither.items).toEqual([]);
    expect(back.connected).toBe(true);
  });

  it('an access change ends the watches: the watcher must watch again, under its new access', async () => {
    const watcher = await open(observer);
    const control = await open(gt);
    await call(watcher, 'presence.watch', { userIds: [mx.id] });
    await call(control, 'presence.watch', { userIds: [mx.id] });
    const updated = collect(watcher, 'access.updated');
    expect(
      (
        await admin.put(`/api/admin/users/${observer.id}/memberships`, {
          memberships: [{ network: CP, role: 'observer' }],
        })
      ).status,
    ).toBe(200);
    await updated.count(1);
    const watcherSaw = collect(watcher, 'presence');
    const controlSaw = collect(control, 'presence');
    const mxSocket = await open(mx);
    for (const s of sockets.filter((s) => s !== mxSocket && (s.auth as any).token === mx.token)) s.close();
    mxSocket.close();
    await disconnected(mxSocket);
    await controlSaw.until((items) => items.some((p) => p.user.id === mx.id && p.status === 'offline'));
    expect(watcherSaw.items).toEqual([]);
    // watching again, as a consular observer now: MX shares no network with it any more
    const again = await call(watcher, 'presence.watch', { userIds: [mx.id] });
    expect(again.data).toEqual({ watching: [], online: [] });
  });

  it('without a valid token there is no socket to watch from', async () => {
    await expect(connect(app.url, 'not-a-token')).rejects.toThrow(/UNAUTHORIZED/);
    await expect(connect(app.url, undefined)).rejects.toThrow(/UNAUTHORIZED/);
  });
});
