import { jest } from '@jest/globals';
import { startDeployment, type Deployment } from '../messaging/cluster-support.js';
import type { Http } from '../support/http.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, collect, connect, type ClientSocket } from '../messaging/support.js';

jest.setTimeout(90_000);

const ST = 'smuggling-trafficking';

/**
 * Issue 7 item 1: connection state recovery must not replay what a client missed before it is authenticated again
 * and its rooms are evaluated again. The transport is dropped for real (the TCP socket under the WebSocket is
 * destroyed: no socket.io disconnect packet), and the client comes back with its old `pid`/`offset`.
 */
describe('connection state recovery re-authenticates before replaying (issue 7 item 1)', () => {
  let app: Deployment;
  let admin: Http;
  let gt: TestUser;
  /** A socket of the GT officer on process A: it watches the reader's presence and sees its last socket go. */
  let watcher: ClientSocket;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    app = await startDeployment();
    admin = await loginAdmin(app.a);
    gt = await officer(admin, 'GT');
    watcher = await connect(app.a, gt.token);
    sockets.push(watcher);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
  });

  const channelId = async (user: TestUser, name: string) =>
    (await user.http.get(`/api/networks/${ST}/channels`)).body.find((c: any) => c.name === name).id as string;

  /** Every EVENT packet that reaches the client's wire, decoded, whether or not the socket is connected. */
  const wire = (s: ClientSocket) => {
    const packets: unknown[][] = [];
    s.io.on('packet', (p: any) => {
      if (p.type === 2 && Array.isArray(p.data)) packets.push(p.data);
    });
    return packets;
  };
  const mentions = (packets: unknown[][], text: string) =>
    packets.some((p) => JSON.stringify(p).includes(text));

  /** Connects a reader (no automatic reconnection) and waits until it has an offset to come back with. */
  async function readerWithOffset(reader: TestUser, post: () => Promise<string>) {
    const s = await connect(app.b, reader.token);
    sockets.push(s);
    const got = collect(s, 'message.created');
    const warmId = await post();
    await got.until((items) => items.some((m) => m.id === warmId));
    expect((s as any)._pid).toEqual(expect.any(String));
    expect((s as any)._lastOffset).toEqual(expect.any(String));
    return s;
  }

  /** Destroys the TCP socket under the WebSocket and waits until the server has seen the reader's last socket go. */
  async function dropTransport(s: ClientSocket, reader: TestUser) {
    expect((await call(watcher, 'presence.watch', { userIds: [reader.id] })).data.watching).toEqual([
      reader.id,
    ]);
    const offline = collect(watcher, 'presence');
    const raw = (s.io.engine as any).transport?.ws?._socket;
    expect(raw).toBeDefined();
    raw.destroy();
    await offline.until((items) => items.some((p) => p.user.id === reader.id && p.status === 'offline'));
    expect(s.connected).toBe(false);
  }

  it('(a) with a bad token: no replay, connect_error UNAUTHORIZED', async () => {
    const reader = await officer(admin, 'BZ');
    const general = await channelId(gt, 'general');
    const post = async (body: string) =>
      (await gt.http.post(`/api/channels/${general}/messages`, { body, clientMessageId: cid() })).body
        .id as string;
    const s = await readerWithOffset(reader, () => post('warm-up a'));
    const packets = wire(s);
    await dropTransport(s, reader);
    await post('secret sent while away (a)');

    s.auth = { token: 'not-a-token' };
    const error = await new Promise<Error>((resolve) => {
      s.once('connect_error', resolve);
      s.connect();
    });
    expect(error.message).toBe('UNAUTHORIZED');
    expect(s.connected).toBe(false);
    expect(mentions(packets, 'secret sent while away (a)')).toBe(false);
    expect(packets).toHaveLength(0);
  });

  it('(b) with a valid token after its country was removed from an involved case: the later thread message is not received', async () => {
    const mx = await officer(admin, 'MX');
    const opened = await gt.http.post(`/api/networks/${ST}/cases`, {
      title: 'Recovery replay',
      type: 'migrant-smuggling',
      handling: 'involved',
      countries: ['GT', 'MX'],
      summary: 'Involved case read by GT and MX',
    });
    expect(opened.status).toBe(201);
    const caseId = opened.body.id as string;
    const post = async (body: string) =>
      (await gt.http.post(`/api/cases/${caseId}/messages`, { body, clientMessageId: cid() })).body
        .id as string;
    const s = await readerWithOffset(mx, () => post('warm-up b'));
    const packets = wire(s);
    await dropTransport(s, mx);

    const removed = await gt.http.patch(`/api/cases/${caseId}`, { countries: ['GT'] });
    expect(removed.status).toBe(200);
    const secretId = await post('secret after removal (b)');

    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
      s.connect();
    });
    // Anything replayed arrives before `connect`.
    expect(mentions(packets, 'secret after removal (b)')).toBe(false);
    expect(s.recovered).toBe(false);
    // The GT officer, who still reads the case, gets a later message; by then anything replayed would have arrived.
    const later = collect(watcher, 'message.created');
    const laterId = await post('after the reconnection');
    await later.until((items) => items.some((m) => m.id === laterId));
    const general = await channelId(gt, 'general');
    const seen = collect(s, 'message.created');
    const ping = (
      await gt.http.post(`/api/channels/${general}/messages`, { body: 'ping', clientMessageId: cid() })
    ).body.id;
    await seen.until((items) => items.some((m) => m.id === ping));
    expect(mentions(packets, 'secret after removal (b)')).toBe(false);
    expect(mentions(packets, secretId)).toBe(false);
    expect(mentions(packets, 'after the reconnection')).toBe(false);
    expect(await mx.http.get(`/api/cases/${caseId}`)).toMatchObject({ status: 404 });
  });

  it('(c) with a valid token and unchanged access: the session comes back with what it missed', async () => {
    const reader = await officer(admin, 'HN');
    const general = await channelId(gt, 'general');
    const post = async (body: string) =>
      (await gt.http.post(`/api/channels/${general}/messages`, { body, clientMessageId: cid() })).body
        .id as string;
    const s = await readerWithOffset(reader, () => post('warm-up c'));
    const got = collect(s, 'message.created');
    await dropTransport(s, reader);
    const missedId = await post('missed while away (c)');
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
      s.connect();
    });
    expect(s.recovered).toBe(true);
    await got.until((items) => items.some((m) => m.id === missedId));
    expect(got.items.filter((m) => m.id === missedId)).toHaveLength(1);
  });
});
