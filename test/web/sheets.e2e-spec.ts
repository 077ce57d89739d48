import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from '../follow-ups/helpers.js';
import { checkScreen, openBrowser, signIn, startWebApp, type TestBrowser } from './browser.js';

const CP = 'consular-protection';

/**
 * Country sheets in browsers: GT holds the PPT and issues a follow-up naming MX's visa requirements from the board;
 * an MX officer writes the sheet in the editor (hostile Markdown, the server's preview), publishes two versions; GT
 * sees the staleness grid and the board turn without reload, reads the sheet (no script, no javascript: link),
 * an earlier version, and the diff. axe-core and screenshots on every screen.
 */
describe('web client: country sheets', () => {
  let app: TestApp;
  let gt: TestUser;
  let mx: TestUser;
  let gtB: TestBrowser;
  let mxB: TestBrowser;
  const violations: string[] = [];

  beforeAll(async () => {
    app = await startWebApp();
    const admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(60));
    gt = await officer(admin, 'GT', [CP], { displayName: 'Ana López' });
    mx = await officer(admin, 'MX', [CP], { displayName: 'Carlos Ruiz', timezone: 'America/Mexico_City' });
    [gtB, mxB] = await Promise.all([openBrowser(), openBrowser()]);
    await Promise.all([signIn(gtB.page, app.url, gt), signIn(mxB.page, app.url, mx)]);
  });

  afterAll(async () => {
    const errors = [gtB, mxB].flatMap((b) => b?.errors ?? []);
    if (errors.length) console.log(`browser errors:\n${errors.join('\n')}`);
    await Promise.all([gtB?.close(), mxB?.close()]);
    await app?.close();
  });

  const menu = (p: Page, name: string) =>
    p.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name, exact: true });
  const cell = (p: Page, country: string, topic: string) =>
    p.getByTestId('sheet-grid').locator(`tr[data-country="${country}"] td[data-topic="${topic}"]`);

  it('the PPT names the sheet in a follow-up; MX publishes from the editor; the grid and the board turn live', async () => {
    const page = gtB.page;
    await menu(page, 'Follow-up board').click();
    await page.getByLabel('Title', { exact: true }).fill('Visa requirements within 30 days (11.2)');
    const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Due date and time').fill(`${due}T17:00`);
    await page.getByRole('checkbox', { name: /\(MX\)/ }).check();
    await page.getByRole('checkbox', { name: /\(GT\)/ }).check();
    await page.getByLabel('Country sheet (optional)').selectOption('visa-requirements');
    await page.getByRole('button', { name: 'Issue the item' }).click();
    const row = page.getByTestId('board').getByRole('row', { name: /Visa requirements within 30 days/ });
    await row.locator('td[data-country="MX"][data-status="pending"]').waitFor();
    const followUpId = (await row.getAttribute('data-testid'))!.replace('row-', '');
    expect((await gt.http.get(`/api/follow-ups/${followUpId}`)).body.sheet).toEqual({
      topic: 'visa-requirements',
    });

    // GT watches the library: MX's visa requirements are missing
    await menu(page, 'Library').click();
    await page.getByRole('heading', { name: 'Library of country sheets', level: 1 }).waitFor();
    await cell(page, 'MX', 'visa-requirements').and(page.locator('[data-state="missing"]')).waitFor();
    violations.push(...(await checkScreen(page, 'library')));

    // MX writes the sheet: its own country's library, the topic, the editor
    const mxp = mxB.page;
    await menu(mxp, 'Library').click();
    await mxp.getByTestId('library').getByRole('link', { name: 'Visa requirements' }).click();
    await mxp.getByRole('heading', { name: 'Visa requirements', level: 1 }).waitFor();
    await mxp.getByText('Nothing is published on this topic yet.').waitFor();
    await mxp
      .getByLabel('Text in English (Markdown)')
      .fill(
        '## Tourist visa\n\n- Passport valid 6 months\n- <script>window.__xss = 1</script>\n\n[Apply](javascript:window.__xss=2) · [Embassy](https://embamex.example.org)',
      );
    await mxp
      .getByLabel('Text in Spanish (Markdown)')
      .fill('## Visa de turista\n\n- Pasaporte vigente 6 meses\n\n[Embajada](https://embamex.example.org)');
    await mxp.getByRole('button', { name: 'Preview' }).click();
    const preview = mxp.getByTestId('sheet-preview');
    await preview.getByRole('heading', { name: 'Tourist visa' }).waitFor();
    expect(await preview.locator('script, a[href^="javascript"]').count()).toBe(0);
    violations.push(...(await checkScreen(mxp, 'sheet-editor')));
    await mxp.getByRole('button', { name: 'Publish' }).click();
    await mxp.getByText('Version 1 published.').waitFor();

    // live, without reload: GT's grid and the board
    await cell(page, 'MX', 'visa-requirements').and(page.locator('[data-state="fresh"]')).waitFor();
    expect(await cell(page, 'GT', 'visa-requirements').getAttribute('data-state')).toBe('missing');
    await menu(page, 'Follow-up board').click();
    await row.locator('td[data-country="MX"][data-status="done"]').waitFor();
    expect(await row.locator('td[data-country="GT"]').getAttribute('data-status')).toBe('pending');

    // a second version
    await mxp
      .getByLabel('Text in English (Markdown)')
      .fill('## Tourist visa\n\n- Passport valid 3 months\n- Return ticket');
    await mxp.getByRole('button', { name: 'Publish' }).click();
    await mxp.getByText('Version 2 published.').waitFor();
    expect(await mxp.evaluate(() => (globalThis as any).__xss)).toBeUndefined();
  });

  it('GT reads the sheet as rendered by the server, an earlier version, and the diff between versions', async () => {
    const page = gtB.page;
    await menu(page, 'Library').click();
    await cell(page, 'MX', 'visa-requirements').getByRole('link').click();
    await page.getByRole('heading', { name: 'Visa requirements', level: 1 }).waitFor();
    await page.getByText('Version 2 of 2').waitFor();
    const body = page.getByTestId('sheet-body');
    await body.getByText('Passport valid 3 months').waitFor();
    await page.getByText(/by Carlos Ruiz/).waitFor();
    // the diff: version 1 → 2, English
    const diff = page.getByTestId('sheet-diff');
    await diff.locator('del', { hasText: 'Passport valid 6 months' }).waitFor();
    await diff.locator('ins', { hasText: 'Passport valid 3 months' }).waitFor();
    await diff.locator('ins', { hasText: 'Return ticket' }).waitFor();
    violations.push(...(await checkScreen(page, 'sheet')));

    await page.getByRole('link', { name: 'Read version 1' }).click();
    await page.getByText('You are reading an earlier version.').waitFor();
    await body.getByText('Passport valid 6 months').waitFor();
    // what the server rendered: the script is text, the javascript: link only its words, the https link a link
    expect(await body.locator('script, a[href^="javascript"]').count()).toBe(0);
    expect(await body.getByRole('link', { name: 'Embassy' }).getAttribute('href')).toBe(
      'https://embamex.example.org',
    );
    expect(await page.evaluate(() => (globalThis as any).__xss)).toBeUndefined();

    // in Spanish, the Spanish text
    await page.getByLabel('Language').selectOption('es');
    await body.getByText('Pasaporte vigente 6 meses').waitFor();
    await page.getByText('Está leyendo una versión anterior.').waitFor();
    violations.push(...(await checkScreen(page, 'sheet-es')));
    await page.getByLabel('Idioma').selectOption('en');
    expect(violations).toEqual([]);
  });
});
