import type { TestApp } from '../support/app.js';
import { MessagesRepository } from '../../libs/domain/src/messaging/messages.repository.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { cid, connect } from '../messaging/support.js';
import type { Http } from '../support/http.js';
import { checkScreen, openBrowser, signIn, startWebApp, type TestBrowser } from './browser.js';

const ST = 'smuggling-trafficking';

/** Two officers in two browsers (GT and MX) in a live channel, against the service started in this process. */
describe('web client: live channels in two browsers', () => {
  let app: TestApp;
  let admin: Http;
  let gt: TestUser;
  let mx: TestUser;
  let general: { id: string };
  let gtBrowser: TestBrowser;
  let mxBrowser: TestBrowser;
  const violations: string[] = [];

  beforeAll(async () => {
    app = await startWebApp();
    admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', [ST], { displayName: 'Ana López', timezone: 'America/Guatemala' });
    mx = await officer(admin, 'MX', [ST], { displayName: 'Carlos Ruiz', timezone: 'America/Mexico_City' });
    general = (await gt.http.get(`/api/networks/${ST}/channels`)).body.find((c: any) => c.name === 'general');
    [gtBrowser, mxBrowser] = await Promise.all([
      openBrowser(),
      openBrowser({ timezoneId: 'America/Mexico_City' }),
    ]);
    await Promise.all([signIn(gtBrowser.page, app.url, gt), signIn(mxBrowser.page, app.url, mx)]);
  });

  afterAll(async () => {
    const errors = [...(gtBrowser?.errors ?? []), ...(mxBrowser?.errors ?? [])];
    if (errors.length) console.log(`browser errors:\n${errors.join('\n')}`);
    await Promise.all([gtBrowser?.close(), mxBrowser?.close()]);
    await app?.close();
  });

  const composer = (b: TestBrowser) => b.page.getByRole('textbox', { name: /^(Message|Mensaje)/ });
  const log = (b: TestBrowser) => b.page.getByTestId('messages');
  async function type(b: TestBrowser, text: string) {
    await composer(b).fill(text);
    await composer(b).press('Enter');
  }

  it('shows the unread count live, then a message typed by one officer in the other browser within a second', async () => {
    await gtBrowser.page.getByRole('heading', { name: 'Networks and channels' }).waitFor();
    violations.push(...(await checkScreen(gtBrowser.page, 'channels')));
    await mxBrowser.page.goto(`${app.url}/channels/${general.id}`);
    await composer(mxBrowser).waitFor();
    await type(mxBrowser, 'First word from Mexico');
    // GT is on the channel list: the unread count of #general follows live
    await gtBrowser.page.getByTestId('unread-general').filter({ hasText: '1' }).waitFor();

    await gtBrowser.page.getByRole('link', { name: /#general/ }).click();
    await log(gtBrowser).getByText('First word from Mexico').waitFor();
    await composer(gtBrowser).waitFor();

    const text = `Hola desde Guatemala ${Date.now()}`;
    await composer(gtBrowser).fill(text);
    const started = Date.now();
    await composer(gtBrowser).press('Enter');
    await log(mxBrowser).getByText(text).waitFor({ timeout: 5000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    await log(gtBrowser).getByText(text).waitFor();
    expect(await log(gtBrowser).getByText(text).count()).toBe(1);
    violations.push(...(await checkScreen(mxBrowser.page, 'channel')));
  });

  it('a jump in seq while connected (a message stored but never broadcast) fetches what is missing', async () => {
    // as when an API process dies between storing a message and broadcasting it: stored, no event
    const repo = app.runtime.app.get(MessagesRepository, { strict: false });
    await repo.insertSystem({
      channelId: general.id,
      body: 'Stored by a process that died before broadcasting',
      caseId: null,
      priority: 'normal',
      key: null,
      at: new Date(),
    });
    expect(await log(gtBrowser).getByText('Stored by a process that died').count()).toBe(0);
    await type(mxBrowser, 'Sent after the lost broadcast');
    await log(gtBrowser).getByText('Sent after the lost broadcast').waitFor();
    await log(gtBrowser).getByText('Stored by a process that died before broadcasting').waitFor();
    const bodies = await log(gtBrowser).locator('.body').allTextContents();
    expect(bodies.slice(-2)).toEqual([
      'Stored by a process that died before broadcasting',
      'Sent after the lost broadcast',
    ]);
  });

  it('urgent messages with an acknowledgement request, mentions, typing, edit and delete of one’s own', async () => {
    // presence: the screen watches the authors it shows. An officer who posts over REST (so never seen typing) with a
    // socket open elsewhere is marked online, and no longer once that socket is gone.
    const sv = await officer(admin, 'SV', [ST], { displayName: 'Rosa Díaz' });
    const svSocket = await connect(app.url, sv.token);
    await sv.http.post(`/api/channels/${general.id}/messages`, {
      body: 'Informe desde San Salvador',
      clientMessageId: cid(),
    });
    const svArticle = log(gtBrowser).getByRole('article').filter({ hasText: 'Informe desde San Salvador' });
    await svArticle.getByTitle('online').waitFor();
    svSocket.close();
    await svArticle.getByTitle('online').waitFor({ state: 'detached' });
    await composer(mxBrowser).fill('typing something');
    await gtBrowser.page.getByText('Carlos Ruiz is typing…').waitFor();
    await composer(mxBrowser).fill('');

    await gtBrowser.page.getByRole('checkbox', { name: 'Urgent' }).check();
    await gtBrowser.page.getByRole('checkbox', { name: 'Request acknowledgement' }).check();
    await type(gtBrowser, 'Border alert for @MX please confirm');
    const urgent = log(mxBrowser).getByRole('article').filter({ hasText: 'Border alert for @MX' });
    await urgent.getByText('Urgent', { exact: true }).waitFor();
    await urgent.getByText('Acknowledgement requested').waitFor();
    // the mention reaches MX as a notice with a link
    await mxBrowser.page.getByText('Ana López mentioned you').waitFor();
    await urgent.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await urgent.getByRole('button', { name: 'Acknowledged', exact: true }).waitFor();

    const mine = log(gtBrowser).getByRole('article').filter({ hasText: 'Border alert for @MX' });
    await mine.getByRole('button', { name: 'Acknowledgements' }).click();
    await mine.getByRole('list', { name: 'Acknowledgements' }).getByText('Carlos Ruiz (MX)').waitFor();

    await type(gtBrowser, 'A typo here');
    const typo = log(gtBrowser).getByRole('article').filter({ hasText: 'A typo here' });
    await typo.getByRole('button', { name: 'Edit' }).click();
    await log(gtBrowser).getByRole('textbox', { name: 'Edit' }).fill('Corrected text');
    await log(gtBrowser).getByRole('button', { name: 'Save' }).click();
    await log(mxBrowser).getByText('Corrected text').waitFor();
    await log(mxBrowser)
      .getByRole('article')
      .filter({ hasText: 'Corrected text' })
      .getByText('(edited)')
      .waitFor();

    gtBrowser.page.once('dialog', (d) => void d.accept());
    await log(gtBrowser)
      .getByRole('article')
      .filter({ hasText: 'Corrected text' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await log(mxBrowser).getByText('Message deleted').waitFor();
    expect(await log(mxBrowser).getByText('Corrected text').count()).toBe(0);
    // nobody edits or deletes someone else's message
    expect(
      await log(mxBrowser)
        .getByRole('article')
        .filter({ hasText: 'Border alert' })
        .getByRole('button', { name: 'Edit' })
        .count(),
    ).toBe(0);
  });

  it('the network cut for 5 s while the other side sends 10 messages: each appears once after reconnecting', async () => {
    const page = gtBrowser.page;
    const cutAt = Date.now();
    await gtBrowser.context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    const texts = Array.from({ length: 10 }, (_, i) => `offline burst ${i + 1} of 10`);
    for (const text of texts) await type(mxBrowser, text);
    for (const text of texts) await log(mxBrowser).getByText(text, { exact: true }).waitFor();
    // nothing reached the cut-off browser
    expect(
      await log(gtBrowser)
        .getByText(/offline burst/)
        .count(),
    ).toBe(0);
    // the cut lasts 5 s (the scenario's length, not a wait for something)
    await page.waitForTimeout(Math.max(0, 5000 - (Date.now() - cutAt)));
    await gtBrowser.context.setOffline(false);
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
    await log(gtBrowser).getByText(texts[9], { exact: true }).waitFor();
    for (const text of texts) expect(await log(gtBrowser).getByText(text, { exact: true }).count()).toBe(1);
    // in order, after what came before
    const shown = await log(gtBrowser)
      .getByText(/^offline burst/)
      .allTextContents();
    expect(shown).toEqual(texts);
  });

  it('switching to Spanish changes the interface text and the date formats', async () => {
    const page = gtBrowser.page;
    const time = log(gtBrowser)
      .getByRole('article')
      .filter({ hasText: 'offline burst 10 of 10' })
      .locator('time');
    const english = await time.textContent();
    const iso = await time.getAttribute('datetime');
    const at = new Date(iso!);
    const monthEn = new Intl.DateTimeFormat('en', { month: 'short', timeZone: 'America/Guatemala' }).format(
      at,
    );
    expect(english).toContain(monthEn);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await page
      .getByRole('navigation', { name: 'Menú principal' })
      .getByRole('link', { name: 'Casos' })
      .waitFor();
    await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    await page.getByRole('textbox', { name: /^Mensaje/ }).waitFor();
    const spanish = await time.textContent();
    expect(spanish).not.toEqual(english);
    const monthEs = new Intl.DateTimeFormat('es', { month: 'short', timeZone: 'America/Guatemala' }).format(
      at,
    );
    expect(spanish!.toLowerCase()).toContain(monthEs.replace('.', '').toLowerCase());
    // day first in Spanish (29 nov 2026), month first in English (Nov 29, 2026)
    const day = new Intl.DateTimeFormat('en', { day: 'numeric', timeZone: 'America/Guatemala' }).format(at);
    expect(spanish!.trim().startsWith(day)).toBe(true);
    expect(english!.trim().startsWith(monthEn)).toBe(true);
    violations.push(...(await checkScreen(page, 'channel-es')));
    // the choice stays across a reload (kept in this browser; PATCH /api/me keeps it for the account where served)
    await page.reload();
    await page.getByRole('navigation', { name: 'Menú principal' }).waitFor();
  });

  it('the sign-in screen, and no serious or critical accessibility violation on any screen seen', async () => {
    const page = await gtBrowser.context.newPage();
    await page.goto(`${app.url}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByRole('heading', { level: 1 }).waitFor();
    violations.push(...(await checkScreen(page, 'sign-in')));
    await page.close();
    expect(violations).toEqual([]);
  });
});
