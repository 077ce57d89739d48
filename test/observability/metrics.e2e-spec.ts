import { jest } from '@jest/globals';
import { SMTPServer } from 'smtp-server';
import { Lifecycle } from '#config';
import { startTestApp, type TestApp } from '../support/app.js';
import { freePort } from '../support/process.js';
import { loginAdmin, officer } from '../factories/users.js';
import { collect, connect, type ClientSocket } from '../messaging/support.js';
import { Scrape } from './scrape.js';

jest.setTimeout(120_000);

const ST = 'smuggling-trafficking';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** A real SMTP peer that accepts mail, except to @refused.test (550 at RCPT TO); it reports each answer. */
async function startSmtp() {
  const accepted: string[] = [];
  const refused: string[] = [];
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((w) => w());
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith('@refused.test')) {
        refused.push(address.address);
        cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        notify();
      } else cb();
    },
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        accepted.push(...session.envelope.rcptTo.map((r) => r.address));
        cb();
        notify();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    refused,
    until: (check: () => boolean, what: string, ms = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
        const test = () => {
          if (!check()) return void waiters.push(test);
          clearTimeout(timer);
          resolve();
        };
        test();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('GET /metrics (METRICS_PORT): the named series, parsed as Prometheus text, move with the work done', () => {
  let app: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let metricsUrl: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    app = await startTestApp({
      redis: true,
      env: { SMTP_URL: smtp.url, MISSED_MESSAGE_DELAY: 'PT1S', METRICS_PORT: String(port) },
    });
  });

  /** Scrapes until `check` holds (counters move when the work is settled, which the test cannot observe directly). */
  const scrapeUntil = async (check: (m: Scrape) => boolean, timeoutMs = 10_000): Promise<Scrape> => {
    const started = Date.now();
    for (;;) {
      const m = await Scrape.of(metricsUrl);
      if (check(m) || Date.now() - started > timeoutMs) return m;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
    await smtp?.close();
  });

  it('is served only on METRICS_PORT, in the Prometheus text format', async () => {
    const first = await Scrape.of(metricsUrl);
    expect(first.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
    const pub = await fetch(`${app.url}/metrics`);
    expect(await pub.text()).not.toContain('enlace_');
    for (const name of [
      'enlace_http_request_duration_seconds',
      'enlace_sockets_connected',
      'enlace_messages_stored_total',
      'enlace_messages_delivered_total',
      'enlace_queue_jobs',
      'enlace_job_lateness_seconds',
      'enlace_jobs_processed_total',
      'enlace_emails_sent_total',
      'enlace_emails_failed_total',
      'enlace_db_pool_connections',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(first.family(name).name).toBe(name);
    expect(first.family('enlace_http_request_duration_seconds').type).toBe('HISTOGRAM');
    expect(first.family('enlace_messages_stored_total').type).toBe('COUNTER');
    expect(first.family('enlace_queue_jobs').type).toBe('GAUGE');
  });

  it('counts requests by route template, sockets, messages stored and delivered, jobs, lateness, emails and pool use', async () => {
    const admin = await loginAdmin(app.url);
    const tag = Math.random().toString(36).slice(2, 7);
    const author = await officer(admin, 'GT', [ST]);
    const reader = await officer(admin, 'MX', [ST]);
    const away = await officer(admin, 'HN', [ST], { displayName: `Away${tag}` });
    const refused = await officer(admin, 'SV', [ST], {
      displayName: `Refused${tag}`,
      email: `r-${tag}@refused.test`,
    });
    const channels = await author.http.get(`/api/networks/${ST}/channels`);
    const general = channels.body.find((c: any) => c.name === 'general');

    const before = await Scrape.of(metricsUrl);
    const socket = await connect(app.url, reader.token);
    sockets.push(socket);
    const got = collect(socket, 'message.created');
    const live = await Scrape.of(metricsUrl);
    expect(live.value('enlace_sockets_connected')).toBe(before.value('enlace_sockets_connected') + 1);

    // one delayed missed-message job per message: the first succeeds, the second meets a refusing mailbox
    const bodies = [`@Away${tag} please look`, `@Refused${tag} second`, 'third'];
    for (const [i, body] of bodies.entries()) {
      const res = await author.http.post(`/api/channels/${general.id}/messages`, {
        body,
        clientMessageId: `metrics-${tag}-${i}`,
      });
      expect(res.status).toBe(201);
    }
    await got.until((items) => items.filter((m) => m.channelId === general.id).length === 3);
    // the delayed missed-message jobs run after MISSED_MESSAGE_DELAY: one email accepted, one refused
    await smtp.until(() => smtp.accepted.includes(away.email), 'the missed-message email');
    await smtp.until(() => smtp.refused.includes(refused.email), 'the refused email');

    // the mailer counts once it has the SMTP answer, the worker once the job is settled: scrape until they show
    const late = { queue: 'missed-messages' };
    const after = await scrapeUntil(
      (m) =>
        m.value('enlace_emails_failed_total') > before.value('enlace_emails_failed_total') &&
        m.value('enlace_jobs_processed_total', { ...late, result: 'completed' }) > 0,
    );

    const route = { method: 'POST', route: '/api/channels/:id/messages', status: '201' };
    const http = 'enlace_http_request_duration_seconds';
    expect(after.count(http, route) - before.count(http, route)).toBe(3);
    expect(after.count(http, { route: '/api/networks/:slug/channels' })).toBeGreaterThan(0);
    for (const r of after.labelValues(http, 'route')) expect(r).not.toMatch(UUID);

    expect(after.value('enlace_messages_stored_total') - before.value('enlace_messages_stored_total')).toBe(
      3,
    );
    expect(
      after.value('enlace_messages_delivered_total') - before.value('enlace_messages_delivered_total'),
    ).toBe(3);

    expect(after.count('enlace_job_lateness_seconds', late)).toBeGreaterThan(
      before.count('enlace_job_lateness_seconds', late),
    );
    expect(after.value('enlace_jobs_processed_total', { ...late, result: 'completed' })).toBeGreaterThan(0);
    expect(after.labelValues('enlace_queue_jobs', 'queue')).toEqual(
      expect.arrayContaining(['missed-messages', 'follow-up-reminders', 'digests']),
    );
    expect(after.labelValues('enlace_queue_jobs', 'state')).toEqual(
      expect.arrayContaining(['waiting', 'active', 'delayed', 'failed']),
    );

    expect(
      after.value('enlace_emails_sent_total') - before.value('enlace_emails_sent_total'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      after.value('enlace_emails_failed_total') - before.value('enlace_emails_failed_total'),
    ).toBeGreaterThanOrEqual(1);

    const pool = 'enlace_db_pool_connections';
    expect(after.value(pool, { state: 'total' })).toBeGreaterThan(0);
    expect(after.value(pool, { state: 'idle' })).toBeLessThanOrEqual(after.value(pool, { state: 'total' }));
    expect(after.labelValues(pool, 'state').sort()).toEqual(['idle', 'total', 'waiting']);

    socket.close();
    // the gauge follows the socket going away (its disconnect reaches the server asynchronously)
    const gone = await scrapeUntil(
      (m) => m.value('enlace_sockets_connected') === before.value('enlace_sockets_connected'),
    );
    expect(gone.value('enlace_sockets_connected')).toBe(before.value('enlace_sockets_connected'));
  });

  it('once stopping (what SIGTERM sets first), answers health with 503 draining and closes each connection', async () => {
    app.runtime.app.get(Lifecycle).startDraining();
    const res = await fetch(`${app.url}/api/health`);
    expect(res.status).toBe(503);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({
      status: 'draining',
      checks: { database: 'skipped', queue: 'skipped' },
      queueBackend: 'redis',
      tookMs: 0,
    });
    // other routes still answer (in-flight work finishes), closing their connection so clients come back elsewhere
    const me = await fetch(`${app.url}/api/me`);
    expect(me.status).toBe(401);
    expect(me.headers.get('connection')).toBe('close');
  });
});
