import { jest } from '@jest/globals';
import type { TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { createUser, login, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { resetMailsTo } from '../accounts/support.js';
import { checkScreen, openBrowser, signIn, startWebApp, type TestBrowser } from './browser.js';

jest.setTimeout(150_000);

const ST = 'smuggling-trafficking';

/**
 * The account screens in a browser, as a person uses them: My account (profile, password, sessions), the reset pages
 * reached from the email (read from the SMTP peer), and disable/enable in administration.
 */
describe('web client: my account, password reset, offboarding', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  let admin: Http;
  let gt: TestUser;
  let browser: TestBrowser;
  const violations: string[] = [];

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startWebApp({ SMTP_URL: smtp.url });
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', [ST], { displayName: 'Gabriela Torres' });
    browser = await openBrowser();
  });

  afterAll(async () => {
    if (browser?.errors.length) console.log(`browser errors:\n${browser.errors.join('\n')}`);
    await browser?.close();
    await app?.close();
    await smtp?.close();
  });

  it('saves the profile; the language chosen stays after a reload, also from the menu', async () => {
    const { page } = browser;
    await signIn(page, app.url, gt);
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'My account' })
      .click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    const main = page.getByRole('main');
    await main.getByLabel('Name').fill('Gabriela Torres Pérez');
    await main.getByLabel('Language').selectOption('es');
    await main.getByLabel('Time zone').fill('America/Mexico_City');
    violations.push(...(await checkScreen(page, 'account')));
    await main.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Su perfil está guardado.').waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Mi cuenta', level: 1 }).waitFor();
    expect(await page.getByRole('main').getByLabel('Nombre').inputValue()).toBe('Gabriela Torres Pérez');
    expect((await gt.http.get('/api/me')).body).toMatchObject({
      displayName: 'Gabriela Torres Pérez',
      locale: 'es',
      timezone: 'America/Mexico_City',
    });

    // the language menu of the header saves to the account too: a new browser signs in in that language
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH',
    );
    await page.getByRole('banner').getByLabel('Idioma').selectOption('en');
    expect((await saved).status()).toBe(200);
    expect((await gt.http.get('/api/me')).body.locale).toBe('en');
    const other = await openBrowser({ locale: 'es-ES' });
    try {
      await signIn(other.page, app.url, gt, '/account');
      await other.page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    } finally {
      await other.close();
    }
  });

  it('lists sessions with "this device", signs another one out, and changes the password', async () => {
    const { page } = browser;
    const phone = await login(app.url, gt.email, gt.password);
    await page.goto(`${app.url}/account`);
    const sessions = page.getByTestId('sessions');
    await sessions.getByText('this device').waitFor();
    const others = sessions.getByRole('button', { name: /Sign out the session of/ });
    const before = await others.count();
    expect(before).toBeGreaterThanOrEqual(2);
    await others.first().click();
    await page.getByText('That session has ended.').waitFor();
    expect(await others.count()).toBe(before - 1);

    const main = page.getByRole('main');
    await main.getByLabel('Current password').fill(gt.password);
    await main.getByLabel('New password (12 characters or more)').fill('browser-password-2026');
    await main.getByLabel('New password again').fill('browser-password-2026');
    await main.getByRole('button', { name: 'Change the password' }).click();
    await page.getByText('Your password is changed.', { exact: false }).waitFor();
    gt.password = 'browser-password-2026';
    // every other session ended; this tab stays signed in, also after a reload
    expect((await new Http(app.url, phone.accessToken).get('/api/me')).status).toBe(401);
    await page.reload();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    expect(await sessions.getByRole('button', { name: /Sign out the session of/ }).count()).toBe(0);
  });

  it('resets a forgotten password through the link of the email, once', async () => {
    const other = await openBrowser();
    try {
      const { page } = other;
      await page.goto(`${app.url}/sign-in`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await page.getByLabel('Email').fill(gt.email);
      violations.push(...(await checkScreen(page, 'forgot-password')));
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByText(`If ${gt.email} has an account`, { exact: false }).waitFor();
      await smtp.waitFor(() => resetMailsTo(smtp, gt.email).length === 1, 'the reset email');
      const link = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(
        resetMailsTo(smtp, gt.email)[0].parsed.text ?? '',
      )![0];
      expect(link.startsWith(app.url)).toBe(true);

      await page.goto(link);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      expect(page.url()).toBe(`${app.url}/reset-password`);
      await page.getByLabel('New password (12 characters or more)').fill('reset-in-browser-1');
      await page.getByLabel('New password again').fill('reset-in-browser-1');
      violations.push(...(await checkScreen(page, 'reset-password')));
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByText('Your password is set.', { exact: false }).waitFor();
      gt.password = 'reset-in-browser-1';

      // the same link again: refused, with a way to ask for a new one
      await page.goto(link);
      await page.getByLabel('New password (12 characters or more)').fill('reset-in-browser-2');
      await page.getByLabel('New password again').fill('reset-in-browser-2');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
      await signIn(page, app.url, gt);
    } finally {
      await other.close();
    }
  });

  it('the administration disables an account after a confirmation, and enables it again', async () => {
    const leaver = await officer(admin, 'MX', [ST], { displayName: 'Mario Leyva' });
    const staff = await createUser(admin, { roles: ['secretariat'], displayName: 'Sara Secretaría' });
    const other = await openBrowser();
    try {
      const { page } = other;
      await signIn(page, app.url, staff, '/admin');
      await page.getByRole('heading', { name: 'Users and memberships' }).waitFor();
      const row = page.getByRole('row', { name: /Mario Leyva/ });
      await row.getByRole('button', { name: /Disable the account of Mario Leyva/ }).click();
      await row.getByText('Their sessions end at once', { exact: false }).waitFor();
      violations.push(...(await checkScreen(page, 'admin-offboarding')));
      await row.getByRole('button', { name: 'Confirm' }).click();
      await row.getByText('Disabled since', { exact: false }).waitFor();
      expect((await leaver.http.get('/api/me')).status).toBe(401);
      // a staff account is not offered to the secretariat, nor their own
      expect(
        await page
          .getByRole('row', { name: /Sara Secretaría/ })
          .getByRole('button', { name: /Disable the account/ })
          .count(),
      ).toBe(0);

      const signInPage = await other.context.newPage();
      await signInPage.goto(`${app.url}/sign-in`);
      await signInPage.getByLabel('Email').fill(leaver.email);
      await signInPage.getByLabel('Password').fill(leaver.password);
      await signInPage.getByRole('button', { name: 'Sign in' }).click();
      await signInPage.getByText('This account is disabled.', { exact: false }).waitFor();
      await signInPage.close();

      await row.getByRole('button', { name: /Enable the account of Mario Leyva/ }).click();
      await row.getByRole('button', { name: 'Confirm' }).click();
      await row.getByText('Active', { exact: true }).waitFor();
      expect(
        (await new Http(app.url).post('/api/auth/login', { email: leaver.email, password: leaver.password }))
          .status,
      ).toBe(200);
    } finally {
      other.errors.splice(0); // the refused sign-in of the disabled account is a 401 by design
      await other.close();
    }
  });

  it('no serious or critical accessibility violation on the account screens (desktop and 360 px)', () => {
    expect(violations).toEqual([]);
  });
});
