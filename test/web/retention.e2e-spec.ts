import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { RetentionService } from '#domain';
import type { TestApp } from '../support/app.js';
import { ADMIN } from '../support/env.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { checkScreen, openBrowser, signIn, startWebApp, type TestBrowser } from './browser.js';

jest.setTimeout(120_000);

/** The data retention screen (admins): the periods in force in the reader's language and the last purge. */
describe('web client: data retention', () => {
  let app: TestApp;
  let gt: TestUser;
  let browser: TestBrowser;
  const violations: string[] = [];

  beforeAll(async () => {
    app = await startWebApp({
      RETENTION_MESSAGES: 'smuggling-trafficking:P2Y',
      RETENTION_CASES: 'P5Y',
      RETENTION_AUDIT: 'P7Y',
    });
    const admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', ['smuggling-trafficking']);
    const channels = (await gt.http.get('/api/networks/smuggling-trafficking/channels')).body;
    const general = channels.find((c: any) => c.name === 'general').id;
    for (const body of ['one', 'two']) {
      await gt.http.post(`/api/channels/${general}/messages`, { body, clientMessageId: randomUUID() });
    }
    // a purge as if run three years from now: both messages are past the two-year period
    const later = new Date(Date.now() + 3 * 366 * 24 * 3600 * 1000);
    const summary = await app.runtime.app
      .get(RetentionService)
      .purge({ actorId: null, ip: null, requestId: 'test' }, later);
    expect(summary.messages).toEqual({ 'smuggling-trafficking': 2 });
    browser = await openBrowser();
  });

  afterAll(async () => {
    if (browser?.errors.length) console.log(`browser errors:\n${browser.errors.join('\n')}`);
    await browser?.close();
    await app?.close();
  });

  it('an admin reads the periods and the last purge, in English and Spanish', async () => {
    const { page } = browser;
    await signIn(page, app.url, ADMIN);
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Data retention', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Data retention', level: 1 }).waitFor();
    const row = (name: RegExp) => page.getByRole('row', { name });
    await row(/Combat of Migrant Smuggling/)
      .getByText('2 years after they are posted')
      .waitFor();
    await row(/Consular Protection/)
      .getByText('Kept (no period set)')
      .waitFor();
    await row(/Consular Protection/)
      .getByText('5 years after the case is closed; open cases are kept')
      .waitFor();
    await page.getByText('7 years after each entry').waitFor();
    await page.getByText('channel messages: 2').waitFor();
    await page.getByText('a purge runs every day at 02:30 UTC', { exact: false }).waitFor();
    violations.push(...(await checkScreen(page, 'retention')));

    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Conservación de datos', level: 1 }).waitFor();
    await page.getByText('2 años desde su publicación').waitFor();
    await page.getByText('mensajes de canales: 2').waitFor();
    violations.push(...(await checkScreen(page, 'retention-es')));
    expect(violations).toEqual([]);
  });

  it('an officer has no such menu entry, and the typed address says so', async () => {
    const officerBrowser = await openBrowser();
    try {
      const { page } = officerBrowser;
      await signIn(page, app.url, gt);
      expect(
        await page
          .getByRole('navigation', { name: 'Main menu' })
          .getByRole('link', { name: 'Data retention' })
          .count(),
      ).toBe(0);
      await page.goto(`${app.url}/admin/retention`);
      await page
        .getByRole('alert')
        .filter({ hasText: 'Only an administrator can see the retention settings.' })
        .waitFor();
    } finally {
      await officerBrowser.close();
    }
  });
});
