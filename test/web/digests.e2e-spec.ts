import { jest } from '@jest/globals';
import { DateTime } from 'luxon';
import pg from 'pg';
import type { TestApp } from '../support/app.js';
import { startTestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { freePort } from '../support/process.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import {
  CP,
  ST,
  digestsTo,
  linkPath,
  listUnsubscribePath,
  mailsTo,
  runCycle,
  uniqueEmail,
} from '../digests/support.js';
import { checkScreen, openBrowser, signIn, type TestBrowser } from './browser.js';

jest.setTimeout(120_000);

/**
 * The digest screens in a browser: an officer's preferences, and the public pages behind the links of digest emails
 * (confirm, unsubscribe), which need no sign-in and change nothing when merely opened.
 */
describe('web client: email digests', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  let admin: Http;
  let anon: Http;
  let gt: TestUser;
  let browser: TestBrowser;
  let db: pg.Client;
  const violations: string[] = [];

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    const port = await freePort();
    app = await startTestApp({
      redis: true,
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: smtp.url },
    });
    admin = await loginAdmin(app.url);
    anon = new Http(app.url);
    gt = await officer(admin, 'GT', [ST]);
    // something open, so that a public digest is not empty
    const res = await admin.post(`/api/networks/${CP}/follow-ups`, {
      title: 'Visa requirements update',
      dueAt: '2027-12-01T17:00:00Z',
      countries: ['GT', 'MX'],
      reminders: [],
    });
    expect(res.status).toBe(201);
    db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    browser = await openBrowser();
  });

  afterAll(async () => {
    if (browser?.errors.length) console.log(`browser errors:\n${browser.errors.join('\n')}`);
    await browser?.close();
    await db?.end();
    await app?.close();
    await smtp?.close();
  });

  /** A public subscription request; the path of the confirmation link. */
  async function subscribe(email: string, locale: 'en' | 'es', hour: number, timezone: string) {
    const res = await anon.post('/api/digest-subscriptions', {
      email,
      networks: [CP],
      frequency: 'daily',
      hour,
      timezone,
      locale,
    });
    expect(res.status).toBe(202);
    await smtp.waitFor(() => mailsTo(smtp, email).length >= 1, `the confirmation to ${email}`);
    return linkPath(mailsTo(smtp, email).at(-1)!, '/digest/confirm?token=');
  }

  const status = async (email: string) =>
    (await db.query(`SELECT status, frequency FROM digest_subscriptions WHERE email = $1`, [email])).rows[0];

  it('an officer saves digest preferences and finds them kept after a reload', async () => {
    const { page } = browser;
    await signIn(page, app.url, gt);
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Email digest', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Email digest' }).waitFor();
    await page.getByLabel('Send me the digest').check();
    await page.getByLabel('Weekly').check();
    await page.getByLabel('Local hour').selectOption('7');
    await page.getByLabel('Time zone', { exact: true }).fill('America/Mexico_City');
    await page.getByRole('checkbox', { name: /Smuggling and Trafficking/ }).check();
    violations.push(...(await checkScreen(page, 'digest-settings')));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Your digest settings are saved.').waitFor();

    // a time zone that does not exist: the error shows at the field, nothing is kept
    await page.getByLabel('Time zone', { exact: true }).fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#digest-timezone-error').waitFor();
    expect(await page.getByLabel('Time zone', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await page.reload();
    await page.getByRole('heading', { name: 'Email digest' }).waitFor();
    expect(await page.getByLabel('Send me the digest').isChecked()).toBe(true);
    expect(await page.getByLabel('Weekly').isChecked()).toBe(true);
    expect(await page.getByLabel('Local hour').inputValue()).toBe('7');
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('America/Mexico_City');
    expect(await page.getByRole('checkbox', { name: /Smuggling and Trafficking/ }).isChecked()).toBe(true);
    expect((await gt.http.get('/api/me/digest')).body).toEqual({
      enabled: true,
      frequency: 'weekly',
      hour: 7,
      timezone: 'America/Mexico_City',
      networks: [ST],
    });
  });

  it('the confirm page confirms only after its button, without signing in', async () => {
    const other = await openBrowser({ locale: 'es-ES' });
    try {
      const email = uniqueEmail('web-confirm');
      const path = await subscribe(email, 'es', 8, 'Europe/Madrid');
      const { page } = other;
      await page.goto(`${app.url}${path}`);
      // the browser's language (the subscriber's settings are not known before confirming)
      await page.getByRole('heading', { name: 'Confirme su suscripción al resumen' }).waitFor();
      expect((await status(email)).status).toBe('pending');
      violations.push(...(await checkScreen(page, 'digest-confirm')));
      await page.reload();
      await page.getByRole('button', { name: 'Confirmar mi suscripción' }).waitFor();
      expect((await status(email)).status).toBe('pending');
      await page.getByRole('button', { name: 'Confirmar mi suscripción' }).click();
      await page.getByText('Su suscripción está confirmada.', { exact: false }).waitFor();
      expect((await status(email)).status).toBe('active');
      expect(other.errors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('the unsubscribe page: "weekly instead" switches the frequency, one button unsubscribes', async () => {
    const zone = 'Asia/Tokyo';
    const at = DateTime.now().setZone(zone).plus({ hours: 3 }).set({ minute: 10 });
    const email = uniqueEmail('web-unsub');
    const confirmPath = await subscribe(email, 'es', at.hour, zone);
    const token = decodeURIComponent(new URL(confirmPath, 'http://x').searchParams.get('token')!);
    expect((await anon.post('/api/digest-subscriptions/confirm', { token })).status).toBe(200);
    expect(await runCycle(admin, 'daily', at.toJSDate())).toBe(1);
    await smtp.waitFor(() => digestsTo(smtp, email).length === 1, 'the digest');
    const path = listUnsubscribePath(digestsTo(smtp, email)[0]);

    // an English browser: the page speaks the subscriber's language (Spanish), told by the API
    const other = await openBrowser();
    try {
      const { page } = other;
      await page.goto(`${app.url}${path}`);
      await page.getByRole('heading', { name: 'Cancelar la suscripción al resumen' }).waitFor();
      await page.getByRole('button', { name: 'Mejor semanal' }).waitFor();
      expect(await status(email)).toEqual({ status: 'active', frequency: 'daily' });
      violations.push(...(await checkScreen(page, 'digest-unsubscribe')));

      await page.getByRole('button', { name: 'Mejor semanal' }).click();
      await page.getByText('Ahora recibirá el resumen una vez por semana.').waitFor();
      expect(await status(email)).toEqual({ status: 'active', frequency: 'weekly' });

      await page.reload();
      await page.getByRole('button', { name: 'Cancelar la suscripción' }).click();
      await page.getByText('Su suscripción está cancelada.', { exact: false }).waitFor();
      expect((await status(email)).status).toBe('unsubscribed');

      // an altered token: the page says so (in the browser's language: the API tells nothing) and offers nothing
      const altered = path.replace(
        /token=([^&]+)/,
        (_, t: string) => `token=${t.slice(0, -2)}${t.endsWith('AA') ? 'BB' : 'AA'}`,
      );
      await page.goto(`${app.url}${altered}`);
      await page.getByText(/^(This link is not valid\.|Este enlace no es válido\.)$/).waitFor();
      expect(await page.getByRole('main').getByRole('button').count()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('no serious or critical accessibility violation on the digest screens (desktop and 360 px)', () => {
    expect(violations).toEqual([]);
  });
});
