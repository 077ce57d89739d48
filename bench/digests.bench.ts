/**
 * `npm run bench:digests`: one daily digest cycle over BENCH_SUBSCRIBERS subscribers (default 10,000) whose local
 * hour has come, in four time zones: 80% public subscribers (both networks: training and counts) and 20% officers'
 * account digests (cases by handling level, follow-ups due for their country, unread counts per channel). Everything
 * is rendered by the service (worker) and handed to a local SMTP server (smtp-server) that accepts and counts.
 *
 * Baseline in the same run: the same SMTP hand-off (nodemailer, the same pool settings as the service's Mailer,
 * the same concurrency) of one fixed, pre-rendered message, as many times, in a separate Node process. The ratio
 * digests/s ÷ baseline messages/s is the cost of our queries, rendering and queue around the hand-off.
 * Peak memory: the peak resident set (VmHWM) of the service process and of the baseline process.
 *
 * The service runs as a child process (ROLE=all, built `dist/`, BullMQ on Redis), loopback only. Subscribers and
 * officers are written straight to the database; cases and messages go through the API.
 * Figures go to stdout (a table) and bench/results/digests-<time>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { createBenchDatabase, freePort } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const OFFICER_SHARE = 0.2;
const ZONES = ['UTC', 'America/Guatemala', 'America/Mexico_City', 'Europe/Madrid'];
const COUNTRIES = ['GT', 'MX', 'BZ', 'CA', 'CR', 'DO', 'SV', 'HN', 'NI', 'PA', 'US'];
const CASES = 40;
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 10 * 60_000);
const SECRET = randomBytes(32).toString('base64url');
const ADMIN = { email: 'bench-admin@enlace.test', password: randomBytes(12).toString('hex') };

const log = (line: string) => process.stderr.write(`[bench:digests] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An SMTP server that accepts and counts (and remembers when the first and last message arrived). */
async function smtpSink() {
  let accepted = 0;
  let firstAt = 0;
  let lastAt = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    size: 5 * 1024 * 1024,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        accepted++;
        lastAt = Date.now();
        firstAt ||= lastAt;
        callback(null);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as any).port}`,
    accepted: () => accepted,
    reset: () => {
      accepted = 0;
      firstAt = 0;
      lastAt = 0;
    },
    firstAt: () => firstAt,
    lastAt: () => lastAt,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function api(url: string, token: string | undefined, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Peak resident set of a process (Linux /proc), in MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

/** The subscribers, all due at `at` in their own zone: public ones and officers' account digests. */
async function seed(databaseUrl: string, at: Date): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const networks = (await db.query(`SELECT id, slug FROM networks ORDER BY slug`)).rows;
    const st = networks.find((n) => n.slug === 'smuggling-trafficking').id;
    const zones = ZONES.map((z) => ({ zone: z, hour: DateTime.fromJSDate(at, { zone: z }).hour }));
    const officers = Math.round(SUBSCRIBERS * OFFICER_SHARE);
    const publics = SUBSCRIBERS - officers;
    await db.query(
      `INSERT INTO digest_subscriptions (email, status, networks, frequency, hour, timezone, locale, confirmed_at)
       SELECT 'public-' || i || '@example.org', 'active', ARRAY['smuggling-trafficking', 'consular-protection'], 'daily',
              ($2::int[])[1 + i % 4], ($3::text[])[1 + i % 4], CASE WHEN i % 2 = 0 THEN 'es' ELSE 'en' END, now()
         FROM generate_series(1, $1::int) AS i`,
      [publics, zones.map((z) => z.hour), zones.map((z) => z.zone)],
    );
    const users = (
      await db.query(
        `INSERT INTO users (email, password_hash, display_name, country, locale, timezone, calendar_token)
         SELECT 'officer-' || i || '@enlace.test', 'x', 'Officer ' || i, ($2::text[])[1 + i % $3], 
                CASE WHEN i % 2 = 0 THEN 'es' ELSE 'en' END, ($4::text[])[1 + i % 4], md5(random()::text || i)
           FROM generate_series(1, $1::int) AS i
         RETURNING id`,
        [officers, COUNTRIES, COUNTRIES.length, ZONES],
      )
    ).rows.map((r) => r.id);
    await db.query(
      `INSERT INTO network_memberships (user_id, network_id, role) SELECT unnest($1::uuid[]), $2, 'officer'`,
      [users, st],
    );
    await db.query(
      `INSERT INTO digest_subscriptions (user_id, status, networks, frequency, hour, timezone, locale, confirmed_at)
       SELECT u.id, 'active', ARRAY['smuggling-trafficking'], 'daily', ($2::int[])[1 + (row_number() OVER () % 4)::int],
              NULL, u.locale, now()
         FROM users u WHERE u.id = ANY($1::uuid[])`,
      [users, zones.map((z) => z.hour)],
    );
    // the account digests follow the account's zone: align the hour with it
    await db.query(
      `UPDATE digest_subscriptions s SET hour = z.hour
         FROM users u, unnest($1::text[], $2::int[]) AS z(zone, hour)
        WHERE s.user_id = u.id AND u.timezone = z.zone`,
      [zones.map((z) => z.zone), zones.map((z) => z.hour)],
    );
  } finally {
    await db.end();
  }
}

/** Cases (both handling levels), channel messages and follow-up items, through the API. */
async function content(url: string, adminToken: string): Promise<void> {
  const officer = { email: 'bench-officer@enlace.test', password: randomBytes(12).toString('hex') };
  await api(url, adminToken, 'POST', '/api/admin/users', {
    ...officer,
    displayName: 'Bench Officer',
    country: 'GT',
    locale: 'en',
    timezone: 'America/Guatemala',
    memberships: [{ network: 'smuggling-trafficking', role: 'officer' }],
  });
  const token = (await api(url, undefined, 'POST', '/api/auth/login', officer)).accessToken;
  for (let i = 0; i < CASES; i++) {
    await api(url, token, 'POST', '/api/networks/smuggling-trafficking/cases', {
      title: `Bench case ${i}`,
      type: i % 2 ? 'migrant-smuggling' : 'trafficking-in-persons',
      handling: i % 3 ? 'network' : 'involved',
      countries: i % 3 ? ['GT'] : ['GT', COUNTRIES[1 + (i % (COUNTRIES.length - 1))]],
      summary: `Summary of bench case ${i}`,
    });
  }
  const channels = await api(url, token, 'GET', '/api/networks/smuggling-trafficking/channels');
  const general = channels.find((c: any) => c.name === 'general').id;
  for (let i = 0; i < 20; i++)
    await api(url, token, 'POST', `/api/channels/${general}/messages`, {
      body: `Message ${i}`,
      clientMessageId: `b-${i}`,
    });
  for (const network of ['smuggling-trafficking', 'consular-protection']) {
    for (const [title, days] of [
      ['Visa requirements update', 3],
      ['Return documents', 200],
    ] as const) {
      await api(url, adminToken, 'POST', `/api/networks/${network}/follow-ups`, {
        title,
        dueAt: new Date(Date.now() + days * 86_400_000).toISOString(),
        countries: 'members',
        reminders: [],
      });
    }
  }
}

/** The baseline: the same SMTP hand-off of one fixed message, in its own Node process. */
async function baseline(
  smtpUrl: string,
  count: number,
): Promise<{ perSecond: number; peakRssMb: number; ms: number }> {
  const script = `
    import nodemailer from 'nodemailer';
    const t = nodemailer.createTransport({ url: process.env.SMTP_URL, pool: true, maxConnections: 4 });
    const html = '<!DOCTYPE html><html><body>' + '<p style="font-size:14px">A fixed digest paragraph.</p>'.repeat(40) + '</body></html>';
    const text = 'A fixed digest paragraph.\\n'.repeat(40);
    const n = Number(process.env.COUNT);
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        await t.sendMail({ from: 'Enlace <no-reply@localhost>', to: 'baseline-' + i + '@example.org', subject: 'Your daily Enlace digest', text, html,
          headers: { 'List-Unsubscribe': '<http://localhost/digest/unsubscribe?token=x>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const ms = Date.now() - started;
    t.close();
    process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, SMTP_URL: smtpUrl, COUNT: String(count) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  await new Promise((r) => child.once('exit', r));
  const r = JSON.parse(out);
  return { ms: r.ms, perSecond: Math.round((count / r.ms) * 1000), peakRssMb: Math.round(r.maxRssKb / 1024) };
}

async function main(): Promise<void> {
  const hardStop = setTimeout(
    () => {
      log('time budget exceeded: stopping');
      process.exit(2);
    },
    DEADLINE_MS + 5 * 60_000,
  );
  hardStop.unref();
  const flush = async () => {
    const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await r.flushdb();
    await r.quit();
  };
  await flush();
  const db = await createBenchDatabase(PG_URL);
  const sink = await smtpSink();
  let service: ChildProcess | undefined;
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    service = spawn(process.execPath, [join(root, 'dist', 'apps', 'api', 'src', 'main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        ROLE: 'all',
        PORT: String(port),
        DATABASE_URL: db.url,
        REDIS_URL,
        SMTP_URL: sink.url,
        JWT_SECRET: SECRET,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-bench-')),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout!.on('data', (c) => (output = (output + c).slice(-4000)));
    service.stderr!.on('data', (c) => (output = (output + c).slice(-4000)));
    const healthyBy = Date.now() + 60_000;
    for (;;) {
      if (service.exitCode !== null) throw new Error(`service exited:\n${output}`);
      if (Date.now() > healthyBy) throw new Error(`service not healthy:\n${output}`);
      try {
        if ((await fetch(`${url}/api/health`)).status === 200) break;
      } catch {
        /* not yet */
      }
      await sleep(100);
    }
    const adminToken = (await api(url, undefined, 'POST', '/api/auth/login', ADMIN)).accessToken;
    const at = new Date(Date.now() + 3600_000);
    log(`seeding ${SUBSCRIBERS} subscribers and the content`);
    await seed(db.url, at);
    await content(url, adminToken);
    sink.reset();
    const rssBefore = peakRssMb(service.pid!);

    log('digest cycle');
    const started = Date.now();
    const { queued } = await api(url, adminToken, 'POST', '/api/admin/digests/run', {
      frequency: 'daily',
      at: at.toISOString(),
    });
    const queuedMs = Date.now() - started;
    const deadline = started + DEADLINE_MS;
    let lastLog = Date.now();
    while (sink.accepted() < SUBSCRIBERS && Date.now() < deadline) {
      await sleep(50);
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`${sink.accepted()} / ${SUBSCRIBERS} digests handed to SMTP`);
      }
    }
    const ms = (sink.lastAt() || Date.now()) - started;
    const sent = sink.accepted();
    const servicePeak = peakRssMb(service.pid!);
    const ours = {
      queued,
      sent,
      ms,
      perSecond: Math.round((sent / ms) * 1000),
      queuedMs,
      peakRssMb: servicePeak,
    };

    log('baseline: the same SMTP hand-off of a fixed message');
    sink.reset();
    const base = await baseline(sink.url, SUBSCRIBERS);
    const ratio = Number((ours.perSecond / base.perSecond).toFixed(2));
    console.table([
      {
        run: 'Enlace digest cycle',
        messages: sent,
        seconds: Number((ms / 1000).toFixed(1)),
        'per second': ours.perSecond,
        'peak RSS MB': servicePeak,
      },
      {
        run: 'baseline: fixed message, same SMTP hand-off',
        messages: SUBSCRIBERS,
        seconds: Number((base.ms / 1000).toFixed(1)),
        'per second': base.perSecond,
        'peak RSS MB': base.peakRssMb,
      },
    ]);
    console.log(
      `digests/s ÷ baseline messages/s = ${ratio}; ${queued} queued in ${queuedMs} ms; service peak RSS ${servicePeak} MB (${rssBefore} MB before the cycle)`,
    );
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `digests-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          setup: {
            subscribers: SUBSCRIBERS,
            officerShare: OFFICER_SHARE,
            zones: ZONES,
            cases: CASES,
            node: process.version,
          },
          digests: { ...ours, peakRssBeforeCycleMb: rssBefore },
          baseline: base,
          ratio,
          complete: sent === SUBSCRIBERS,
        },
        null,
        2,
      ),
    );
    log(`results written to ${file}`);
    process.exitCode = sent === SUBSCRIBERS ? 0 : 1;
  } finally {
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service!.once('exit', r));
      service.kill('SIGTERM');
      const t = setTimeout(() => service!.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
    await sink.close();
    await db.drop();
    await flush();
  }
  process.exit(process.exitCode ?? 0);
}

main().catch((error) => {
  log(`failed: ${error?.stack ?? error}`);
  process.exit(1);
});
