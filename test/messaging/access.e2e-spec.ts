import { jest } from '@jest/globals';
import { startDeployment, type Deployment } from './cluster-support.js';
import type { Http } from '../support/http.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { call, cid, collect, connect, type ClientSocket, type Collector } from './support.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';

/**
 * The access matrix: an officer of the network (GT, who opens everything), another officer of the network whose
 * country is not involved (MX), an officer of the other network (HN), an observer (IOM) and an admin. Every denial is
 * asserted; what the caller may not know exists is 404.
 */
describe('access to channels, messages and cases (two API processes)', () => {
  let app: Deployment;
  let adminHttp: Http;
  let gt: TestUser;
  let mx: TestUser;
  let hn: TestUser;
  let observer: TestUser;
  let admin: TestUser;
  const ids = {} as Record<
    | 'general'
    | 'officers'
    | 'private'
    | 'cpGeneral'
    | 'caseNetwork'
    | 'caseInvolved'
    | 'caseNetworkChannel'
    | 'caseInvolvedChannel',
    string
  >;
  const messages = {} as Record<'general' | 'officers' | 'private' | 'caseNetwork' | 'caseInvolved', string>;
  const sockets: ClientSocket[] = [];
  const inbox = {} as Record<string, { created: Collector; cases: Collector; updated: Collector }>;

  beforeAll(async () => {
    app = await startDeployment();
    adminHttp = await loginAdmin(app.a);
    gt = await officer(adminHttp, 'GT');
    mx = await officer(adminHttp, 'MX');
    hn = await officer(adminHttp, 'HN', [CP]);
    observer = await createUser(adminHttp, {
      organization: 'IOM',
      memberships: [{ network: ST, role: 'observer' }],
    });
    admin = await createUser(adminHttp, { roles: ['admin'] });

    // Sockets on both processes: GT and the admin on A, the others on B (REST calls go to A).
    for (const [name, u] of Object.entries({ gt, mx, hn, observer, admin })) {
      const s = await connect(name === 'gt' || name === 'admin' ? app.a : app.b, u.token);
      sockets.push(s);
      inbox[name] = {
        created: collect(s, 'message.created'),
        cases: collect(s, 'case.created'),
        updated: collect(s, 'case.updated'),
      };
    }

    const channels = (await gt.http.get(`/api/networks/${ST}/channels`)).body;
    ids.general = channels.find((c: any) => c.name === 'general').id;
    ids.cpGeneral = (await hn.http.get(`/api/networks/${CP}/channels`)).body.find(
      (c: any) => c.name === 'general',
    ).id;
    ids.officers = (
      await gt.http.post(`/api/networks/${ST}/channels`, { name: 'officers-only', visibility: 'officers' })
    ).body.id;
    ids.private = (
      await gt.http.post(`/api/networks/${ST}/channels`, {
        name: 'gt-mx',
        visibility: 'private',
        members: [mx.id],
      })
    ).body.id;
    const caseNetwork = await gt.http.post(`/api/networks/${ST}/cases`, {
      title: 'Red de tráfico en Petén',
      type: 'migrant-smuggling',
      handling: 'network',
      countries: ['MX'],
      summary: 'Coyotes moving groups through Petén towards Tenosique',
    });
    expect(caseNetwork.status).toBe(201);
    ids.caseNetwork = caseNetwork.body.id;
    ids.caseNetworkChannel = caseNetwork.body.channelId;
    const caseInvolved = await gt.http.post(`/api/networks/${ST}/cases`, {
      title: 'Víctima de trata en Escuintla',
      type: 'trafficking-in-persons',
      handling: 'involved',
      countries: [],
      summary: 'Confidential: identity of the victim zafiro',
    });
    expect(caseInvolved.status).toBe(201);
    expect(caseInvolved.body.countries).toEqual(['GT']);
    ids.caseInvolved = caseInvolved.body.id;
    ids.caseInvolvedChannel = caseInvolved.body.channelId;

    const post = async (path: string, body: string) => {
      const res = await gt.http.post(path, { body, clientMessageId: cid() });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    messages.general = await post(
      `/api/channels/${ids.general}/messages`,
      'general: tráfico de migrantes esmeralda',
    );
    messages.officers = await post(`/api/channels/${ids.officers}/messages`, 'officers: tráfico rubí');
    messages.private = await post(`/api/channels/${ids.private}/messages`, 'private: tráfico ópalo');
    messages.caseNetwork = await post(`/api/cases/${ids.caseNetwork}/messages`, 'case network: tráfico jade');
    messages.caseInvolved = await post(
      `/api/cases/${ids.caseInvolved}/messages`,
      'case involved: tráfico zafiro',
    );
    // Sentinels: a last message each socket may read, so that everything before it has arrived.
    const sentinel = await post(`/api/channels/${ids.general}/messages`, 'sentinel');
    const cpSentinel = await hn.http.post(`/api/channels/${ids.cpGeneral}/messages`, {
      body: 'cp sentinel',
      clientMessageId: cid(),
    });
    await Promise.all(
      Object.entries(inbox).map(([name, box]) =>
        box.created.until((items) =>
          items.some((m) => m.id === (name === 'hn' ? cpSentinel.body.id : sentinel)),
        ),
      ),
    );
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
  });

  const who = () => ({ gt, mx, hn, observer, admin });
  type Who = keyof ReturnType<typeof who>;

  it('lists the channels each caller may read', async () => {
    const names = async (u: TestUser, network = ST) => {
      const res = await u.http.get(`/api/networks/${network}/channels`);
      return res.status === 200 ? res.body.map((c: any) => c.name).sort() : res.status;
    };
    const defaults = ['cases', 'follow-up', 'general', 'training'];
    expect(await names(gt)).toEqual([...defaults, 'gt-mx', 'officers-only'].sort());
    expect(await names(mx)).toEqual([...defaults, 'gt-mx', 'officers-only'].sort());
    // `cases` is for officers only (issue 7, item 8).
    const forAll = defaults.filter((n) => n !== 'cases');
    expect(await names(observer)).toEqual(forAll);
    expect(await names(admin)).toEqual(forAll);
    expect(await names(hn)).toBe(403);
    expect(await names(observer, CP)).toBe(403);
    const listed = (await gt.http.get(`/api/networks/${ST}/channels`)).body;
    expect(listed.find((c: any) => c.name === 'general')).toEqual({
      id: ids.general,
      name: 'general',
      visibility: 'network',
      lastSeq: 2,
      unreadCount: 0,
    });
    // Case threads are not channels in the listing.
    expect(listed.some((c: any) => c.id === ids.caseNetworkChannel)).toBe(false);
  });

  it('reads channel messages only where allowed, 404 elsewhere', async () => {
    const expected: Record<Who, Record<'general' | 'officers' | 'private', number>> = {
      gt: { general: 200, officers: 200, private: 200 },
      mx: { general: 200, officers: 200, private: 200 },
      hn: { general: 404, officers: 404, private: 404 },
      observer: { general: 200, officers: 404, private: 404 },
      admin: { general: 200, officers: 404, private: 404 },
    };
    for (const [name, u] of Object.entries(who()) as Array<[Who, TestUser]>) {
      for (const ch of ['general', 'officers', 'private'] as const) {
        const res = await u.http.get(`/api/channels/${ids[ch]}/messages`);
        expect([name, ch, res.status]).toEqual([name, ch, expected[name][ch]]);
        if (res.status === 404) expect(res.body.error.code).toBe('NOT_FOUND');
      }
    }
  });

  it('reads cases and their threads only where allowed, 404 elsewhere, every read audited', async () => {
    const expected: Record<Who, [number, number]> = {
      gt: [200, 200],
      mx: [200, 404],
      hn: [404, 404],
      observer: [404, 404],
      admin: [404, 404],
    };
    for (const [name, u] of Object.entries(who()) as Array<[Who, TestUser]>) {
      const got = [
        (await u.http.get(`/api/cases/${ids.caseNetwork}`)).status,
        (await u.http.get(`/api/cases/${ids.caseInvolved}`)).status,
      ];
      expect([name, ...got]).toEqual([name, ...expected[name]]);
      const threads = [
        (await u.http.get(`/api/cases/${ids.caseNetwork}/messages`)).status,
        (await u.http.get(`/api/cases/${ids.caseInvolved}/messages`)).status,
        (await u.http.get(`/api/channels/${ids.caseInvolvedChannel}/messages`)).status,
      ];
      expect([name, ...threads]).toEqual([name, ...expected[name], expected[name][1]]);
    }
    const listed = async (u: TestUser) => {
      const res = await u.http.get(`/api/networks/${ST}/cases`);
      return res.status === 200 ? res.body.map((c: any) => c.id).sort() : res.status;
    };
    expect(await listed(gt)).toEqual([ids.caseNetwork, ids.caseInvolved].sort());
    expect(await listed(mx)).toEqual([ids.caseNetwork]);
    expect(await listed(observer)).toBe(403);
    expect(await listed(admin)).toBe(403);
    expect(await listed(hn)).toBe(403);

    const audit = await adminHttp.get(`/api/admin/audit?targetId=${ids.caseInvolved}&limit=200`);
    const actions = audit.body.map((e: any) => `${e.action}:${e.actorId}`);
    expect(actions).toContain(`case.read:${gt.id}`);
    expect(actions).toContain(`case.read.denied:${mx.id}`);
    expect(actions).toContain(`case.read.denied:${admin.id}`);
    expect(actions).toContain(`case.thread.read:${gt.id}`);
    expect(actions).toContain(`case.created:${gt.id}`);
    expect(actions).toContain(`case.message.posted:${gt.id}`);
  });

  it('posts only where allowed', async () => {
    const post = (u: TestUser, path: string) =>
      u.http.post(path, { body: 'hello', clientMessageId: cid() }).then((r) => r.status);
    expect(await post(observer, `/api/channels/${ids.general}/messages`)).toBe(201);
    expect(await post(admin, `/api/channels/${ids.general}/messages`)).toBe(201);
    expect(await post(hn, `/api/channels/${ids.general}/messages`)).toBe(404);
    expect(await post(observer, `/api/channels/${ids.officers}/messages`)).toBe(404);
    expect(await post(admin, `/api/channels/${ids.officers}/messages`)).toBe(404);
    expect(await post(mx, `/api/cases/${ids.caseNetwork}/messages`)).toBe(201);
    expect(await post(mx, `/api/cases/${ids.caseInvolved}/messages`)).toBe(404);
    expect(await post(mx, `/api/channels/${ids.caseInvolvedChannel}/messages`)).toBe(404);
    expect(await post(observer, `/api/cases/${ids.caseNetwork}/messages`)).toBe(404);
    expect(await post(admin, `/api/cases/${ids.caseNetwork}/messages`)).toBe(404);
    expect(await post(hn, `/api/cases/${ids.caseNetwork}/messages`)).toBe(404);
    // The same over the socket.
    const [, mxSocket, hnSocket, obsSocket] = sockets;
    const send = async (s: ClientSocket, channelId: string) =>
      (await call(s, 'message.send', { channelId, body: 'x', clientMessageId: cid() })).error?.code ?? 'ok';
    expect(await send(mxSocket, ids.caseInvolvedChannel)).toBe('NOT_FOUND');
    expect(await send(hnSocket, ids.general)).toBe('NOT_FOUND');
    expect(await send(obsSocket, ids.officers)).toBe('NOT_FOUND');
    expect(await send(obsSocket, ids.caseNetworkChannel)).toBe('NOT_FOUND');
    // Observers and the admin do not open cases; the other network's officer gets 403 there.
    const open = (u: TestUser) =>
      u.http
        .post(`/api/networks/${ST}/cases`, {
          title: 't',
          type: 'undetermined',
          handling: 'network',
          countries: [],
          summary: 's',
        })
        .then((r) => r.status);
    expect(await open(observer)).toBe(403);
    expect(await open(admin)).toBe(403);
    expect(await open(hn)).toBe(403);
  });

  it("does not let anyone edit or delete others' messages", async () => {
    const edit = (u: TestUser, id: string) =>
      u.http.patch(`/api/messages/${id}`, { body: 'changed' }).then((r) => [r.status, r.body?.error?.code]);
    const del = (u: TestUser, id: string) => u.http.delete(`/api/messages/${id}`).then((r) => r.status);
    expect(await edit(mx, messages.general)).toEqual([403, 'FORBIDDEN']);
    expect(await edit(admin, messages.general)).toEqual([403, 'FORBIDDEN']);
    expect(await edit(observer, messages.general)).toEqual([403, 'FORBIDDEN']);
    expect(await edit(observer, messages.officers)).toEqual([404, 'NOT_FOUND']);
    expect(await edit(mx, messages.caseInvolved)).toEqual([404, 'NOT_FOUND']);
    expect(await edit(hn, messages.general)).toEqual([404, 'NOT_FOUND']);
    expect(await del(mx, messages.private)).toBe(403);
    expect(await del(admin, messages.caseNetwork)).toBe(404);
    const viaSocket = await call(sockets[1], 'message.edit', { id: messages.general, body: 'changed' });
    expect(viaSocket.error?.code).toBe('FORBIDDEN');
    const unchanged = await gt.http.get(`/api/channels/${ids.general}/messages`);
    expect(unchanged.body.find((m: any) => m.id === messages.general).body).toBe(
      'general: tráfico de migrantes esmeralda',
    );
  });

  it('sends each socket only the events it may receive', () => {
    const received = (name: string) => {
      const ids = new Set(inbox[name].created.items.map((m) => m.id));
      return Object.entries(messages)
        .filter(([, id]) => ids.has(id))
        .map(([k]) => k)
        .sort();
    };
    expect(received('gt')).toEqual(['caseInvolved', 'caseNetwork', 'general', 'officers', 'private']);
    expect(received('mx')).toEqual(['caseNetwork', 'general', 'officers', 'private']);
    expect(received('observer')).toEqual(['general']);
    expect(received('admin')).toEqual(['general']);
    expect(received('hn')).toEqual([]);
    const cases = (name: string) => inbox[name].cases.items.map((c) => c.id).sort();
    expect(cases('gt')).toEqual([ids.caseNetwork, ids.caseInvolved].sort());
    expect(cases('mx')).toEqual([ids.caseNetwork]);
    for (const name of ['observer', 'admin', 'hn']) expect(cases(name)).toEqual([]);
    // No case content at all reached those who may not read the case (system messages included).
    for (const name of ['observer', 'admin', 'hn', 'mx']) {
      expect(inbox[name].created.items.some((m) => m.caseId === ids.caseInvolved)).toBe(false);
    }
  });

  it('sends case.updated only to readers, and a narrowed case stops reaching those who lost access', async () => {
    const sentinel = async () => {
      const s = await gt.http.post(`/api/channels/${ids.general}/messages`, {
        body: 'sentinel',
        clientMessageId: cid(),
      });
      await Promise.all(
        ['gt', 'mx', 'observer', 'admin'].map((n) =>
          inbox[n].created.until((items) => items.some((m) => m.id === s.body.id)),
        ),
      );
    };
    const upd = await gt.http.patch(`/api/cases/${ids.caseNetwork}`, { status: 'awaiting-response' });
    expect(upd.status).toBe(200);
    await sentinel();
    expect(inbox.mx.updated.items.map((c) => c.status)).toEqual(['awaiting-response']);
    for (const n of ['observer', 'admin', 'hn']) expect(inbox[n].updated.items).toEqual([]);

    // Narrowed to involved countries (GT only): MX leaves the thread's room and 404s from now on.
    const narrowed = await gt.http.patch(`/api/cases/${ids.caseNetwork}`, {
      handling: 'involved',
      countries: ['GT'],
    });
    expect(narrowed.status).toBe(200);
    const afterNarrow = await gt.http.post(`/api/cases/${ids.caseNetwork}/messages`, {
      body: 'GT only now',
      clientMessageId: cid(),
    });
    await sentinel();
    expect(inbox.mx.created.items.some((m) => m.id === afterNarrow.body.id)).toBe(false);
    expect(inbox.mx.updated.items).toHaveLength(1);
    expect(inbox.gt.updated.items.map((c) => c.handling)).toEqual(['network', 'involved']);
    expect((await mx.http.get(`/api/cases/${ids.caseNetwork}`)).status).toBe(404);
    expect(inbox.gt.created.items.some((m) => m.id === afterNarrow.body.id)).toBe(true);
  });

  it('never returns in search what the caller may not read; "trafico" finds "tráfico"', async () => {
    const found = async (u: TestUser, q: string) => {
      const res = await u.http.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return res.body.results.map((r: any) =>
        r.type === 'case' ? `case:${r.case.id}` : `message:${r.message.id}`,
      );
    };
    const all = await found(gt, 'trafico');
    for (const id of Object.values(messages)) expect(all).toContain(`message:${id}`);
    expect(all).toContain(`case:${ids.caseNetwork}`);
    const forMx = await found(mx, 'trafico');
    expect(forMx).toContain(`message:${messages.general}`);
    expect(forMx).toContain(`message:${messages.officers}`);
    expect(forMx).not.toContain(`message:${messages.caseInvolved}`);
    expect(forMx).not.toContain(`message:${messages.caseNetwork}`); // narrowed to GT in the previous test
    expect(forMx).not.toContain(`case:${ids.caseInvolved}`);
    expect(await found(mx, 'zafiro')).toEqual([]);
    expect(await found(observer, 'trafico')).toEqual([`message:${messages.general}`]);
    expect(await found(admin, 'trafico')).toEqual([`message:${messages.general}`]);
    expect(await found(hn, 'trafico')).toEqual([]);
    expect(await found(admin, 'Escuintla')).toEqual([]);
    expect(await found(gt, 'ESCUINTLA')).toEqual([`case:${ids.caseInvolved}`]);
    expect(await found(gt, 'peten')).toContain(`case:${ids.caseNetwork}`);
  });
});
