import { jest } from '@jest/globals';
import type { ManualClock } from '#config';
import type { TestApp } from '../support/app.js';
import { startTestApp } from '../support/app.js';
import type { Http } from '../support/http.js';
import { freePort } from '../support/process.js';
import { loginAdmin, officer } from '../factories/users.js';
import { totpAt } from '../mfa/totp.js';
import { checkScreen, openBrowser, signIn, type TestBrowser } from './browser.js';

jest.setTimeout(150_000);

const ST = 'smuggling-trafficking';

/**
 * Two-factor sign-in as a person meets it, with MFA_REQUIRED=officers: sent to the security screen, an authenticator
 * app enrolled from the QR code's secret (codes computed here, RFC 6238), recovery codes shown once, then the code
 * step at sign-in; and a passkey registered and used to sign in through Chromium's virtual authenticator (the
 * DevTools WebAuthn domain). The service answers on `localhost`, the relying party ID passkeys need.
 */
describe('web client: two-factor sign-in and passkeys', () => {
  let app: TestApp;
  let base: string;
  let admin: Http;
  let clock: ManualClock;
  const browsers: TestBrowser[] = [];
  const violations: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    app = await startTestApp({ env: { PORT: String(port), PUBLIC_URL: base, MFA_REQUIRED: 'officers' } });
    clock = app.clock as ManualClock;
    admin = await loginAdmin(app.url);
  });

  afterAll(async () => {
    for (const b of browsers) if (b.errors.length) console.log(`browser errors:\n${b.errors.join('\n')}`);
    await Promise.all(browsers.map((b) => b.close()));
    await app?.close();
  });

  const open = async () => {
    const b = await openBrowser();
    browsers.push(b);
    return b;
  };

  it('enrols an authenticator app from the QR screen, then signs in with a computed code', async () => {
    const gt = await officer(admin, 'GT', [ST]);
    const { page } = await open();
    await signIn(page, base, gt);
    // MFA_REQUIRED: the first API answer (403 MFA_ENROLMENT_REQUIRED) sends the officer to the security screen
    await page.waitForURL(/\/settings\/security/);
    await page.getByRole('alert').filter({ hasText: 'requires two-factor sign-in' }).waitFor();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code to add Enlace to an authenticator app' }).waitFor();
    violations.push(...(await checkScreen(page, 'security-totp-qr')));
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    await page.getByLabel('Code from the app').fill(totpAt(secret, clock.now()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    // enrolled: the notice that sent the officer here is gone
    expect(await page.getByText('requires two-factor sign-in').count()).toBe(0);
    violations.push(...(await checkScreen(page, 'security-recovery-codes')));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('enlace-recovery-codes.txt');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Two-factor sign-in is on. 10 recovery codes left.').waitFor();
    // enrolled: case routes open
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Cases', exact: true })
      .click();
    await page.waitForURL(/\/cases$/);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(page.url()).not.toContain('/settings/security');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(gt.email);
    await page.getByLabel('Password').fill(gt.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const codeField = page.getByLabel('Verification code');
    await codeField.waitFor();
    violations.push(...(await checkScreen(page, 'sign-in-code')));
    await codeField.fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
    clock.advance(30_000);
    await codeField.fill(totpAt(secret, clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
    await page.getByText(`Signed in as ${(await gt.http.get('/api/me')).body.displayName}`).waitFor();
  });

  it('registers a passkey with the virtual authenticator and signs in with it alone', async () => {
    const mx = await officer(admin, 'MX', [ST]);
    const { context, page } = await open();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await signIn(page, base, mx);
    await page.waitForURL(/\/settings\/security/);
    await page.getByLabel('Name of the new passkey (optional)').fill('Office laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('The passkey was added.').waitFor();
    await page.getByText('Office laptop').waitFor();
    violations.push(...(await checkScreen(page, 'security-passkeys')));
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0].isResidentCredential).toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByText('Or sign in with a passkey, without a password').waitFor();
    // a password alone no longer signs this account in: the second step is the passkey
    await page.getByLabel('Email').fill(mx.email);
    await page.getByLabel('Password').fill(mx.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('This account signs in with a passkey').waitFor();
    expect(await page.getByText('Or sign in with a passkey').count()).toBe(0);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Cases', exact: true })
      .click();
    await page.waitForURL(/\/cases$/);
    const signIns = (await (await loginAdmin(app.url)).get('/api/admin/audit?action=auth.login&limit=20'))
      .body;
    expect(signIns.some((e: any) => e.targetId === mx.id && e.details?.method === 'passkey')).toBe(true);
    // the counter moved forward with the sign-in
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.credentials[0].signCount).toBeGreaterThan(0);

    // removing it: the list is empty again and MFA_REQUIRED applies once more
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Security', exact: true })
      .click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Remove the passkey Office laptop' }).click();
    await page.getByText('No passkeys yet.').waitFor();
    expect(violations).toEqual([]);
  });
});
