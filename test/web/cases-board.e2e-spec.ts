import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import { ADMIN } from '../support/env.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from '../follow-ups/helpers.js';
import { checkScreen, openBrowser, signIn, startWebApp, type TestBrowser } from './browser.js';

const ST = 'smuggling-trafficking';

/**
 * Cases and follow-up items in browsers: GT holds the PPT, MX and HN are officers of the same network. An
 * `involved` case of MX and GT never shows in HN's browser; the PPT's grid follows MX's answer live.
 */
describe('web client: cases, search and the PPT board', () => {
  let app: TestApp;
  let gt: TestUser;
  let mx: TestUser;
  let hn: TestUser;
  let gtB: TestBrowser;
  let mxB: TestBrowser;
  let hnB: TestBrowser;
  let caseId: string;
  let followUpId: string;
  const violations: string[] = [];
  const secretWord = `Quetzaltenango${Date.now() % 100000}`;

  beforeAll(async () => {
    app = await startWebApp();
    const admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(60));
    gt = await officer(admin, 'GT', [ST], { displayName: 'Ana López' });
    mx = await officer(admin, 'MX', [ST], { displayName: 'Carlos Ruiz', timezone: 'America/Mexico_City' });
    hn = await officer(admin, 'HN', [ST], { displayName: 'María Flores', timezone: 'America/Tegucigalpa' });
    [gtB, mxB, hnB] = await Promise.all([openBrowser(), openBrowser(), openBrowser()]);
    await Promise.all([
      signIn(gtB.page, app.url, gt),
      signIn(mxB.page, app.url, mx),
      signIn(hnB.page, app.url, hn),
    ]);
  });

  afterAll(async () => {
    const errors = [gtB, mxB, hnB].flatMap((b) => b?.errors ?? []);
    if (errors.length) console.log(`browser errors:\n${errors.join('\n')}`);
    await Promise.all([gtB?.close(), mxB?.close(), hnB?.close()]);
    await app?.close();
  });

  const menu = (p: Page, name: string) =>
    p.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name, exact: true });

  it('the MX officer opens an involved case with GT; GT reads it, follows its status live and writes in its thread', async () => {
    const page = mxB.page;
    await menu(page, 'Cases').click();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Open a case' }).click();
    await page.getByLabel('Title').fill(`Smuggling route via ${secretWord}`);
    const types = await page.getByLabel('Type').locator('option').allTextContents();
    expect(types).toEqual(['smuggling of migrants', 'trafficking in persons', 'undetermined']);
    await page.getByLabel('Type').selectOption('migrant-smuggling');
    await page.getByRole('radio', { name: 'Involved countries only' }).check();
    expect(await page.getByRole('checkbox', { name: /\(MX\)/ }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: /\(GT\)/ }).check();
    await page
      .getByLabel('Summary')
      .fill(`Group of 14 people moved through ${secretWord} towards the border.`);
    violations.push(...(await checkScreen(page, 'case-new')));
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    caseId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: `Smuggling route via ${secretWord}` }).waitFor();
    await page.getByText('Involved countries only').first().waitFor();

    // GT (listed) sees it in the list and opens it
    await menu(gtB.page, 'Cases').click();
    await gtB.page.getByTestId('cases').getByText(`Smuggling route via ${secretWord}`).waitFor();
    violations.push(...(await checkScreen(gtB.page, 'cases')));
    await gtB.page.goto(`${app.url}/cases/${caseId}`);
    await gtB.page.getByRole('heading', { name: `Smuggling route via ${secretWord}` }).waitFor();

    // MX moves the status; GT's open case view follows without reload
    await page.getByLabel('Change status').selectOption('awaiting-response');
    await page.getByRole('button', { name: 'Apply' }).click();
    await gtB.page.getByTestId('case-status').filter({ hasText: 'awaiting response' }).waitFor();

    // the thread: GT writes, MX reads it live
    await gtB.page
      .getByRole('textbox', { name: /^Message/ })
      .fill('We confirm the vehicle left this morning.');
    await gtB.page.getByRole('textbox', { name: /^Message/ }).press('Enter');
    await mxB.page.getByTestId('messages').getByText('We confirm the vehicle left this morning.').waitFor();
    violations.push(...(await checkScreen(gtB.page, 'case')));
  });

  it('the HN officer never sees it: not in the list, not in search, not at its URL typed by hand', async () => {
    const page = hnB.page;
    await menu(page, 'Cases').click();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await page.getByText('No cases to show.').waitFor();
    expect(await page.getByText(secretWord).count()).toBe(0);

    await menu(page, 'Search').click();
    await page.getByRole('searchbox', { name: 'Search messages and cases' }).fill(secretWord);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('Nothing found.').waitFor();
    expect(await page.getByText(secretWord).count()).toBe(0);
    // the same search finds it for GT, whose country is listed (so the search itself works)
    await menu(gtB.page, 'Search').click();
    await gtB.page.getByRole('searchbox', { name: 'Search messages and cases' }).fill(secretWord);
    await gtB.page.getByRole('button', { name: 'Search', exact: true }).click();
    const result = gtB.page
      .getByTestId('results')
      .getByRole('button', { name: new RegExp(secretWord) })
      .first();
    await result.click();
    // the result opens in place
    await gtB.page.getByText(`Group of 14 people moved through ${secretWord}`).first().waitFor();
    expect(gtB.page.url()).toContain('/search');
    violations.push(...(await checkScreen(gtB.page, 'search')));

    await page.goto(`${app.url}/cases/${caseId}`);
    await page.getByText('This page does not exist, or you may not see it.').waitFor();
    expect(await page.getByText(secretWord).count()).toBe(0);
    expect(await page.content()).not.toContain(secretWord);
  });

  it('the PPT creates a follow-up for MX and GT; MX marks it done; the PPT grid cell turns done without reload', async () => {
    const page = gtB.page;
    await menu(page, 'Follow-up board').click();
    await page.getByRole('heading', { name: 'Follow-up board', level: 1 }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Report on visa requirements (11.2)');
    const due = new Date(Date.now() + 10 * 86_400_000);
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/Guatemala',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(due);
    await page.getByLabel('Due date and time').fill(`${local}T17:00`);
    await page.getByRole('checkbox', { name: /\(MX\)/ }).check();
    await page.getByRole('checkbox', { name: /\(GT\)/ }).check();
    await page.getByRole('button', { name: 'Issue the item' }).click();
    const row = page.getByTestId('board').getByRole('row', { name: /Report on visa requirements/ });
    await row.waitFor();
    followUpId = (await row.getAttribute('data-testid'))!.replace('row-', '');
    await row.locator('td[data-country="MX"][data-status="pending"]').waitFor();
    await row.locator('td[data-country="GT"][data-status="pending"]').waitFor();
    // 17:00 in Guatemala, shown in the PPT's time zone
    expect(await row.locator('time').textContent()).toContain('5:00');
    await page.evaluate(() => ((globalThis as any).__sameDocument = true));

    await menu(mxB.page, "My country's items").click();
    const item = mxB.page.getByTestId(`item-${followUpId}`);
    await item.waitFor();
    violations.push(...(await checkScreen(mxB.page, 'my-items')));
    await item.getByLabel('Note (optional)').fill('Sent to the ministry on Monday.');
    await item.getByRole('button', { name: 'Mark done' }).click();

    await row.locator('td[data-country="MX"][data-status="done"]').waitFor();
    expect(await row.locator('td[data-country="MX"]').textContent()).toBe('done');
    expect(await row.locator('td[data-country="GT"]').textContent()).toBe('pending');
    expect(await page.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);
    violations.push(...(await checkScreen(page, 'board')));

    // the CSV download carries the answer
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('Report on visa requirements (11.2)');
    expect(csv).toMatch(/,MX,done,[^,]+,Sent to the ministry on Monday\./);
  });

  it('the follow-up page every reminder links to; the PPT moves the item; the Work Plan', async () => {
    await mxB.page.goto(`${app.url}/follow-ups/${followUpId}`);
    await mxB.page.getByRole('heading', { name: 'Report on visa requirements (11.2)' }).waitFor();
    await mxB.page.locator('[data-country="MX"]').filter({ hasText: 'done' }).waitFor();
    violations.push(...(await checkScreen(mxB.page, 'follow-up')));

    const page = gtB.page;
    await page.goto(`${app.url}/follow-ups/${followUpId}`);
    await page.getByRole('heading', { name: 'Report on visa requirements (11.2)' }).waitFor();
    const later = new Date(Date.now() + 20 * 86_400_000);
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/Guatemala',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(later);
    await page.getByLabel('New due date').fill(`${local}T09:30`);
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByText('9:30').first().waitFor();
    const item = (await gt.http.get(`/api/follow-ups/${followUpId}`)).body;
    expect(new Date(item.dueAt).toISOString()).toBe(new Date(`${local}T09:30:00-06:00`).toISOString());

    await menu(page, 'Work Plan').click();
    await page.getByRole('heading', { name: 'Work Plan', level: 1 }).waitFor();
    await page.getByLabel('Activity', { exact: true }).fill('Joint training on trafficking indicators');
    await page.getByLabel('Target date').fill(utcDay(90));
    await page.getByRole('checkbox', { name: /\(CA\)/ }).check();
    await page.getByRole('button', { name: 'Add an activity' }).click();
    await page.getByRole('rowheader', { name: /Joint training on trafficking indicators/ }).waitFor();
    violations.push(...(await checkScreen(page, 'work-plan')));
  });

  it('administration for admins: users, memberships and the PPT term; other people are refused', async () => {
    const page = hnB.page;
    expect(await menu(page, 'Administration').count()).toBe(0);
    await page.goto(`${app.url}/admin`);
    await page.getByText('Only administrators and the Technical Secretariat can use this page.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await signIn(page, app.url, ADMIN, '/admin');
    await menu(page, 'Administration').click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    await page.getByText(/Current term: Guatemala/).waitFor();
    const users = page.getByRole('region', { name: 'Users and memberships' });
    await users.getByRole('rowheader', { name: 'María Flores' }).waitFor();
    await users.getByRole('button', { name: /Memberships of María Flores/ }).click();
    await users.getByLabel('Consular Protection').selectOption('observer');
    await users.getByRole('button', { name: 'Save' }).click();
    await users.getByText(/consular-protection: observer/).waitFor();
    const me = (await hn.http.get('/api/me')).body;
    expect(me.memberships).toEqual(
      expect.arrayContaining([
        { network: 'smuggling-trafficking', role: 'officer' },
        { network: 'consular-protection', role: 'observer' },
      ]),
    );
    violations.push(...(await checkScreen(page, 'admin')));
  });

  it('no serious or critical accessibility violation on any of these screens', () => {
    expect(violations).toEqual([]);
  });
});
