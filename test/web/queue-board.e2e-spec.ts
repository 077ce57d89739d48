import { jest } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN } from '../support/env.js';
import { freePort } from '../support/process.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { checkScreen, openBrowser, signIn, type TestBrowser } from './browser.js';

jest.setTimeout(120_000);

/** An admin opens the queue board from the administration screen; nobody else gets in. */
describe('web client: the queue board', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let staff: TestUser;
  let gt: TestUser;

  beforeAll(async () => {
    const port = await freePort();
    app = await startTestApp({
      redis: true,
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
    });
    const admin = await loginAdmin(app.url);
    staff = await createUser(admin, { roles: ['secretariat'] });
    gt = await officer(admin, 'GT');
  });

  afterEach(async () => {
    if (browser?.errors.length) console.log(`browser errors:\n${browser.errors.join('\n')}`);
    await browser?.close();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('an admin opens it from Administration and sees the queues, read-only', async () => {
    browser = await openBrowser();
    const { page } = browser;
    await signIn(page, app.url, ADMIN);
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Administration', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Job queues' }).waitFor();
    expect(await checkScreen(page, 'admin-queues')).toEqual([]);
    await page.getByRole('button', { name: 'Open the queue board' }).click();
    await page.waitForURL(/\/admin\/queues/);
    await page.getByText('missed-messages').first().waitFor();
    await page.getByText('follow-up-reminders').first().waitFor();
    // bull-board's page links a web font from elsewhere: the board's CSP refuses it in a real browser (this one
    // bypasses CSP so that axe can be injected), and here it cannot resolve; nothing else may have failed
    expect(browser.errors.filter((e) => !e.includes('ERR_NAME_NOT_RESOLVED'))).toEqual([]);
    browser.errors.length = 0;
  });

  it('the Technical Secretariat sees no way in, and an officer who types the address is refused', async () => {
    browser = await openBrowser();
    const { page } = browser;
    await signIn(page, app.url, staff);
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Administration', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Users and memberships' }).waitFor();
    expect(await page.getByRole('button', { name: 'Open the queue board' }).count()).toBe(0);
    await browser.close();

    browser = await openBrowser();
    await signIn(browser.page, app.url, gt);
    const res = await browser.page.goto(`${app.url}/admin/queues`);
    expect(res?.status()).toBe(401);
    expect(await browser.page.content()).toContain('UNAUTHORIZED');
    browser.errors.length = 0; // the 401 above is the point
  });
});
