/**
 * `npm run bench:reminders`: 10,000 reminders due within the same 10 seconds (ITEMS items, each assigned to 10
 * countries with 10 officers each, every item with one reminder at its due time, due times spread over WINDOW_MS)
 * to OFFICERS connected socket.io clients, on both queue backends (BullMQ on Redis, BullMQ on PostgreSQL).
 *
 * Measured at the client: lateness = arrival of `followup.reminder` − the reminder's time (p50, p99, max),
 * duplicates (a second event for the same officer and item) and losses (no event by the deadline). The emails of
 * the same reminders go to an SMTP sink in this process: counted, duplicates by Message-ID, and the time the last
 * one arrived. Baseline in the same run: the lateness of bare BullMQ delayed jobs (same backend, same spread, a
 * worker that only records the time), the floor any reminder sits on.
 *
 * The service runs as a child process (ROLE=all, built `dist/`), loopback only. Officers and their sessions are
 * written straight to the database and access tokens signed with the deployment's secret (creating 100 accounts
 * through argon2 would take most of the time budget); items are created through the API.
 * Figures go to stdout (a table) and bench/results/reminders-<time>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresBackend, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { io, type Socket } from 'socket.io-client';
import { accessToken, createBenchDatabase, freePort, percentile } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100);
const COUNTRIES = ['GT', 'MX', 'BZ', 'CA', 'CR', 'DO', 'SV', 'HN', 'NI', 'PA'];
const PER_COUNTRY = Number(process.env.BENCH_OFFICERS_PER_COUNTRY ?? 10);
const OFFICERS = COUNTRIES.length * PER_COUNTRY;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
/** From the end of the set-up to the first reminder. */
const LEAD_MS = Number(process.env.BENCH_LEAD_MS ?? 4_000);
const SOCKET_GRACE_MS = 30_000;
const EMAIL_GRACE_MS = Number(process.env.BENCH_EMAIL_GRACE_MS ?? 180_000);
const NETWORK = 'consular-protection';
const SECRET = randomBytes(32).toString('base64url');
const ADMIN = { email: 'bench-admin@enlace.test', password: randomBytes(12).toString('hex') };
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'redis,postgres').split(',') as Array<'redis' | 'postgres'>;

const log = (line: string) => process.stderr.write(`[bench:reminders] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    min: s[0] ?? NaN,
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
  };
}

async function until(check: () => boolean, deadline: number): Promise<boolean> {
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const db = await createBenchDatabase(PG_URL);
  try {
    return await run(db.url);
  } finally {
    await db.drop();
  }
}

async function flushBenchRedis(): Promise<void> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await r.flushdb();
  await r.quit();
}

/** An SMTP sink: counts accepted messages by Message-ID. */
async function smtpSink() {
  const byId = new Map<string, number>();
  let accepted = 0;
  let lastAt = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 4096) head += c.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? `?${accepted}`;
        byId.set(id, (byId.get(id) ?? 0) + 1);
        accepted++;
        lastAt = Date.now();
        callback(null);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as any).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted: () => accepted,
    unique: () => byId.size,
    lastAt: () => lastAt,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Service {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function startService(env: Record<string, string>, port: number): Service {
  let out = '';
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', 'api', 'src', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return { child, url: `http://127.0.0.1:${port}`, output: () => out.slice(-4000) };
}

async function waitHealthy(s: Service, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (s.child.exitCode !== null) throw new Error(`service exited:\n${s.output()}`);
    try {
      if ((await fetch(`${s.url}/api/health`)).status === 200) return;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error(`service not healthy:\n${s.output()}`);
}

async function stopService(s: Service): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
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

/** Officers straight into the database (no argon2), with live sessions; returns their ids and access tokens. */
async function seedOfficers(
  databaseUrl: string,
): Promise<Array<{ id: string; country: string; token: string }>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const [{ id: networkId }] = (await db.query(`SELECT id FROM networks WHERE slug = $1`, [NETWORK])).rows;
    const countries = COUNTRIES.flatMap((c) => Array.from({ length: PER_COUNTRY }, () => c));
    const users = (
      await db.query(
        `INSERT INTO users (email, password_hash, display_name, country, locale, timezone, calendar_token)
         SELECT 'bench-' || i || '@enlace.test', 'x', 'Officer ' || i, c, CASE WHEN i % 2 = 0 THEN 'es' ELSE 'en' END,
                'America/Guatemala', md5(random()::text || i)
           FROM unnest($1::text[]) WITH ORDINALITY AS t(c, i)
         RETURNING id, country`,
        [countries],
      )
    ).rows as Array<{ id: string; country: string }>;
    await db.query(
      `INSERT INTO network_memberships (user_id, network_id, role) SELECT unnest($1::uuid[]), $2, 'officer'`,
      [users.map((u) => u.id), networkId],
    );
    const sessions = (
      await db.query(
        `INSERT INTO auth_sessions (user_id, token_hash, expires_at) SELECT unnest($1::uuid[]), 'x', now() + interval '1 hour'
         RETURNING id, user_id AS "userId"`,
        [users.map((u) => u.id)],
      )
    ).rows as Array<{ id: string; userId: string }>;
    const sid = new Map(sessions.map((s) => [s.userId, s.id]));
    return users.map((u) => ({
      id: u.id,
      country: u.country,
      token: accessToken(SECRET, u.id, sid.get(u.id)!),
    }));
  } finally {
    await db.end();
  }
}

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token },
    forceNew: true,
    reconnection: false,
  });
  return new Promise((res, rej) => {
    socket.once('connect', () => res(socket));
    socket.once('connect_error', (e) => rej(e));
  });
}

interface BackendResult {
  backend: 'redis' | 'postgres';
  reminders: {
    expected: number;
    received: number;
    duplicates: number;
    lost: number;
    latenessMs: ReturnType<typeof stats>;
  };
  emails: {
    expected: number;
    accepted: number;
    duplicates: number;
    lost: number;
    lastAfterLastDueMs: number;
  };
  baselineBareQueueLatenessMs: ReturnType<typeof stats>;
  ratioP99: number;
}

async function runService(backend: 'redis' | 'postgres', databaseUrl: string) {
  const smtp = await smtpSink();
  const port = await freePort();
  const service = startService(
    {
      ROLE: 'all',
      DATABASE_URL: databaseUrl,
      ...(backend === 'redis' ? { REDIS_URL } : {}),
      JWT_SECRET: SECRET,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-bench-')),
      SMTP_URL: smtp.url,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    },
    port,
  );
  const sockets: Socket[] = [];
  try {
    await waitHealthy(service);
    const adminToken = (await api(service.url, undefined, 'POST', '/api/auth/login', ADMIN)).accessToken;
    const today = new Date().toISOString().slice(0, 10);
    const endsOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await api(service.url, adminToken, 'PUT', '/api/admin/presidency', {
      country: 'GT',
      startsOn: today,
      endsOn,
    });
    const officers = await seedOfficers(databaseUrl);
    log(`${backend}: ${officers.length} officers; connecting their sockets`);

    const firstAt = new Map<string, number>();
    let received = 0;
    let duplicates = 0;
    const dueOf = new Map<string, number>();
    const lateness: number[] = [];
    for (const [i, o] of officers.entries()) {
      const socket = await connect(service.url, o.token);
      socket.on('followup.reminder', (e: { followUpId: string }) => {
        const now = Date.now();
        received++;
        const key = `${i}:${e.followUpId}`;
        if (firstAt.has(key)) duplicates++;
        else firstAt.set(key, now);
      });
      sockets.push(socket);
    }

    const ppt = officers.find((o) => o.country === 'GT')!;
    const createdAt = Date.now();
    const estimatedSetupMs = 3_000 + ITEMS * 60;
    const t0 = createdAt + estimatedSetupMs + LEAD_MS;
    const step = WINDOW_MS / ITEMS;
    for (let k = 0; k < ITEMS; k++) {
      const due = Math.round(t0 + k * step);
      const item = await api(service.url, ppt.token, 'POST', `/api/networks/${NETWORK}/follow-ups`, {
        title: `Bench item ${k}`,
        dueAt: new Date(due).toISOString(),
        countries: COUNTRIES,
        reminders: ['PT0S'],
      });
      dueOf.set(item.id, due);
    }
    if (Date.now() > t0)
      log(`warning: the items were created ${Date.now() - t0} ms after the first due time`);
    log(`${backend}: ${ITEMS} items created; reminders due from +${t0 - Date.now()} ms over ${WINDOW_MS} ms`);

    const expected = ITEMS * OFFICERS;
    const lastDue = t0 + (ITEMS - 1) * step;
    await until(() => firstAt.size >= expected, lastDue + SOCKET_GRACE_MS);
    for (const [key, at] of firstAt) lateness.push(at - dueOf.get(key.slice(key.indexOf(':') + 1))!);
    log(`${backend}: ${firstAt.size}/${expected} socket reminders; waiting for the emails`);
    await until(() => smtp.unique() >= expected, Date.now() + EMAIL_GRACE_MS);
    // a short quiet period catches late duplicates of either kind
    await sleep(1000);
    return {
      reminders: {
        expected,
        received,
        duplicates,
        lost: expected - firstAt.size,
        latenessMs: stats(lateness),
      },
      emails: {
        expected,
        accepted: smtp.accepted(),
        duplicates: smtp.accepted() - smtp.unique(),
        lost: expected - smtp.unique(),
        lastAfterLastDueMs: smtp.lastAt() ? smtp.lastAt() - Math.round(lastDue) : NaN,
      },
    };
  } finally {
    for (const s of sockets) s.close();
    await stopService(service);
    await smtp.close();
  }
}

/** Bare BullMQ on the same backend: ITEMS delayed jobs over the same window; lateness at the processor. */
async function bareQueue(backend: 'redis' | 'postgres', databaseUrl: string) {
  const name = 'bench-bare-delayed';
  const connection = backend === 'redis' ? new Redis(REDIS_URL, { maxRetriesPerRequest: null }) : undefined;
  const pgConn = { connectionString: databaseUrl, schema: 'bullmq', migrate: true, max: 5 };
  const queue =
    backend === 'redis'
      ? new Queue(name, { connection: connection!, prefix: 'bench' })
      : (new Queue(name, { connection: pgConn } as any, createPostgresBackend as any) as Queue);
  const lateness: number[] = [];
  const worker =
    backend === 'redis'
      ? new Worker(name, async (job) => void lateness.push(Date.now() - job.data.due), {
          connection: connection!.duplicate(),
          prefix: 'bench',
          concurrency: 16,
        })
      : (new Worker(
          name,
          async (job) => void lateness.push(Date.now() - job.data.due),
          { connection: pgConn, concurrency: 16 } as any,
          createPostgresBackend as any,
        ) as Worker);
  try {
    await worker.waitUntilReady();
    const t0 = Date.now() + 2000;
    const step = WINDOW_MS / ITEMS;
    for (let k = 0; k < ITEMS; k++) {
      const due = Math.round(t0 + k * step);
      await queue.add('tick', { due }, { delay: due - Date.now(), removeOnComplete: true });
    }
    await until(() => lateness.length >= ITEMS, t0 + WINDOW_MS + 30_000);
    return stats(lateness);
  } finally {
    await worker.close();
    await queue.close();
    await connection?.quit();
  }
}

async function main(): Promise<void> {
  const hardStop = setTimeout(() => {
    log('time budget exceeded (15 minutes): stopping');
    process.exit(2);
  }, 15 * 60_000);
  hardStop.unref();
  const results: BackendResult[] = [];
  for (const backend of BACKENDS) {
    log(`backend ${backend}`);
    if (backend === 'redis') await flushBenchRedis();
    const r = await withDatabase(async (url) => {
      const service = await runService(backend, url);
      if (backend === 'redis') await flushBenchRedis();
      const baseline = await bareQueue(backend, url);
      return { ...service, baselineBareQueueLatenessMs: baseline };
    });
    results.push({
      backend,
      ...r,
      ratioP99: r.reminders.latenessMs.p99 / Math.max(1, r.baselineBareQueueLatenessMs.p99),
    });
  }
  if (BACKENDS.includes('redis')) await flushBenchRedis();

  const rows = results.map((r) => ({
    backend: r.backend,
    reminders: `${r.reminders.expected - r.reminders.lost}/${r.reminders.expected}`,
    'p50 ms': r.reminders.latenessMs.p50,
    'p99 ms': r.reminders.latenessMs.p99,
    'max ms': r.reminders.latenessMs.max,
    dup: r.reminders.duplicates,
    lost: r.reminders.lost,
    emails: `${r.emails.accepted - r.emails.duplicates}/${r.emails.expected}`,
    'email dup': r.emails.duplicates,
    'last email after last due (s)': Number((r.emails.lastAfterLastDueMs / 1000).toFixed(1)),
    'bare queue p50/p99 ms': `${r.baselineBareQueueLatenessMs.p50}/${r.baselineBareQueueLatenessMs.p99}`,
  }));
  console.table(rows);
  const ok = results.every(
    (r) => r.reminders.latenessMs.p99 < 500 && r.reminders.duplicates === 0 && r.reminders.lost === 0,
  );
  console.log(
    ok
      ? 'target met: p99 < 500 ms, 0 duplicates, 0 lost (both backends)'
      : 'TARGET MISSED (p99 < 500 ms, 0 duplicates, 0 lost)',
  );
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `reminders-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        setup: {
          items: ITEMS,
          officers: OFFICERS,
          countries: COUNTRIES.length,
          windowMs: WINDOW_MS,
          node: process.version,
        },
        results,
        targetMet: ok,
      },
      null,
      2,
    ),
  );
  log(`results written to ${file}`);
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  log(`failed: ${error?.stack ?? error}`);
  process.exit(1);
});
