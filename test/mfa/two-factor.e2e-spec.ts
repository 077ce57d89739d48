import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ManualClock } from '#config';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { createUser, loginAdmin, type TestUser } from '../factories/users.js';
import { connect } from '../messaging/support.js';
import { totpAt } from './totp.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';

/**
 * Issue 15 part B, through the API of one service on real PostgreSQL, with MFA_REQUIRED=officers: TOTP enrolment,
 * sign-in with codes computed here from the secret (RFC 6238, see totp.ts), recovery codes used once, five wrong
 * codes ending an mfaToken, the per-account throttle, the audit trail, turning it off, and who may call what.
 */
describe('two-factor sign-in (TOTP, recovery codes) and MFA_REQUIRED', () => {
  let app: TestApp;
  let clock: ManualClock;
  let anon: Http;
  let officer: TestUser;
  let observer: TestUser;
  let secret: string;
  let recoveryCodes: string[];

  const code = (offsetSteps = 0) => totpAt(secret, clock.now().getTime() + offsetSteps * 30_000);
  const passwordStep = async (u: TestUser = officer) => {
    const res = await anon.post('/api/auth/login', { email: u.email, password: u.password });
    expect(res.status).toBe(200);
    return res.body as { mfaRequired?: boolean; mfaToken: string; accessToken?: string; methods?: string[] };
  };
  const audit = async (action: string) =>
    (await (await loginAdmin(app.url)).get(`/api/admin/audit?action=${action}&limit=100`)).body as Array<{
      targetId: string;
    }>;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-11-29T12:00:10Z'));
    app = await startTestApp({
      clock,
      env: { MFA_REQUIRED: 'officers', PUBLIC_URL: 'https://enlace.example.org' },
    });
    anon = new Http(app.url);
    const admin = await loginAdmin(app.url);
    officer = await createUser(admin, { country: 'GT', memberships: [{ network: ST, role: 'officer' }] });
    observer = await createUser(admin, {
      organization: 'IOM',
      memberships: [{ network: ST, role: 'observer' }],
    });
  });
  afterAll(() => app?.close());

  it('refuses every two-factor route to nobody (401) and bad input (400) without changing anything', async () => {
    for (const [method, path] of [
      ['POST', '/api/me/2fa/totp'],
      ['POST', '/api/me/2fa/totp/confirm'],
      ['DELETE', '/api/me/2fa'],
      ['GET', '/api/me/passkeys'],
      ['POST', '/api/me/passkeys/options'],
      ['POST', '/api/me/passkeys'],
      ['DELETE', `/api/me/passkeys/${randomUUID()}`],
    ] as const) {
      const res = await anon.request(method, path, method === 'GET' ? undefined : { code: '123456' });
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
    const bad = [
      await officer.http.post('/api/me/2fa/totp/confirm', { code: '123456', extra: 1 }),
      await officer.http.post('/api/me/2fa/totp/confirm', {}),
      await anon.post('/api/auth/mfa', { mfaToken: 'x' }),
      await officer.http.post('/api/me/passkeys', { response: 'not an object' }),
    ];
    for (const res of bad) expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await officer.http.request('DELETE', '/api/me/passkeys/not-a-uuid')).status).toBe(400);
    // nothing was started: confirming now is a conflict, not a success
    expect((await officer.http.post('/api/me/2fa/totp/confirm', { code: '123456' })).body.error.code).toBe(
      'TOTP_NOT_STARTED',
    );
    // someone else's (or an unknown) passkey is not found
    expect((await officer.http.request('DELETE', `/api/me/passkeys/${randomUUID()}`)).status).toBe(404);
    // a made-up mfaToken and a forged passkey assertion sign nobody in
    expect(
      (await anon.post('/api/auth/mfa', { mfaToken: `${randomUUID()}.${'a'.repeat(43)}`, code: '123456' }))
        .body.error.code,
    ).toBe('INVALID_TOKEN');
    const forged = await anon.post('/api/auth/passkey', {
      response: { id: 'abc', rawId: 'abc', response: {}, type: 'public-key' },
    });
    expect([forged.status, forged.body.error.code]).toEqual([401, 'PASSKEY_REJECTED']);
  });

  it('MFA_REQUIRED=officers: an officer without a second factor gets 403 on case routes and sockets, not on /api/me', async () => {
    const cases = await officer.http.get(`/api/networks/${ST}/cases`);
    expect([cases.status, cases.body.error.code]).toEqual([403, 'MFA_ENROLMENT_REQUIRED']);
    expect((await officer.http.get('/api/networks')).status).toBe(403);
    expect((await officer.http.get('/api/me')).status).toBe(200);
    expect((await officer.http.get('/api/me/passkeys')).body).toEqual([]);
    await expect(connect(app.url, officer.token)).rejects.toThrow('MFA_ENROLMENT_REQUIRED');
    // an observer is not covered by `officers`
    expect((await observer.http.get('/api/networks')).status).toBe(200);
  });

  it('enrols: a secret and otpauth URL, inactive until a right code confirms it; then ten recovery codes', async () => {
    const res = await officer.http.post('/api/me/2fa/totp');
    expect(res.status).toBe(201);
    secret = res.body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(res.body.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Enlace');
    // the secret is encrypted at rest
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    const [row] = (await db.query('SELECT secret_encrypted FROM mfa_totp WHERE user_id = $1', [officer.id]))
      .rows;
    await db.end();
    expect(row.secret_encrypted).not.toContain(secret);
    // not active yet: password alone still signs in, and case routes stay closed
    expect((await passwordStep()).accessToken).toEqual(expect.any(String));
    expect((await officer.http.get(`/api/networks/${ST}/cases`)).status).toBe(403);

    // a wrong code on a signed-in route is 400 (a 401 would mean the session ended)
    const wrong = await officer.http.post('/api/me/2fa/totp/confirm', { code: code(5) });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'INVALID_CODE']);
    const ok = await officer.http.post('/api/me/2fa/totp/confirm', { code: code() });
    expect(ok.status).toBe(200);
    recoveryCodes = ok.body.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // enrolled: the same access token now reaches case routes and the socket
    expect((await officer.http.get(`/api/networks/${ST}/cases`)).status).toBe(200);
    (await connect(app.url, officer.token)).close();
    expect((await officer.http.post('/api/me/2fa/totp')).body.error.code).toBe('TOTP_ALREADY_ENABLED');
  });

  it('sign-in then needs a code: wrong → 401 INVALID_CODE, a used step refused, a fresh code gives the pair', async () => {
    const first = await passwordStep();
    expect(first).toEqual({
      mfaRequired: true,
      mfaToken: expect.any(String),
      methods: ['totp', 'recovery-code'],
    });
    expect(first.accessToken).toBeUndefined();
    const wrong = await anon.post('/api/auth/mfa', { mfaToken: first.mfaToken, code: code(4) });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'INVALID_CODE']);
    // the code of the confirmation's step was used already
    expect((await anon.post('/api/auth/mfa', { mfaToken: first.mfaToken, code: code() })).status).toBe(401);
    clock.advance(30_000);
    const ok = await anon.post('/api/auth/mfa', { mfaToken: first.mfaToken, code: code() });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(ok.body.user.id).toBe(officer.id);
    expect((await anon.as(ok.body.accessToken).get(`/api/networks/${ST}/cases`)).status).toBe(200);
    // the mfaToken is spent, and the same code does not open a second sign-in
    expect((await anon.post('/api/auth/mfa', { mfaToken: first.mfaToken, code: code() })).status).toBe(401);
    const second = await passwordStep();
    expect(
      (await anon.post('/api/auth/mfa', { mfaToken: second.mfaToken, code: code() })).body.error.code,
    ).toBe('INVALID_CODE');
  });

  it('a recovery code works once, whatever its case and dashes', async () => {
    const typed = recoveryCodes[3].toUpperCase().replace(/-/g, ' ');
    const ok = await anon.post('/api/auth/mfa', { mfaToken: (await passwordStep()).mfaToken, code: typed });
    expect(ok.status).toBe(200);
    const again = await anon.post('/api/auth/mfa', {
      mfaToken: (await passwordStep()).mfaToken,
      code: recoveryCodes[3],
    });
    expect([again.status, again.body.error.code]).toEqual([401, 'INVALID_CODE']);
    expect((await audit('auth.mfa.recovery-code-used')).some((e) => e.targetId === officer.id)).toBe(true);
  });

  it('five wrong codes end the mfaToken, in parallel too; ten in 15 minutes pause the account', async () => {
    const { mfaToken } = await passwordStep();
    const wrong = await Promise.all(
      Array.from({ length: 8 }, (_, i) => anon.post('/api/auth/mfa', { mfaToken, code: code(10 + i) })),
    );
    // at most five codes were checked; the rest found the token ended
    expect(wrong.filter((r) => r.body.error.code === 'INVALID_CODE')).toHaveLength(5);
    expect(wrong.filter((r) => r.body.error.code === 'INVALID_TOKEN')).toHaveLength(3);
    clock.advance(30_000);
    const late = await anon.post('/api/auth/mfa', { mfaToken, code: code() });
    expect([late.status, late.body.error.code]).toEqual([401, 'INVALID_TOKEN']);
    // wrong codes so far: 1 + 1 + 1 (previous tests) + 5 = 8; two more pause new sign-ins
    const { mfaToken: another } = await passwordStep();
    for (const i of [20, 21]) await anon.post('/api/auth/mfa', { mfaToken: another, code: code(i) });
    const paused = await anon.post('/api/auth/login', { email: officer.email, password: officer.password });
    expect([paused.status, paused.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(paused.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(16 * 60_000);
    const after = await passwordStep();
    expect(after.mfaRequired).toBe(true);
    // access tokens of 15 minutes ended meanwhile: the officer signs in again for what follows
    const again = await anon.post('/api/auth/mfa', { mfaToken: after.mfaToken, code: code() });
    expect(again.status).toBe(200);
    officer.http = anon.as(again.body.accessToken);
    const failures = await audit('auth.mfa.failed');
    expect(failures.filter((e) => e.targetId === officer.id).length).toBeGreaterThanOrEqual(10);
    expect((await audit('mfa.totp.enabled')).map((e) => e.targetId)).toContain(officer.id);
  });

  it('turning it off takes a current code; then a password alone signs in, and MFA_REQUIRED applies again', async () => {
    const wrong = await officer.http.request('DELETE', '/api/me/2fa', { code: code(7) });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'INVALID_CODE']);
    clock.advance(30_000);
    expect((await officer.http.request('DELETE', '/api/me/2fa', { code: code() })).status).toBe(204);
    expect((await audit('mfa.totp.disabled')).map((e) => e.targetId)).toContain(officer.id);
    expect((await passwordStep()).accessToken).toEqual(expect.any(String));
    expect((await officer.http.get(`/api/networks/${ST}/cases`)).body.error.code).toBe(
      'MFA_ENROLMENT_REQUIRED',
    );
    expect((await officer.http.request('DELETE', '/api/me/2fa', { code: code() })).body.error.code).toBe(
      'TWO_FACTOR_NOT_ENABLED',
    );
  });

  it('passkey options: the relying party is the PUBLIC_URL host; sign-in asks for a discoverable credential', async () => {
    const reg = await officer.http.post('/api/me/passkeys/options');
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({
      rp: { id: 'enlace.example.org', name: 'Enlace' },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      challenge: expect.any(String),
    });
    const auth = await anon.post('/api/auth/passkey/options');
    expect(auth.status).toBe(200);
    expect(auth.body.allowCredentials ?? []).toEqual([]);
    expect(auth.body.challenge).not.toBe(reg.body.challenge);
  });
});
