import { jest } from '@jest/globals';
import { DateTime } from 'luxon';
import pg from 'pg';
import type { Queue } from 'bullmq';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { TestSmtpServer } from '../support/smtp-server.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import {
  confirmToken,
  CP,
  digestJobsIdle,
  digestQueues,
  digestsTo,
  linkPath,
  listUnsubscribePath,
  mailsTo,
  runCycle,
  ST,
  subscribeConfirmed,
  uniqueEmail,
  expectNoSecrets,
} from './support.js';

jest.setTimeout(120_000);

/** Everything that must never leave the system by email: every message body and case summary of this run. */
const secrets: string[] = [];
const secret = (label: string) => {
  const s = `${label}-SECRET-${Math.random().toString(36).slice(2, 10)}`;
  secrets.push(s);
  return s;
};

describe('email digests', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  let admin: Http;
  let anon: Http;
  let queues: Queue[];
  let db: pg.Client;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp({ redis: true, env: { SMTP_URL: smtp.url, MISSED_MESSAGE_DELAY: 'PT2S' } });
    admin = await loginAdmin(app.url);
    anon = new Http(app.url);
    queues = digestQueues(app);
    db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    // something open in each network, so public digests are not empty
    for (const network of [ST, CP]) {
      const res = await admin.post(`/api/networks/${network}/follow-ups`, {
        title: `Visa requirements update (${network})`,
        dueAt: '2027-12-01T17:00:00Z',
        countries: ['GT', 'MX'],
        reminders: [],
      });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await smtp?.close();
  });

  it('lets only an admin run a cycle, and rejects bad input with the API error shape', async () => {
    const gt = await officer(admin, 'GT', [ST]);
    const secretariat = await createUser(admin, { roles: ['secretariat'] });
    expect((await anon.post('/api/admin/digests/run', { frequency: 'daily' })).status).toBe(401);
    for (const who of [gt.http, secretariat.http]) {
      const res = await who.post('/api/admin/digests/run', { frequency: 'daily' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const bad = await admin.post('/api/admin/digests/run', { frequency: 'hourly' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('frequency');
    expect(
      (await admin.post('/api/admin/digests/run', { frequency: 'daily', at: '2027-01-01' })).status,
    ).toBe(400);
    expect((await anon.get('/api/me/digest')).status).toBe(401);
    expect((await anon.request('PUT', '/api/me/digest', { enabled: true })).status).toBe(401);

    const base = {
      email: uniqueEmail('bad'),
      networks: [ST],
      frequency: 'daily',
      hour: 8,
      timezone: 'UTC',
      locale: 'en',
    };
    const unknown = await anon.post('/api/digest-subscriptions', { ...base, admin: true });
    expect(unknown.status).toBe(400);
    const zone = await anon.post('/api/digest-subscriptions', {
      ...base,
      timezone: 'Mars/Olympus',
      hour: 24,
    });
    expect(zone.status).toBe(400);
    expect(zone.body.error.details.map((d: any) => d.field).sort()).toEqual(['hour', 'timezone']);
    const net = await anon.post('/api/digest-subscriptions', { ...base, networks: ['nope'] });
    expect(net.status).toBe(400);
    const mine = await gt.http.put('/api/me/digest', {
      enabled: true,
      frequency: 'daily',
      hour: 8,
      networks: [],
    });
    expect(mine.status).toBe(400);
    expect(mailsTo(smtp, base.email)).toHaveLength(0);
    const wrongToken = await anon.post('/api/digest-subscriptions/confirm', { token: 'x'.repeat(43) });
    expect(wrongToken.status).toBe(400);
    expect(wrongToken.body.error.code).toBe('INVALID_TOKEN');
  });

  it('double opt-in: only the confirmation before confirming, a GET of the link confirms nothing, then one digest per period', async () => {
    const zone = 'America/Guatemala';
    const hour = (DateTime.now().setZone(zone).hour + 12) % 24;
    const at = DateTime.now().setZone(zone).plus({ days: 1 }).set({ hour, minute: 5, second: 0 }).toJSDate();
    const email = uniqueEmail('optin');
    const res = await anon.post('/api/digest-subscriptions', {
      email,
      networks: [ST, CP],
      frequency: 'daily',
      hour,
      timezone: zone,
      locale: 'es',
    });
    expect(res.status).toBe(202);
    await smtp.waitFor(() => mailsTo(smtp, email).length === 1, 'the confirmation email');
    const confirmation = mailsTo(smtp, email)[0];
    expect(confirmation.parsed.subject).toBe('Confirme su suscripción al resumen de Enlace');
    expect(confirmation.raw.toString()).not.toMatch(/^List-Unsubscribe:/im);

    // before confirming, a cycle at the subscriber's hour sends nothing
    expect(await runCycle(admin, 'daily', at)).toBe(0);
    // the emailed link opens a page of the web client whose button posts the token; opening it (a prefetcher)
    // confirms nothing
    const page = await anon.get(linkPath(confirmation, '/digest/confirm?token='));
    expect(page.text).not.toContain('Suscripción confirmada');
    expect(await runCycle(admin, 'daily', at)).toBe(0);
    await digestJobsIdle(queues);
    expect(mailsTo(smtp, email)).toHaveLength(1);

    // the page's button (the API call) confirms; the token then is spent
    const token = confirmToken(confirmation);
    const posted = await anon.post('/api/digest-subscriptions/confirm', { token });
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ status: 'active' });
    const again = await anon.post('/api/digest-subscriptions/confirm', { token });
    expect(again.status).toBe(400);

    expect(await runCycle(admin, 'daily', at)).toBe(1);
    await smtp.waitFor(() => digestsTo(smtp, email).length === 1, 'the digest');
    const digest = digestsTo(smtp, email)[0];
    expect(digest.parsed.subject).toMatch(/^Su resumen diario de Enlace — /);
    expect(digest.parsed.headers.get('content-language')).toBe('es');
    expect(digest.raw.toString()).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(listUnsubscribePath(digest)).toMatch(/^\/digest\/unsubscribe\?token=/);

    // a second run for the same period (also later within the hour) sends nothing
    expect(await runCycle(admin, 'daily', at)).toBe(0);
    expect(await runCycle(admin, 'daily', new Date(at.getTime() + 30 * 60_000))).toBe(0);
    await digestJobsIdle(queues);
    expect(digestsTo(smtp, email)).toHaveLength(1);
    // asking again for an active address sends a confirmation, nothing changes until it is confirmed
    expect(
      (
        await anon.post('/api/digest-subscriptions', {
          email,
          networks: [ST],
          frequency: 'weekly',
          hour,
          timezone: zone,
          locale: 'en',
        })
      ).status,
    ).toBe(202);
    await smtp.waitFor(() => mailsTo(smtp, email).length === 3, 'the second confirmation');
    expect(await runCycle(admin, 'daily', new Date(at.getTime() + 86_400_000))).toBe(1);
    await smtp.waitFor(() => digestsTo(smtp, email).length === 2, 'the next day’s digest');
  });

  it('shows each reader what they may see: training and counts for everyone, cases by handling level for officers', async () => {
    const at = new Date(Date.now() + 3600_000);
    const hour = at.getUTCHours();
    const gt = await officer(admin, 'GT', [ST], { displayName: 'Gabriela Gt' });
    const mx = await officer(admin, 'MX', [ST]);
    const hn = await officer(admin, 'HN', [ST]);
    const observer = await createUser(admin, {
      organization: 'IOM',
      memberships: [{ network: ST, role: 'observer' }],
    });
    const disabled = await officer(admin, 'GT', [ST]);

    const openCase = async (who: TestUser, title: string, handling: string, countries: string[]) => {
      const res = await who.http.post(`/api/networks/${ST}/cases`, {
        title,
        type: 'migrant-smuggling',
        handling,
        countries,
        summary: secret('SUMMARY'),
      });
      expect(res.status).toBe(201);
      return res.body as { id: string; reference: string };
    };
    const tag = Math.random().toString(36).slice(2, 7);
    const networkCase = await openCase(gt, `Network case ${tag}`, 'network', ['GT']);
    const involvedGtMx = await openCase(gt, `Involved GT MX ${tag}`, 'involved', ['GT', 'MX']);
    const involvedHn = await openCase(hn, `Involved HN ${tag}`, 'involved', ['HN']);
    const soon = await admin.post(`/api/networks/${ST}/follow-ups`, {
      title: `Return documents ${tag}`,
      dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      countries: ['GT'],
      reminders: [],
    });
    expect(soon.status).toBe(201);
    const training = await admin.post('/api/training-events', {
      networks: [ST],
      kind: 'course',
      title: { en: `Victim identification course ${tag}`, es: `Curso de identificación de víctimas ${tag}` },
      description: { en: 'Course', es: 'Curso' },
      sponsors: ['CA'],
      startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 5 * 86_400_000 + 4 * 3600_000).toISOString(),
      timezone: 'UTC',
      location: { city: 'Guatemala', country: 'GT' },
      audience: 'members',
    });
    expect(training.status).toBe(201);
    expect((await admin.post(`/api/training-events/${training.body.id}/publish`)).status).toBe(200);
    const channels = await gt.http.get(`/api/networks/${ST}/channels`);
    const general = channels.body.find((c: any) => c.name === 'general');
    const sent = await gt.http.post(`/api/channels/${general.id}/messages`, {
      body: secret('BODY'),
      clientMessageId: `c-${tag}`,
    });
    expect(sent.status).toBe(201);
    const thread = await gt.http.post(`/api/cases/${involvedGtMx.id}/messages`, {
      body: secret('BODY'),
      clientMessageId: `t-${tag}`,
    });
    expect(thread.status).toBe(201);

    const settings = { enabled: true, frequency: 'daily', hour, timezone: 'UTC', networks: [ST] };
    for (const u of [gt, mx, hn, observer, disabled]) {
      const res = await u.http.put('/api/me/digest', settings);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(settings);
    }
    expect((await gt.http.get('/api/me/digest')).body).toEqual(settings);
    await db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [disabled.id]);
    const publicEmail = uniqueEmail('public');
    await subscribeConfirmed(app, smtp, publicEmail, {
      networks: [ST],
      frequency: 'daily',
      hour,
      timezone: 'UTC',
      locale: 'en',
    });

    expect(await runCycle(admin, 'daily', at)).toBe(5);
    const readers = [gt, mx, hn, observer].map((u) => u.email).concat(publicEmail);
    await smtp.waitFor(
      () => readers.every((e) => digestsTo(smtp, e).length === 1),
      'a digest to each reader',
    );
    await digestJobsIdle(queues);
    const text = (email: string) => {
      const [m] = digestsTo(smtp, email);
      return `${m.parsed.subject}\n${m.parsed.text}\n${m.parsed.html}`;
    };
    for (const email of [publicEmail, observer.email]) {
      const t = text(email);
      expect(t).toContain('Follow-up items');
      expect(t).toMatch(/Open\s+(<[^>]+>\s*)*\d/);
      expect(t).not.toMatch(/ST-\d{4}-\d{4}/);
      expect(t).toContain(`Victim identification course ${tag}`);
      expect(t.split(`Victim identification course ${tag}`).join('')).not.toContain(tag);
    }
    const gtText = text(gt.email);
    expect(gtText).toContain('Hello Gabriela Gt,');
    expect(gtText).toContain(networkCase.reference);
    expect(gtText).toContain(`Network case ${tag}`);
    expect(gtText).toContain(involvedGtMx.reference);
    expect(gtText).not.toContain(`Involved GT MX ${tag}`);
    expect(gtText).not.toContain(involvedHn.reference);
    expect(gtText).not.toContain(`Involved HN ${tag}`);
    expect(gtText).toContain(`Return documents ${tag}`);
    const mxText = text(mx.email);
    expect(mxText).toContain(involvedGtMx.reference);
    expect(mxText).not.toContain(involvedHn.reference);
    expect(mxText).not.toContain(`Return documents ${tag}`);
    expect(mxText).toMatch(/#general: \d+ unread/);
    const hnText = text(hn.email);
    expect(hnText).toContain(networkCase.reference);
    expect(hnText).toContain(involvedHn.reference);
    expect(hnText).not.toContain(`Involved HN ${tag}`);
    expect(hnText).not.toContain(involvedGtMx.reference);
    expect(digestsTo(smtp, disabled.email)).toHaveLength(0);
    // HTML with inlined CSS, and a text part
    const [html] = digestsTo(smtp, gt.email);
    expect(String(html.parsed.html)).toMatch(/<h2 style="[^"]+">/);
    expect(html.parsed.text).toContain(
      '== Liaison Officer Network to Combat Migrant Smuggling and Trafficking ==',
    );
    const rows = await db.query(`SELECT state, count(*)::int AS n FROM digest_deliveries GROUP BY state`);
    expect(rows.rows.find((r) => r.state === 'sent')?.n).toBeGreaterThanOrEqual(5);
  });

  it('unsubscribes with one click, once and again; an altered token is 404; the page offers weekly instead', async () => {
    const zone = 'Asia/Tokyo';
    const at = DateTime.now().setZone(zone).plus({ hours: 2 }).set({ minute: 10 });
    const email = uniqueEmail('unsub');
    await subscribeConfirmed(app, smtp, email, {
      networks: [CP],
      frequency: 'daily',
      hour: at.hour,
      timezone: zone,
      locale: 'en',
    });
    expect(await runCycle(admin, 'daily', at.toJSDate())).toBe(1);
    await smtp.waitFor(() => digestsTo(smtp, email).length === 1, 'the digest');
    const path = listUnsubscribePath(digestsTo(smtp, email)[0]);

    // the link opens the web client's page, which reads the subscription by the signed token (opening changes nothing)
    const linkToken = new URL(path, 'http://x').searchParams.get('token')!;
    const view = await anon.get(`/api/digest-subscriptions/by-token?token=${encodeURIComponent(linkToken)}`);
    expect(view.status).toBe(200);
    expect(view.body).toEqual({ locale: 'en', frequency: 'daily', status: 'active' });

    const oneClick = (p: string) =>
      anon.request('POST', p, 'List-Unsubscribe=One-Click', {
        'content-type': 'application/x-www-form-urlencoded',
      });
    expect((await oneClick(path)).status).toBe(200);
    expect((await oneClick(path)).status).toBe(200);
    const token = new URL(path, 'http://x').searchParams.get('token')!;
    const mac = token.split('.')[1];
    const altered = `/digest/unsubscribe?token=${encodeURIComponent(`${token.split('.')[0]}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`)}`;
    expect((await oneClick(altered)).status).toBe(404);
    const alteredToken = new URL(altered, 'http://x').searchParams.get('token')!;
    expect(
      (await anon.get(`/api/digest-subscriptions/by-token?token=${encodeURIComponent(alteredToken)}`)).status,
    ).toBe(404);
    for (const action of ['unsubscribe', 'weekly']) {
      const res = await anon.post(`/api/digest-subscriptions/${action}`, { token: alteredToken });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBeDefined();
    }
    // the page's button: the JSON twin of one-click, idempotent
    for (let i = 0; i < 2; i++) {
      const res = await anon.post('/api/digest-subscriptions/unsubscribe', { token });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('unsubscribed');
    }
    expect((await oneClick('/digest/unsubscribe?token=nonsense')).status).toBe(404);

    expect(await runCycle(admin, 'daily', at.plus({ days: 1 }).toJSDate())).toBe(0);
    // multipart, as RFC 8058 mail systems may send it, is accepted too
    const boundary = 'xyz';
    const multipart = await anon.request(
      'POST',
      path,
      `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
    );
    expect(multipart.status).toBe(200);

    // "weekly instead" keeps a weekly digest (Mondays at the chosen hour)
    const weekly = await anon.request('POST', path, 'action=weekly', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(weekly.status).toBe(200);
    expect(weekly.text).toContain('You will get the digest weekly');
    const monday = at.plus({ days: (8 - at.weekday) % 7 || 7 });
    expect(await runCycle(admin, 'daily', monday.toJSDate())).toBe(0);
    expect(await runCycle(admin, 'weekly', monday.toJSDate())).toBe(1);
    await smtp.waitFor(() => digestsTo(smtp, email).length === 2, 'the weekly digest');
    expect(digestsTo(smtp, email)[1].parsed.subject).toMatch(/^Your weekly Enlace digest/);
  });

  it('never puts a message body or a case summary in any email of the run (raw MIME)', () => {
    expect(smtp.messages.length).toBeGreaterThan(10);
    expect(secrets.length).toBeGreaterThan(3);
    expectNoSecrets(smtp, secrets);
  });

  it('rate limits subscription requests per client address (429 with Retry-After)', async () => {
    let limited: any;
    for (let i = 0; i < 12 && !limited; i++) {
      const res = await anon.post('/api/digest-subscriptions', {
        email: uniqueEmail('flood'),
        networks: [ST],
        frequency: 'daily',
        hour: 8,
        timezone: 'UTC',
        locale: 'en',
      });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(202);
    }
    expect(limited?.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
