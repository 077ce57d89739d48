import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  AttachmentAccessPolicy,
  AccountAccessPolicy,
  CaseAccessPolicy,
  ChannelAccessPolicy,
  FollowUpAccessPolicy,
  QueueBoardAccessPolicy,
  SheetAccessPolicy,
  RetentionAccessPolicy,
  accessScope,
  type ChannelAccessFacts,
  type Principal,
} from '#domain';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http, type HttpResult } from '../support/http.js';
import { createUser, login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from '../follow-ups/helpers.js';
import { call, cid, connect, type ClientSocket } from '../messaging/support.js';
import { multipart, PDF, upload } from '../attachments/support.js';

jest.setTimeout(180_000);

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';
const PPT_COUNTRY = 'MX';

/**
 * The access matrix (issue 7): every REST route and every client → server socket event, tried by every role. The
 * expected answer of each cell is derived from the domain's own policies (ChannelAccessPolicy, CaseAccessPolicy,
 * AccountAccessPolicy, FollowUpAccessPolicy) and the status rules of API.md: not signed in → 401; what the caller may
 * not know exists → 404; a known thing they may not do → 403. Then every cell is asserted.
 */
const ROLES = [
  'nobody',
  'officer',
  'otherCountry',
  'otherNetwork',
  'observerCountry',
  'observerOrg',
  'secretariat',
  'admin',
  'ppt',
] as const;
type Role = (typeof ROLES)[number];

interface Actor {
  role: Role;
  user?: TestUser;
  principal?: Principal;
  http: Http;
  socket?: ClientSocket;
  /** A second session, for the logout cell. */
  spareRefresh?: string;
}

type ChannelKey = 'general' | 'casesDefault' | 'officers' | 'private' | 'involvedThread' | 'networkThread';
type CaseKey = 'involved' | 'network';

interface Fixtures {
  networkIds: Record<string, string>;
  channels: Record<ChannelKey, string>;
  cases: Record<CaseKey, { id: string; channelId: string }>;
  messages: Record<'general' | 'ack' | 'restDelete' | 'socketDelete' | 'involved', string>;
  /** Files: sent in `general` and in the involved case's thread, and one the author uploaded but never sent. */
  attachments: Record<'general' | 'involved' | 'unsent', string>;
  followUp: string;
  activity: string;
  victim: TestUser;
  staffTarget: TestUser;
  /** An officer the disable/enable cells act on (nothing else uses its sessions). */
  leaver: TestUser;
  /** A live session of the victim: nobody else may end it. */
  victimSession: string;
  author: TestUser;
  privateCreator: TestUser;
  privateMembers: string[];
}

interface RestCell {
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (f: Fixtures, a: Actor) => string;
  body?: (f: Fixtures, a: Actor) => unknown;
  headers?: () => Record<string, string>;
  /** The expected status for a signed-in actor (nobody gets 401 unless `public`). */
  expected: (a: Actor, f: Fixtures) => number;
  public?: boolean;
  /** Extra facts a 2xx answer must show (derived from the policies too). */
  check?: (res: HttpResult, a: Actor, f: Fixtures) => boolean;
  /** Puts back what a successful cell changed, so the next actor meets the same state. */
  restore?: (f: Fixtures, a: Actor, res: HttpResult) => Promise<void>;
}

interface SocketCell {
  event: string;
  payload: (f: Fixtures, a: Actor) => unknown;
  /** 'ok' or the ack error code. */
  expected: (a: Actor, f: Fixtures) => string;
  check?: (data: any, a: Actor, f: Fixtures) => boolean;
}

// ---- the rules, from the policies ------------------------------------------------------------------------------

const channelPolicy = new ChannelAccessPolicy();
const attachmentPolicy = new AttachmentAccessPolicy();
const casePolicy = new CaseAccessPolicy();
const accountPolicy = new AccountAccessPolicy();
const queueBoardPolicy = new QueueBoardAccessPolicy();
const retentionPolicy = new RetentionAccessPolicy();
const followUpPolicy = new FollowUpAccessPolicy({
  holdsPresidency: async (p: Principal) => p.country === PPT_COUNTRY,
} as any);

const sheetPolicy = new SheetAccessPolicy();
const readsSheets = (a: Actor) => (sheetPolicy.canRead(p(a)) ? 200 : 403);

let caseFacts: Record<CaseKey, { networkId: string; handling: 'network' | 'involved'; countries: string[] }>;
let openerCountry: string;

const p = (a: Actor) => a.principal!;
const allowed = (fn: () => unknown) => {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
};

function channelFacts(f: Fixtures, key: ChannelKey, a: Actor): ChannelAccessFacts {
  const networkId = f.networkIds[ST];
  switch (key) {
    case 'general':
      return { networkId, visibility: 'network', kind: 'channel' };
    case 'casesDefault':
    case 'officers':
      return { networkId, visibility: 'officers', kind: 'channel' };
    case 'private':
      return {
        networkId,
        visibility: 'private',
        kind: 'channel',
        isMember: f.privateMembers.includes(a.user!.id),
      };
    case 'involvedThread':
    case 'networkThread': {
      const c = caseFacts[key === 'involvedThread' ? 'involved' : 'network'];
      return {
        networkId,
        visibility: 'officers',
        kind: 'case',
        caseHandling: c.handling,
        caseCountries: c.countries,
      };
    }
  }
}
const readsChannel = (a: Actor, f: Fixtures, key: ChannelKey) =>
  ChannelAccessPolicy.canRead(accessScope(p(a)), channelFacts(f, key, a));
const readsCase = (a: Actor, key: CaseKey) => casePolicy.canRead(p(a), caseFacts[key]);
const readOr404 = (ok: boolean, status: number) => (ok ? status : 404);
/** Author-only changes of a message: the author, 403 for other readers, 404 for those who cannot read it. */
const authorOnly = (a: Actor, f: Fixtures, key: ChannelKey, status = 200) =>
  !readsChannel(a, f, key) ? 404 : a.user!.id === f.author.id ? status : 403;
const followUpReadable = (a: Actor) => followUpPolicy.canRead(p(a), ST);
const coordinates = (a: Actor) => allowed(() => accountPolicy.assertCanManageUsers(p(a))) || isPpt(a);
const isPpt = (a: Actor) =>
  p(a).country === PPT_COUNTRY && p(a).memberships.some((m) => m.network === ST && m.role === 'officer');
const inNetworkOrStaff = (a: Actor) =>
  channelPolicy.canCreateChannel(p(a), f0().networkIds[ST]) ||
  !!p(a).memberships.find((m) => m.network === ST);

let fixtures: Fixtures;
/** The bootstrap admin's access token (puts back what a disable cell changed). */
let adminToken: string;
const f0 = () => fixtures;

// ---- the table: every REST route that exists ---------------------------------------------------------------------

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();

const REST: RestCell[] = [
  // auth and me
  {
    action: 'POST /api/auth/login',
    method: 'POST',
    public: true,
    path: () => '/api/auth/login',
    body: (f) => ({ email: f.victim.email, password: f.victim.password }),
    expected: () => 200,
  },
  {
    action: 'POST /api/auth/refresh',
    method: 'POST',
    public: true,
    path: () => '/api/auth/refresh',
    body: (_f, a) => ({ refreshToken: a.user?.refreshToken ?? `${randomUUID()}.${'A'.repeat(43)}` }),
    expected: (a) => (a.user ? 200 : 401),
    restore: async (_f, a, res) => {
      if (a.user && res.status === 200) a.user.refreshToken = res.body.refreshToken;
    },
  },
  {
    action: 'POST /api/auth/logout',
    method: 'POST',
    public: true,
    path: () => '/api/auth/logout',
    body: (_f, a) => ({ refreshToken: a.spareRefresh ?? `${randomUUID()}.${'A'.repeat(43)}` }),
    expected: (a) => (a.user ? 204 : 401),
  },
  { action: 'GET /api/health', method: 'GET', public: true, path: () => '/api/health', expected: () => 200 },
  {
    action: 'GET /api/me',
    method: 'GET',
    path: () => '/api/me',
    expected: () => 200,
    check: (res, a) => res.body.id === a.user!.id && typeof res.body.calendarToken === 'string',
  },

  // two-factor sign-in and passkeys (issue 15 B): each account only ever reaches its own factors
  {
    action: 'GET /api/me/2fa',
    method: 'GET',
    path: () => '/api/me/2fa',
    expected: () => 200,
    check: (res) => res.body.totp === false && res.body.passkeys === 0,
  },
  {
    action: 'POST /api/me/2fa/totp',
    method: 'POST',
    path: () => '/api/me/2fa/totp',
    expected: () => 201,
    check: (res, a) => new URL(res.body.otpauthUrl).pathname.includes(encodeURIComponent(a.user!.email)),
  },
  {
    action: 'POST /api/me/2fa/totp/confirm',
    method: 'POST',
    path: () => '/api/me/2fa/totp/confirm',
    body: () => ({ code: 'zzzz-zzzz-zzzz-zzzz' }),
    expected: () => 400,
  },
  {
    action: 'DELETE /api/me/2fa',
    method: 'DELETE',
    path: () => '/api/me/2fa',
    body: () => ({ code: '000000' }),
    expected: () => 409,
  },
  {
    action: 'POST /api/auth/mfa',
    method: 'POST',
    public: true,
    path: () => '/api/auth/mfa',
    body: () => ({ mfaToken: `${randomUUID()}.${'A'.repeat(43)}`, code: '000000' }),
    expected: () => 401,
  },
  { action: 'GET /api/me/passkeys', method: 'GET', path: () => '/api/me/passkeys', expected: () => 200 },
  {
    action: 'POST /api/me/passkeys/options',
    method: 'POST',
    path: () => '/api/me/passkeys/options',
    expected: () => 200,
    check: (res, a) => res.body.user?.name === a.user!.email && typeof res.body.challenge === 'string',
  },
  {
    action: 'POST /api/me/passkeys',
    method: 'POST',
    path: () => '/api/me/passkeys',
    body: () => ({ response: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: {} } }),
    expected: () => 400,
  },
  {
    action: 'DELETE /api/me/passkeys/:id',
    method: 'DELETE',
    path: () => `/api/me/passkeys/${randomUUID()}`,
    expected: () => 404,
  },
  {
    action: 'POST /api/auth/passkey/options',
    method: 'POST',
    public: true,
    path: () => '/api/auth/passkey/options',
    expected: () => 200,
  },
  {
    action: 'POST /api/auth/passkey',
    method: 'POST',
    public: true,
    path: () => '/api/auth/passkey',
    body: () => ({ response: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: {} } }),
    expected: () => 401,
  },
  // account self-service (issue 15 A): one's own account only; nothing here names another account
  {
    action: 'PATCH /api/me',
    method: 'PATCH',
    path: () => '/api/me',
    body: () => ({}),
    expected: () => 200,
    check: (res, a) => res.body.id === a.user!.id,
  },
  {
    action: 'POST /api/me/password (wrong current password)',
    method: 'POST',
    path: () => '/api/me/password',
    body: () => ({ currentPassword: 'not-the-password', newPassword: 'matrix-new-password-1' }),
    expected: () => 400,
  },
  {
    action: 'GET /api/me/sessions',
    method: 'GET',
    path: () => '/api/me/sessions',
    expected: () => 200,
    check: (res) => res.body.filter((s: any) => s.current).length === 1,
  },
  {
    action: "DELETE /api/me/sessions/:someone else's",
    method: 'DELETE',
    path: (f) => `/api/me/sessions/${f.victimSession}`,
    expected: () => 404,
  },
  {
    action: 'POST /api/auth/password-reset',
    method: 'POST',
    public: true,
    path: () => '/api/auth/password-reset',
    body: () => ({ email: `nobody-${randomUUID().slice(0, 8)}@enlace.test` }),
    expected: () => 202,
  },
  {
    action: 'POST /api/auth/password-reset/confirm (forged token)',
    method: 'POST',
    public: true,
    path: () => '/api/auth/password-reset/confirm',
    body: () => ({ token: 'A'.repeat(43), newPassword: 'matrix-new-password-1' }),
    expected: () => 400,
  },
  // offboarding: staff, never oneself, staff accounts by an admin only
  ...(['disable', 'enable'] as const).flatMap((verb): RestCell[] => [
    {
      action: `POST /api/admin/users/:officer/${verb}`,
      method: 'POST',
      path: (f) => `/api/admin/users/${f.leaver.id}/${verb}`,
      expected: (a, f) =>
        allowed(() => accountPolicy.assertCanDisable(p(a), { id: f.leaver.id, roles: [] })) ? 200 : 403,
      restore: async (f, _a, res) => {
        if (res.status === 200 && verb === 'disable')
          await f.victim.http.as(adminToken).post(`/api/admin/users/${f.leaver.id}/enable`);
      },
    },
    {
      action: `POST /api/admin/users/:self/${verb}`,
      method: 'POST',
      path: (_f, a) => `/api/admin/users/${a.user?.id ?? randomUUID()}/${verb}`,
      expected: (a) => (allowed(() => accountPolicy.assertCanDisable(p(a), p(a))) ? 200 : 403),
    },
    {
      action: `POST /api/admin/users/:staff/${verb}`,
      method: 'POST',
      path: (f) => `/api/admin/users/${f.staffTarget.id}/${verb}`,
      expected: (a, f) =>
        allowed(() => accountPolicy.assertCanDisable(p(a), { id: f.staffTarget.id, roles: ['secretariat'] }))
          ? 200
          : 403,
      restore: async (f, _a, res) => {
        if (res.status === 200 && verb === 'disable')
          await f.victim.http.as(adminToken).post(`/api/admin/users/${f.staffTarget.id}/enable`);
      },
    },
  ]),

  // administration
  {
    action: 'GET /api/admin/users',
    method: 'GET',
    path: () => '/api/admin/users',
    expected: (a) => (allowed(() => accountPolicy.assertCanManageUsers(p(a))) ? 200 : 403),
    check: (res) => res.body.every((u: any) => !('calendarToken' in u)),
  },
  {
    action: 'POST /api/admin/users',
    method: 'POST',
    path: () => '/api/admin/users',
    body: () => ({
      email: `m-${randomUUID().slice(0, 8)}@enlace.test`,
      password: 'long-enough-password',
      displayName: 'Nueva',
      country: 'HN',
      locale: 'es',
      timezone: 'America/Tegucigalpa',
      memberships: [{ network: ST, role: 'officer' }],
    }),
    expected: (a) => (allowed(() => accountPolicy.assertCanManageUsers(p(a))) ? 201 : 403),
  },
  {
    action: 'PUT /api/admin/users/:observer/memberships',
    method: 'PUT',
    path: (f) => `/api/admin/users/${f.victim.id}/memberships`,
    body: () => ({ memberships: [{ network: ST, role: 'observer' }] }),
    expected: (a, f) =>
      allowed(() => accountPolicy.assertCanSetMemberships(p(a), { id: f.victim.id, roles: [] })) ? 200 : 403,
  },
  {
    action: 'PUT /api/admin/users/:self/memberships',
    method: 'PUT',
    path: (_f, a) => `/api/admin/users/${a.user?.id ?? randomUUID()}/memberships`,
    body: () => ({ memberships: [{ network: ST, role: 'officer' }] }),
    expected: (a) => (allowed(() => accountPolicy.assertCanSetMemberships(p(a), p(a))) ? 200 : 403),
  },
  {
    action: 'PUT /api/admin/users/:staff/memberships',
    method: 'PUT',
    path: (f) => `/api/admin/users/${f.staffTarget.id}/memberships`,
    body: () => ({ memberships: [{ network: ST, role: 'officer' }] }),
    expected: (a, f) =>
      allowed(() =>
        accountPolicy.assertCanSetMemberships(p(a), { id: f.staffTarget.id, roles: ['secretariat'] }),
      )
        ? 200
        : 403,
  },
  {
    action: 'GET /api/admin/audit',
    method: 'GET',
    path: () => '/api/admin/audit?limit=5',
    expected: (a) => (p(a).roles.includes('admin') ? 200 : 403),
  },
  {
    action: 'POST /api/admin/queues/session',
    method: 'POST',
    path: () => '/api/admin/queues/session',
    // this suite runs without Redis, where there is no queue board: an admin learns that (404), nobody else may ask
    expected: (a) => (allowed(() => queueBoardPolicy.assertCanOpen(p(a))) ? 404 : 403),
  },
  {
    action: 'GET /api/admin/retention',
    method: 'GET',
    path: () => '/api/admin/retention',
    expected: (a) => (allowed(() => retentionPolicy.assertCanRead(p(a))) ? 200 : 403),
  },
  {
    action: 'PUT /api/admin/presidency',
    method: 'PUT',
    path: () => '/api/admin/presidency',
    body: () => ({ country: PPT_COUNTRY, startsOn: utcDay(-1), endsOn: utcDay(60) }),
    expected: (a) => (allowed(() => accountPolicy.assertCanSetPresidency(p(a))) ? 200 : 403),
  },
  { action: 'GET /api/presidency', method: 'GET', path: () => '/api/presidency', expected: () => 200 },

  // networks and channels
  { action: 'GET /api/networks', method: 'GET', path: () => '/api/networks', expected: () => 200 },
  {
    action: 'GET /api/networks/:slug/channels',
    method: 'GET',
    path: () => `/api/networks/${ST}/channels`,
    expected: (a) => (inNetworkOrStaff(a) ? 200 : 403),
    check: (res, a, f) =>
      (['general', 'casesDefault', 'officers', 'private'] as ChannelKey[]).every(
        (k) => res.body.some((c: any) => c.id === f.channels[k]) === readsChannel(a, f, k),
      ),
  },
  {
    action: 'POST /api/networks/:slug/channels',
    method: 'POST',
    path: () => `/api/networks/${ST}/channels`,
    body: () => ({ name: `m-${randomUUID().slice(0, 8)}`, visibility: 'network' }),
    expected: (a, f) =>
      !inNetworkOrStaff(a) ? 403 : channelPolicy.canCreateChannel(p(a), f.networkIds[ST]) ? 201 : 403,
  },
  ...(
    ['general', 'casesDefault', 'officers', 'private', 'involvedThread', 'networkThread'] as ChannelKey[]
  ).flatMap((k): RestCell[] => [
    {
      action: `GET /api/channels/:${k}/messages`,
      method: 'GET',
      path: (f) => `/api/channels/${f.channels[k]}/messages`,
      expected: (a, f) => readOr404(readsChannel(a, f, k), 200),
    },
    {
      action: `POST /api/channels/:${k}/messages`,
      method: 'POST',
      path: (f) => `/api/channels/${f.channels[k]}/messages`,
      body: () => ({ body: 'matrix', clientMessageId: cid() }),
      expected: (a, f) => readOr404(readsChannel(a, f, k), 201),
    },
    {
      action: `POST /api/channels/:${k}/read`,
      method: 'POST',
      path: (f) => `/api/channels/${f.channels[k]}/read`,
      body: () => ({ seq: 0 }),
      expected: (a, f) => readOr404(readsChannel(a, f, k), 204),
    },
  ]),
  // attachments: uploads by whoever may post there; downloads by the readers of the message (unsent: the uploader)
  ...(
    ['general', 'casesDefault', 'officers', 'private', 'involvedThread', 'networkThread'] as ChannelKey[]
  ).map((k): RestCell => {
    const form = multipart('matrix.pdf', 'application/pdf', PDF);
    return {
      action: `POST /api/channels/:${k}/attachments`,
      method: 'POST',
      path: (f) => `/api/channels/${f.channels[k]}/attachments`,
      body: () => form.body.toString('latin1'),
      headers: () => ({ 'content-type': form.contentType }),
      expected: (a, f) => readOr404(attachmentPolicy.canUpload(p(a), channelFacts(f, k, a)), 201),
    };
  }),
  ...(
    [
      ['general', 'general', true],
      ['involved', 'involvedThread', true],
      ['unsent', 'general', false],
    ] as Array<['general' | 'involved' | 'unsent', ChannelKey, boolean]>
  ).map(([key, channel, sent]): RestCell => ({
    action: `GET /api/attachments/:${key}`,
    method: 'GET',
    path: (f) => `/api/attachments/${f.attachments[key]}`,
    expected: (a, f) =>
      attachmentPolicy.canDownload(p(a), {
        channel: channelFacts(f, channel, a),
        uploaderId: f.author.id,
        sent,
        gone: false,
      })
        ? 200
        : 404,
  })),
  {
    action: 'GET /api/channels/:private/members',
    method: 'GET',
    path: (f) => `/api/channels/${f.channels.private}/members`,
    expected: (a, f) => readOr404(readsChannel(a, f, 'private'), 200),
  },
  {
    action: 'POST /api/channels/:private/members',
    method: 'POST',
    path: (f) => `/api/channels/${f.channels.private}/members`,
    body: (f) => ({ userIds: [f.victim.id] }),
    expected: (a, f) =>
      !(readsChannel(a, f, 'private') || allowed(() => accountPolicy.assertCanManageUsers(p(a))))
        ? 404
        : channelPolicy.canManageMembers(p(a), f.privateCreator.id)
          ? 201
          : 403,
  },
  {
    action: 'DELETE /api/channels/:private/members/:userId',
    method: 'DELETE',
    path: (f) => `/api/channels/${f.channels.private}/members/${f.victim.id}`,
    expected: (a, f) =>
      !(readsChannel(a, f, 'private') || allowed(() => accountPolicy.assertCanManageUsers(p(a))))
        ? 404
        : channelPolicy.canManageMembers(p(a), f.privateCreator.id)
          ? 204
          : 403,
    restore: async (f, _a, res) => {
      if (res.status === 204)
        await f.privateCreator.http.post(`/api/channels/${f.channels.private}/members`, {
          userIds: [f.victim.id],
        });
    },
  },

  // messages
  {
    action: 'PATCH /api/messages/:id',
    method: 'PATCH',
    path: (f) => `/api/messages/${f.messages.general}`,
    body: () => ({ body: `edited ${randomUUID()}` }),
    expected: (a, f) => authorOnly(a, f, 'general'),
  },
  {
    action: 'DELETE /api/messages/:id',
    method: 'DELETE',
    path: (f) => `/api/messages/${f.messages.restDelete}`,
    expected: (a, f) => authorOnly(a, f, 'general'),
  },
  {
    action: 'GET /api/messages/:id/history',
    method: 'GET',
    path: (f) => `/api/messages/${f.messages.general}/history`,
    expected: (a, f) => authorOnly(a, f, 'general'),
  },
  {
    action: 'GET /api/messages/:id/history (case thread)',
    method: 'GET',
    path: (f) => `/api/messages/${f.messages.involved}/history`,
    expected: (a, f) => authorOnly(a, f, 'involvedThread'),
  },
  {
    action: 'POST /api/messages/:id/ack',
    method: 'POST',
    path: (f) => `/api/messages/${f.messages.ack}/ack`,
    expected: (a, f) => readOr404(readsChannel(a, f, 'general'), 204),
  },
  {
    action: 'GET /api/messages/:id/acks',
    method: 'GET',
    path: (f) => `/api/messages/${f.messages.ack}/acks`,
    expected: (a, f) => readOr404(readsChannel(a, f, 'general'), 200),
  },
  {
    action: 'GET /api/search',
    method: 'GET',
    path: () => `/api/search?q=zafiro&network=${ST}`,
    expected: () => 200,
    check: (res, a) => res.body.results.some((r: any) => r.type === 'case') === readsCase(a, 'involved'),
  },

  // cases
  {
    action: 'POST /api/networks/:slug/cases',
    method: 'POST',
    path: () => `/api/networks/${ST}/cases`,
    body: () => ({
      title: 'Caso de la matriz',
      type: 'undetermined',
      handling: 'involved',
      countries: [],
      summary: 'x',
    }),
    expected: (a, f) => (casePolicy.canOpen(p(a), f.networkIds[ST]) ? 201 : 403),
  },
  {
    action: 'GET /api/networks/:slug/cases',
    method: 'GET',
    path: () => `/api/networks/${ST}/cases`,
    expected: (a, f) => (casePolicy.canOpen(p(a), f.networkIds[ST]) ? 200 : 403),
    check: (res, a, f) =>
      res.body.some((c: any) => c.id === f.cases.involved.id) === readsCase(a, 'involved'),
  },
  ...(['involved', 'network'] as CaseKey[]).flatMap((k): RestCell[] => [
    {
      action: `GET /api/cases/:${k}`,
      method: 'GET',
      path: (f) => `/api/cases/${f.cases[k].id}`,
      expected: (a) => readOr404(readsCase(a, k), 200),
    },
    {
      action: `PATCH /api/cases/:${k} (assignees)`,
      method: 'PATCH',
      path: (f) => `/api/cases/${f.cases[k].id}`,
      body: () => ({ assignees: [] }),
      expected: (a) => readOr404(readsCase(a, k), 200),
    },
    {
      action: `GET /api/cases/:${k}/messages`,
      method: 'GET',
      path: (f) => `/api/cases/${f.cases[k].id}/messages`,
      expected: (a) => readOr404(readsCase(a, k), 200),
    },
    {
      action: `POST /api/cases/:${k}/messages`,
      method: 'POST',
      path: (f) => `/api/cases/${f.cases[k].id}/messages`,
      body: () => ({ body: 'matrix', clientMessageId: cid() }),
      expected: (a) => readOr404(readsCase(a, k), 201),
    },
  ]),
  {
    action: 'PATCH /api/cases/:network (handling)',
    method: 'PATCH',
    path: (f) => `/api/cases/${f.cases.network.id}`,
    body: () => ({ handling: 'involved' }),
    expected: (a) =>
      !readsCase(a, 'network')
        ? 404
        : casePolicy.canChangeAudience(p(a), { ...caseFacts.network, openerCountry })
          ? 200
          : 403,
    restore: async (f, a, res) => {
      if (res.status === 200)
        expect((await a.http.patch(`/api/cases/${f.cases.network.id}`, { handling: 'network' })).status).toBe(
          200,
        );
    },
  },

  // follow-up items, the board, responses, the Work Plan
  {
    action: 'POST /api/networks/:slug/follow-ups',
    method: 'POST',
    path: () => `/api/networks/${ST}/follow-ups`,
    body: () => ({ title: 'Matriz', dueAt: tomorrow(), countries: ['GT'] }),
    expected: (a) => (coordinates(a) ? 201 : 403),
  },
  {
    action: 'GET /api/networks/:slug/follow-ups/board',
    method: 'GET',
    path: () => `/api/networks/${ST}/follow-ups/board`,
    expected: (a) => (followUpReadable(a) ? 200 : 403),
  },
  {
    action: 'GET /api/networks/:slug/follow-ups/board?format=csv',
    method: 'GET',
    path: () => `/api/networks/${ST}/follow-ups/board?format=csv`,
    expected: (a) => (followUpReadable(a) ? 200 : 403),
  },
  {
    action: 'GET /api/follow-ups/:id',
    method: 'GET',
    path: (f) => `/api/follow-ups/${f.followUp}`,
    expected: (a) => readOr404(followUpReadable(a), 200),
  },
  {
    action: 'PATCH /api/follow-ups/:id',
    method: 'PATCH',
    path: (f) => `/api/follow-ups/${f.followUp}`,
    body: () => ({ title: `Matriz ${randomUUID().slice(0, 4)}` }),
    expected: (a) => readOr404(followUpReadable(a), coordinates(a) ? 200 : 403),
  },
  {
    action: 'POST /api/follow-ups/:id/responses',
    method: 'POST',
    path: (f) => `/api/follow-ups/${f.followUp}/responses`,
    body: () => ({ status: 'acknowledged' }),
    expected: (a) =>
      readOr404(
        followUpReadable(a),
        allowed(() =>
          followUpPolicy.assertCanRespond(p(a), {
            network: ST,
            assignments: [{ country: 'GT' }, { country: 'CR' }, { country: 'MX' }],
          }),
        )
          ? 200
          : 403,
      ),
  },
  {
    action: 'GET /api/networks/:slug/work-plan',
    method: 'GET',
    path: () => `/api/networks/${ST}/work-plan`,
    expected: (a) => (followUpReadable(a) ? 200 : 403),
  },
  {
    action: 'POST /api/networks/:slug/work-plan',
    method: 'POST',
    path: () => `/api/networks/${ST}/work-plan`,
    body: () => ({ title: 'Actividad', responsibleCountries: ['MX'], targetDate: utcDay(90) }),
    expected: (a) => (coordinates(a) ? 201 : 403),
  },
  {
    action: 'PATCH /api/work-plan/:id',
    method: 'PATCH',
    path: (f) => `/api/work-plan/${f.activity}`,
    body: () => ({ title: `Actividad ${randomUUID().slice(0, 4)}` }),
    expected: (a) => readOr404(followUpReadable(a), coordinates(a) ? 200 : 403),
  },
  // country sheets (the GT officer published GT's visa requirements in the fixtures)
  {
    action: 'GET /api/countries/:code/sheets',
    method: 'GET',
    path: () => '/api/countries/GT/sheets',
    expected: readsSheets,
    check: (res) => res.body.find((s: any) => s.topic === 'visa-requirements')?.version >= 1,
  },
  {
    action: 'GET /api/countries/:code/sheets/:topic',
    method: 'GET',
    path: () => '/api/countries/GT/sheets/visa-requirements?version=1',
    expected: readsSheets,
    check: (res) => res.body.version === 1 && !res.body.html.en.includes('<script'),
  },
  {
    action: 'GET /api/countries/:code/sheets/:topic/versions',
    method: 'GET',
    path: () => '/api/countries/GT/sheets/visa-requirements/versions',
    expected: readsSheets,
  },
  {
    action: 'PUT /api/countries/:code/sheets/:topic',
    method: 'PUT',
    path: () => '/api/countries/GT/sheets/visa-requirements',
    body: (_f, a) => ({ body: { en: `Passport (${a.role})`, es: `Pasaporte (${a.role})` } }),
    // only officers of that country; a caller who may not read the library at all is told that first
    expected: (a) => (readsSheets(a) === 403 ? 403 : sheetPolicy.canPublish(p(a), 'GT') ? 200 : 403),
  },
  {
    action: 'POST /api/sheets/preview',
    method: 'POST',
    path: () => '/api/sheets/preview',
    body: () => ({ body: { en: 'Intro **bold** <script>x</script>', es: '' } }),
    expected: (a) => (sheetPolicy.canPreview(p(a)) ? 200 : 403),
    check: (res) =>
      res.body.html.en.includes('<strong>bold</strong>') && !res.body.html.en.includes('<script'),
  },
  {
    action: 'GET /api/sheets',
    method: 'GET',
    path: () => '/api/sheets?topic=visa-requirements&staleAfter=P30D',
    expected: readsSheets,
    check: (res) => res.body.length === 11 && res.body.find((r: any) => r.country === 'GT').stale === false,
  },
];

// ---- the table: every client → server socket event ---------------------------------------------------------------

const okOr = (ok: boolean, code = 'NOT_FOUND') => (ok ? 'ok' : code);
const codeOf = (status: number) => ({ 200: 'ok', 403: 'FORBIDDEN', 404: 'NOT_FOUND' })[status as 200]!;

const SOCKET: SocketCell[] = [
  ...(['general', 'casesDefault', 'officers', 'private', 'involvedThread'] as ChannelKey[]).flatMap(
    (k): SocketCell[] => [
      {
        event: `message.send :${k}`,
        payload: (f) => ({ channelId: f.channels[k], body: 'matrix ws', clientMessageId: cid() }),
        expected: (a, f) => okOr(readsChannel(a, f, k)),
      },
      {
        event: `channel.read :${k}`,
        payload: (f) => ({ channelId: f.channels[k], seq: 0 }),
        expected: (a, f) => okOr(readsChannel(a, f, k)),
      },
      {
        event: `typing :${k}`,
        payload: (f) => ({ channelId: f.channels[k] }),
        expected: (a, f) => okOr(readsChannel(a, f, k)),
      },
    ],
  ),
  {
    event: 'message.edit',
    payload: (f) => ({ id: f.messages.general, body: `ws edit ${randomUUID()}` }),
    expected: (a, f) => codeOf(authorOnly(a, f, 'general')),
  },
  {
    event: 'message.edit (case thread)',
    payload: (f) => ({ id: f.messages.involved, body: `ws edit ${randomUUID()}` }),
    expected: (a, f) => codeOf(authorOnly(a, f, 'involvedThread')),
  },
  {
    event: 'message.delete',
    payload: (f) => ({ id: f.messages.socketDelete }),
    expected: (a, f) => codeOf(authorOnly(a, f, 'general')),
  },
  {
    event: 'message.ack',
    payload: (f) => ({ id: f.messages.ack }),
    expected: (a, f) => okOr(readsChannel(a, f, 'general')),
  },
  {
    event: 'sync',
    payload: (f) => ({ cursors: { [f.channels.involvedThread]: 0, [f.channels.general]: 0 } }),
    expected: () => 'ok',
    check: (data, a, f) =>
      data.unavailable.includes(f.channels.involvedThread) === !readsChannel(a, f, 'involvedThread') &&
      data.messages.some((m: any) => m.channelId === f.channels.involvedThread) ===
        readsChannel(a, f, 'involvedThread'),
  },
];

describe('the access matrix (role × resource × action, REST and socket), derived from the policies', () => {
  let app: TestApp;
  const actors = {} as Record<Role, Actor>;

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await loginAdmin(app.url);
    await setPresidency(admin, PPT_COUNTRY, utcDay(-1), utcDay(60));
    const users: Record<Exclude<Role, 'nobody'>, TestUser> = {
      officer: await officer(admin, 'GT'),
      otherCountry: await officer(admin, 'CR'),
      otherNetwork: await officer(admin, 'GT', [CP]),
      observerCountry: await createUser(admin, {
        country: 'CO',
        memberships: [{ network: ST, role: 'observer' }],
      }),
      observerOrg: await createUser(admin, {
        organization: 'IOM',
        memberships: [{ network: ST, role: 'observer' }],
      }),
      secretariat: await createUser(admin, { roles: ['secretariat'] }),
      admin: await createUser(admin, { roles: ['admin'] }),
      ppt: await officer(admin, PPT_COUNTRY),
    };
    actors.nobody = { role: 'nobody', http: new Http(app.url) };
    for (const [role, user] of Object.entries(users) as Array<[Exclude<Role, 'nobody'>, TestUser]>) {
      const me = (await user.http.get('/api/me')).body;
      actors[role] = {
        role,
        user,
        http: user.http,
        spareRefresh: (await login(app.url, user.email, user.password)).refreshToken,
        principal: { ...me, memberships: [] },
      };
    }
    const networks = (await admin.get('/api/admin/users')).body; // warm
    void networks;
    const gt = users.officer;
    const victim = await createUser(admin, {
      country: 'PE',
      memberships: [{ network: ST, role: 'observer' }],
    });
    const staffTarget = await createUser(admin, { roles: ['secretariat'], country: 'GT' });
    const leaver = await officer(admin, 'HN');
    adminToken = admin.token!;

    const listed = (await gt.http.get(`/api/networks/${ST}/channels`)).body as any[];
    const officersCh = await gt.http.post(`/api/networks/${ST}/channels`, {
      name: 'matrix-officers',
      visibility: 'officers',
    });
    const privateCh = await gt.http.post(`/api/networks/${ST}/channels`, {
      name: 'matrix-private',
      visibility: 'private',
      members: [users.otherCountry.id, victim.id],
    });
    const open = (handling: string, title: string) =>
      gt.http.post(`/api/networks/${ST}/cases`, {
        title,
        type: 'migrant-smuggling',
        handling,
        countries: ['GT'],
        summary: 'matrix',
      });
    const involved = (await open('involved', 'Ruta zafiro')).body;
    const network = (await open('network', 'Ruta abierta')).body;
    const general = listed.find((c) => c.name === 'general').id;
    const post = async (channelId: string, extra: object = {}) =>
      (
        await gt.http.post(`/api/channels/${channelId}/messages`, {
          body: 'matrix fixture',
          clientMessageId: cid(),
          ...extra,
        })
      ).body.id;
    const attach = async (channelId: string, send: boolean) => {
      const up = await upload(app.url, gt.token, channelId, 'matrix.pdf', 'application/pdf', PDF);
      expect(up.status).toBe(201);
      if (send) await post(channelId, { attachmentIds: [up.body.id] });
      return up.body.id as string;
    };
    const followUp = await users.ppt.http.post(`/api/networks/${ST}/follow-ups`, {
      title: 'Matriz',
      dueAt: tomorrow(),
      countries: ['GT', 'CR', 'MX'],
    });
    const activity = await users.ppt.http.post(`/api/networks/${ST}/work-plan`, {
      title: 'Actividad',
      responsibleCountries: ['MX'],
      targetDate: utcDay(90),
    });
    const sheet = await gt.http.put('/api/countries/GT/sheets/visa-requirements', {
      body: { en: 'Passport <script>alert(1)</script>', es: 'Pasaporte' },
    });
    expect([officersCh.status, privateCh.status, followUp.status, activity.status, sheet.status]).toEqual([
      201, 201, 201, 201, 200,
    ]);
    fixtures = {
      networkIds: {},
      channels: {
        general,
        casesDefault: listed.find((c) => c.name === 'cases').id,
        officers: officersCh.body.id,
        private: privateCh.body.id,
        involvedThread: involved.channelId,
        networkThread: network.channelId,
      },
      cases: {
        involved: { id: involved.id, channelId: involved.channelId },
        network: { id: network.id, channelId: network.channelId },
      },
      messages: {
        general: await post(general),
        ack: await post(general, { requestAck: true }),
        restDelete: await post(general),
        socketDelete: await post(general),
        involved: await post(involved.channelId),
      },
      attachments: {
        general: await attach(general, true),
        involved: await attach(involved.channelId, true),
        unsent: await attach(general, false),
      },
      followUp: followUp.body.id,
      activity: activity.body.id,
      victim,
      staffTarget,
      leaver,
      victimSession: (await victim.http.get('/api/me/sessions')).body[0].id,
      author: gt,
      privateCreator: gt,
      privateMembers: [gt.id, users.otherCountry.id, victim.id],
    };
    // Network ids as the policies see them (memberships carry both the slug and the id).
    const { DataSource } = await import('typeorm');
    const rows: Array<{ id: string; slug: string }> = await app.runtime.app
      .get(DataSource)
      .query(`SELECT id, slug FROM networks`);
    fixtures.networkIds = Object.fromEntries(rows.map((r) => [r.slug, r.id]));
    for (const a of Object.values(actors)) {
      if (!a.principal) continue;
      const me = (await a.http.get('/api/me')).body;
      a.principal.memberships = me.memberships.map((m: any) => ({
        ...m,
        networkId: fixtures.networkIds[m.network],
      }));
    }
    caseFacts = {
      involved: { networkId: fixtures.networkIds[ST], handling: 'involved', countries: ['GT'] },
      network: { networkId: fixtures.networkIds[ST], handling: 'network', countries: ['GT'] },
    };
    openerCountry = 'GT';
    for (const a of Object.values(actors)) if (a.user) a.socket = await connect(app.url, a.user.token);
  });

  afterAll(async () => {
    for (const a of Object.values(actors)) a.socket?.close();
    await app?.close();
  });

  it(`REST: ${REST.length} routes × ${ROLES.length} roles, every cell as the policies say`, async () => {
    const wrong: string[] = [];
    let cells = 0;
    for (const cell of REST) {
      for (const role of ROLES) {
        const a = actors[role];
        const expected = !a.user && !cell.public ? 401 : cell.expected(a, fixtures);
        const res = await a.http.request(
          cell.method,
          cell.path(fixtures, a),
          cell.body?.(fixtures, a),
          cell.headers?.(),
        );
        cells++;
        const checked = res.status < 300 && cell.check && a.user ? cell.check(res, a, fixtures) : true;
        if (res.status !== expected || !checked)
          wrong.push(
            `${cell.action} as ${role}: expected ${expected}, got ${res.status}${checked ? '' : ' (content check failed)'} ${res.status !== expected ? res.text.slice(0, 160) : ''}`,
          );
        if (expected >= 400 && res.status === expected && res.body?.error?.code === undefined)
          wrong.push(`${cell.action} as ${role}: error without the API.md body`);
        await cell.restore?.(fixtures, a, res);
      }
    }
    expect(wrong).toEqual([]);
    expect(cells).toBe(REST.length * ROLES.length);
  });

  it('7 · on a plain-http PUBLIC_URL: security headers without HSTS or request upgrades', async () => {
    const me = await actors.officer.http.get('/api/me');
    expect(me.headers.get('x-content-type-options')).toBe('nosniff');
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.headers.get('strict-transport-security')).toBeNull();
    expect(me.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  });

  it(`socket: ${SOCKET.length} client events × ${ROLES.length} roles, every ack as the policies say`, async () => {
    const wrong: string[] = [];
    const refused = await connect(app.url, undefined).then(
      (s) => (s.close(), 'connected'),
      (e: Error) => e.message,
    );
    for (const cell of SOCKET) {
      for (const role of ROLES) {
        const a = actors[role];
        if (!a.socket) {
          if (refused !== 'UNAUTHORIZED') wrong.push(`${cell.event} as nobody: connect gave ${refused}`);
          continue;
        }
        const expected = cell.expected(a, fixtures);
        const ack = await call(a.socket, cell.event.split(' ')[0], cell.payload(fixtures, a));
        const got = ack.ok ? 'ok' : ack.error!.code;
        const checked = ack.ok && cell.check ? cell.check(ack.data, a, fixtures) : true;
        if (got !== expected || !checked)
          wrong.push(
            `${cell.event} as ${role}: expected ${expected}, got ${got}${checked ? '' : ' (content check failed)'}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });
});
