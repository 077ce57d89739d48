import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from '../follow-ups/helpers.js';
import { checkScreen, openBrowser, signIn, startWebApp, type TestBrowser } from './browser.js';

const ST = 'smuggling-trafficking';
const CP = 'consular-protection';

/**
 * Training events in browsers: GT holds the PPT and publishes from the editor; MX (Mexico City time) and HN see it
 * arrive live, register (capacity 1: HN waits), and HN is promoted live when MX withdraws. The feed URL, its
 * rotation, the `.ics`, and the needs grid. axe-core and screenshots on every training screen.
 */
describe('web client: training events', () => {
  let app: TestApp;
  let gt: TestUser;
  let mx: TestUser;
  let hn: TestUser;
  let gtB: TestBrowser;
  let mxB: TestBrowser;
  let hnB: TestBrowser;
  let eventId: string;
  const violations: string[] = [];
  const title = `Joint exercise on smuggling routes ${Date.now() % 100000}`;
  // 20 days ahead, 09:00–17:00 wall clock in Mexico City (UTC−6 all year): 15:00Z
  const day = utcDay(20);

  beforeAll(async () => {
    app = await startWebApp();
    const admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(60));
    gt = await officer(admin, 'GT', [ST, CP], { displayName: 'Ana López' });
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

  it('the PPT writes a draft in the editor (API field errors shown at the fields) and publishes it; officers see it arrive live', async () => {
    // MX waits on the calendar: the publication must arrive without reload
    await menu(mxB.page, 'Training').click();
    await mxB.page.getByRole('heading', { name: 'Training events', level: 1 }).waitFor();
    await mxB.page.getByText('No training events to show.').waitFor();

    const page = gtB.page;
    await menu(page, 'Training').click();
    await page.getByRole('link', { name: 'New training event' }).click();
    await page.getByRole('heading', { name: 'New training event', level: 1 }).waitFor();
    await page.getByRole('checkbox', { name: /Combat Migrant Smuggling|Smuggling/ }).check();
    await page.getByLabel('Kind').selectOption('exercise');
    await page.getByLabel('Title (English)').fill(title);
    await page
      .getByLabel('Title (Spanish)')
      .fill(`Ejercicio conjunto sobre rutas de tráfico ${title.slice(-5)}`);
    await page
      .getByLabel('Description (English)')
      .fill('Coordinated exercise sponsored by CA, US and MX (10.3).');
    await page
      .getByLabel('Description (Spanish)')
      .fill('Ejercicio coordinado patrocinado por CA, US y MX (10.3).');
    await page.getByLabel(/^Sponsors/).fill('CA, US, MX');
    await page.getByLabel(/^Time zone of the event/).fill('America/Mexico_City');
    await page.getByLabel('Starts (in the event time zone)').fill(`${day}T09:00`);
    // ends before it starts: the API's message shows at the field, nothing is stored
    await page.getByLabel('Ends (in the event time zone)').fill(`${day}T08:00`);
    await page.getByLabel('City', { exact: true }).fill('Mexico City');
    await page.getByLabel('Country (two-letter code)').fill('MX');
    await page.getByLabel(/^Capacity/).fill('1');
    await page.getByRole('button', { name: 'Save the draft' }).click();
    const endsField = page.getByLabel('Ends (in the event time zone)');
    await page.locator('#f-endsAt-error').filter({ hasText: 'must be after startsAt' }).waitFor();
    expect(await endsField.getAttribute('aria-invalid')).toBe('true');
    expect((await gt.http.get(`/api/training-events?network=${ST}`)).body).toEqual([]);

    await endsField.fill(`${day}T17:00`);
    violations.push(...(await checkScreen(page, 'training-edit')));
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await page.waitForURL(/\/training\/[0-9a-f-]{36}$/);
    eventId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await page.getByText('draft', { exact: true }).waitFor();
    // a draft is not shown to officers who may not edit
    expect(await mxB.page.getByText(title).count()).toBe(0);

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('published', { exact: true }).waitFor();
    const stored = (await gt.http.get(`/api/training-events/${eventId}`)).body;
    expect(stored.status).toBe('published');
    expect(stored.startsAt).toBe(`${day}T15:00:00.000Z`);
    expect(stored.timezone).toBe('America/Mexico_City');

    // live: MX's calendar shows it without reload
    await mxB.page.getByTestId('training-list').getByRole('link', { name: title }).waitFor();
    violations.push(...(await checkScreen(mxB.page, 'training-calendar')));
    // the month view places it on its day
    await mxB.page.getByRole('button', { name: 'Month' }).click();
    const month = mxB.page.getByTestId('training-month');
    await month.waitFor();
    if (day.slice(0, 7) !== utcDay(0).slice(0, 7))
      await mxB.page.getByRole('button', { name: 'Next month' }).click();
    await month.getByRole('link', { name: title }).waitFor();
    violations.push(...(await checkScreen(mxB.page, 'training-month')));
  });

  it('an officer registers from the event page and sees the status at once; the next one waits; a withdrawal promotes her live', async () => {
    const page = mxB.page;
    await page.getByTestId('training-month').getByRole('link', { name: title }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    // times in the officer's zone, and the event's zone named
    await page.getByText('America/Mexico_City').first().waitFor();
    expect(await page.locator(`time[datetime="${day}T15:00:00.000Z"]`).first().textContent()).toContain(
      '9:00',
    );
    expect(await page.getByRole('button', { name: 'Publish' }).count()).toBe(0);
    await page.getByTestId('my-registration').filter({ hasText: 'Not registered' }).waitFor();
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByTestId('my-registration').filter({ hasText: 'Registered' }).waitFor();
    await page.getByTestId('counts').filter({ hasText: '1 of 1 registered' }).waitFor();
    violations.push(...(await checkScreen(page, 'training-event')));

    // the .ics, fetched with the session's token
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Add to my calendar (.ics)' }).click(),
    ]);
    const ics = readFileSync((await download.path())!, 'utf8');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain(`training-${eventId}@enlace`);

    // HN: capacity 1, so the waiting list
    await hnB.page.goto(`${app.url}/training/${eventId}`);
    await hnB.page.getByRole('button', { name: 'Register' }).click();
    await hnB.page.getByTestId('my-registration').filter({ hasText: 'On the waiting list' }).waitFor();

    // the PPT's registrations list (registrations are told to the person only: the PPT reloads)
    await gtB.page.reload();
    await gtB.page.getByTestId('registrations').getByRole('rowheader', { name: 'María Flores' }).waitFor();
    await gtB.page.getByTestId('registrations').getByRole('rowheader', { name: 'Carlos Ruiz' }).waitFor();
    violations.push(...(await checkScreen(gtB.page, 'training-event-ppt')));
    const [csvDownload] = await Promise.all([
      gtB.page.waitForEvent('download'),
      gtB.page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(readFileSync((await csvDownload.path())!, 'utf8')).toContain('Carlos Ruiz');

    // MX withdraws: HN's open page turns "Registered" through training.registration, without reload
    await page.getByRole('button', { name: 'Withdraw' }).click();
    await page.getByTestId('my-registration').filter({ hasText: 'Not registered' }).waitFor();
    await hnB.page
      .getByTestId('my-registration')
      .filter({ hasText: /^Registered$/ })
      .waitFor();
  });

  it('the feed URL works without login; a new address makes the old one 404', async () => {
    const page = mxB.page;
    await menu(page, 'Training').click();
    const feed = page.getByLabel('Feed address');
    await page.waitForFunction(
      (part) => ((globalThis as any).document.getElementById('feed-url')?.value ?? '').includes(part),
      `/api/networks/${ST}/training.ics?token=`,
    );
    const oldUrl = await feed.inputValue();
    expect(oldUrl.startsWith(app.url)).toBe(true);
    const res = await fetch(oldUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(title);

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Make a new address' }).click();
    await page.waitForFunction((old) => {
      const v = (globalThis as any).document.getElementById('feed-url')?.value;
      return !!v && v !== old;
    }, oldUrl);
    expect((await fetch(oldUrl)).status).toBe(404);
    expect((await fetch(await feed.inputValue())).status).toBe(200);
  });

  it("the needs grid: MX writes its country's needs and offers; the PPT sees the topics many countries need", async () => {
    const page = mxB.page;
    await page.getByRole('link', { name: 'Training needs and offers' }).click();
    await page.getByRole('heading', { name: 'Training needs and offers', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add a need' }).click();
    await page.getByLabel('Need 1 (English)').fill('Victim identification');
    await page.getByLabel('Need 1 (Spanish)').fill('Identificación de víctimas');
    await page.getByLabel('Priority of need 1').selectOption('high');
    await page.getByRole('button', { name: 'Add an offer' }).click();
    await page.getByLabel('Offer 1 (English)').fill('Document fraud detection');
    await page.getByLabel('Offer 1 (Spanish)').fill('Detección de documentos fraudulentos');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page
      .getByTestId('needs-grid')
      .locator('tr[data-country="MX"]')
      .getByText('Victim identification')
      .waitFor();

    // HN needs the same topic (written differently): the aggregate puts both countries on it
    expect(
      (
        await hn.http.put(`/api/networks/${ST}/training-needs/HN`, {
          needs: [
            { topic: { en: 'victim identification.', es: 'Identificacion de victimas' }, priority: 'medium' },
          ],
          offers: [],
        })
      ).status,
    ).toBe(200);
    await gtB.page.goto(`${app.url}/training/needs?network=${ST}`);
    const topic = gtB.page.getByTestId('needs-topics').getByRole('row', { name: /Victim identification/i });
    await topic.getByText(/MX \(high\), HN \(medium\)/).waitFor();
    await gtB.page
      .getByTestId('needs-topics')
      .getByRole('row', { name: /Document fraud detection/ })
      .getByText('MX', { exact: true })
      .waitFor();
    violations.push(...(await checkScreen(gtB.page, 'training-needs')));
    violations.push(...(await checkScreen(page, 'training-needs-own')));
  });

  it('Spanish: the event page in the officer’s language', async () => {
    const page = hnB.page;
    await page.getByLabel('Language').selectOption('es');
    await page
      .getByRole('heading', { name: /Ejercicio conjunto sobre rutas de tráfico/, level: 1 })
      .waitFor();
    await page.getByTestId('my-registration').filter({ hasText: 'Inscrito' }).waitFor();
    await page
      .getByText('Coordinated exercise')
      .count()
      .then((n) => expect(n).toBe(0));
    await page.getByText('Ejercicio coordinado patrocinado').waitFor();
    violations.push(...(await checkScreen(page, 'training-event-es')));
  });

  it('no serious or critical accessibility violation on any training screen', () => {
    expect(violations).toEqual([]);
  });
});
