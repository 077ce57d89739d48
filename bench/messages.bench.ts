/**
 * `npm run bench:messages`: persisted messages per second and delivery latency on two API processes (PostgreSQL +
 * Redis streams adapter), against the ceiling of a bare socket.io broadcast server with the same clients, in one run.
 *
 * Clients: CHANNELS private channels of READERS readers each, spread over both API processes; SENDERS_PER_CHANNEL of
 * the readers send. Phases (each for the bare server too):
 *   - rate:  RATE messages/s in all, open loop → persisted/s, delivery latency p50/p99 over every reader;
 *   - max:   each sender keeps WINDOW messages in flight → the sustained maximum.
 * The ratio is ours ÷ bare at the maximum. Figures go to stdout (a table) and bench/results/messages-<time>.json.
 * Users, sessions and channels are written straight to the database and access tokens signed with the deployment's
 * secret (creating 200 accounts through argon2 would take the whole time budget); everything measured goes through
 * the real API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { LiteClient } from './lite-client.js';
import { accessToken, createBenchDatabase, freePort, percentile } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/11';
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 4);
const READERS = Number(process.env.BENCH_READERS ?? 50);
const SENDERS_PER_CHANNEL = Number(process.env.BENCH_SENDERS ?? 10);
const RATES = (process.env.BENCH_RATES ?? '250,500,750,1000').split(',').map(Number);
const TARGET_RATE = 1000;
const WINDOW = Number(process.env.BENCH_WINDOW ?? 4);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 8000);
const SECRET = randomBytes(32).toString('base64url');
const BODY = 'Informe de seguimiento: tráfico ilícito de migrantes en la ruta norte, sin novedad. '.repeat(2);

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function spawnNode(entry: string, env: Record<string, string>, port: number): Proc {
  let out = '';
  const nodeArgs =
    process.env.BENCH_NODE_ARGS && entry.endsWith('main.js') ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  if (process.env.BENCH_SHOW_LOGS) {
    child.stdout!.on('data', (c) => process.stderr.write(c));
    child.stderr!.on('data', (c) => process.stderr.write(c));
  }
  return { child, url: `http://127.0.0.1:${port}`, output: () => out };
}

async function waitHttp(p: Proc, path: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`process exited:\n${p.output()}`);
    try {
      const r = await fetch(p.url + path);
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${ms} ms:\n${p.output()}`);
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (p.child.exitCode === null) p.child.kill('SIGKILL');
}

interface Client {
  socket: LiteClient;
  channelId: string;
  sender: boolean;
}

/** CPU seconds used so far by processes: by pid, or by command name (all postgres backends, redis-server). */
function cpuSeconds(match: { pids?: number[]; comm?: string }): number {
  const hz = 100;
  let ticks = 0;
  const pids =
    match.pids ??
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (match.comm && !comm.startsWith(match.comm)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / hz;
}

let cpuGroups: Record<string, () => number> = {};

/** Waits until the servers have drained what a phase left (no backlog carried into the next). */
async function quiesce(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000));
}

interface PhaseResult {
  phase: string;
  sent: number;
  persisted: number;
  errors: number;
  perSecond: number;
  deliveries: number;
  expectedDeliveries: number;
  p50: number;
  p99: number;
  max: number;
  /** Cores used during the measured window, by process group. */
  cpu: Record<string, number>;
  /** p99 event-loop delay of the benchmark's own client process (ms): how much of the latency is the clients'. */
  clientLoopP99: number;
}

/** Runs one phase on connected clients: open loop at `rate` msg/s, or closed loop with `window` in flight per sender. */
async function runPhase(
  name: string,
  clients: Client[],
  mode: { rate?: number; window?: number },
  durationMs: number,
): Promise<PhaseResult> {
  const senders = clients.filter((c) => c.sender);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  let persisted = 0;
  let errors = 0;
  let sent = 0;
  let deliveries = 0;
  const onCreated = (clientMessageId: string) => {
    const t = sentAt.get(clientMessageId);
    if (t === undefined) return;
    deliveries++;
    latencies.push(performance.now() - t);
  };
  for (const c of clients) c.socket.onCreated = onCreated;
  let running = true;
  const inFlight = new Set<Promise<void>>();
  const sendOne = (c: Client): Promise<void> => {
    const id = randomUUID();
    const t = performance.now();
    const measured = measuring;
    if (measured) {
      sentAt.set(id, t);
      sent++;
    }
    return c.socket
      .emit('message.send', { channelId: c.channelId, body: BODY, clientMessageId: id })
      .then((ok) => {
        if (!measured) return;
        if (ok) persisted++;
        else errors++;
      });
  };
  const loops: Promise<void>[] = [];
  if (mode.rate) {
    const perSender = mode.rate / senders.length;
    const interval = 1000 / perSender;
    senders.forEach((c, i) => {
      loops.push(
        (async () => {
          let next = performance.now() + (i / senders.length) * interval;
          while (running) {
            const wait = next - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            next += interval;
            const p = sendOne(c);
            inFlight.add(p);
            void p.then(() => inFlight.delete(p));
          }
        })(),
      );
    });
  } else {
    for (const c of senders) {
      for (let w = 0; w < (mode.window ?? 1); w++) {
        loops.push(
          (async () => {
            while (running) await sendOne(c);
          })(),
        );
      }
    }
  }
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  const started = performance.now();
  const cpuBefore = Object.fromEntries(Object.entries(cpuGroups).map(([k, f]) => [k, f()]));
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  await new Promise((r) => setTimeout(r, durationMs));
  measuring = false;
  loop.disable();
  const elapsed = performance.now() - started;
  const cpu = Object.fromEntries(
    Object.entries(cpuGroups).map(([k, f]) => [
      k,
      Math.round(((f() - cpuBefore[k]) / (elapsed / 1000)) * 100) / 100,
    ]),
  );
  running = false;
  await Promise.all(loops);
  await Promise.all(inFlight);
  // Let deliveries of the measured messages arrive (bounded).
  const expected = sent * READERS;
  const until = performance.now() + 5000;
  while (deliveries < expected && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  for (const c of clients) c.socket.onCreated = null;
  latencies.sort((a, b) => a - b);
  return {
    phase: name,
    sent,
    persisted,
    errors,
    perSecond: Math.round((persisted / elapsed) * 1000),
    deliveries,
    expectedDeliveries: expected,
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10,
    max: Math.round((latencies[latencies.length - 1] ?? NaN) * 10) / 10,
    cpu,
    clientLoopP99: Math.round(loop.percentile(99) / 1e5) / 10,
  };
}

async function connectAll(
  specs: Array<{ url: string; auth: object; channelId: string; sender: boolean }>,
): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < specs.length; i += 25) {
    const batch = specs.slice(i, i + 25);
    out.push(
      ...(await Promise.all(
        batch.map(async (s) => ({
          socket: await LiteClient.connect(s.url, s.auth),
          channelId: s.channelId,
          sender: s.sender,
        })),
      )),
    );
  }
  return out;
}

async function main() {
  const started = Date.now();
  const database = await createBenchDatabase(PG_URL);
  const procs: Proc[] = [];
  const results: PhaseResult[] = [];
  try {
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      JWT_SECRET: SECRET,
      ROLE: 'api',
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-bench-')),
    };
    const main = join(root, 'dist', 'apps', 'api', 'src', 'main.js');
    log('starting API process A (migrations)');
    const a = spawnNode(main, env, await freePort());
    procs.push(a);
    await waitHttp(a, '/api/health');
    log('starting API process B');
    const b = spawnNode(main, env, await freePort());
    procs.push(b);
    await waitHttp(b, '/api/health');

    // Seed: CHANNELS private channels of READERS officers each, sessions, signed tokens.
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const [{ id: networkId }] = (
      await db.query(`SELECT id FROM networks WHERE slug = 'smuggling-trafficking'`)
    ).rows;
    const specs: Array<{ userId: string; token: string; channelId: string; sender: boolean; url: string }> =
      [];
    for (let c = 0; c < CHANNELS; c++) {
      const users = (
        await db.query(
          `INSERT INTO users (email, password_hash, display_name, country, locale, timezone, calendar_token)
           SELECT 'bench-' || $1::int || '-' || g || '@enlace.test', 'x', 'Bench ' || g, 'GT', 'en', 'UTC', md5(random()::text) || g
             FROM generate_series(1, $2::int) g RETURNING id`,
          [c, READERS],
        )
      ).rows.map((r: { id: string }) => r.id);
      await db.query(
        `INSERT INTO network_memberships (user_id, network_id, role) SELECT unnest($1::uuid[]), $2, 'officer'`,
        [users, networkId],
      );
      const sessions = (
        await db.query(
          `INSERT INTO auth_sessions (user_id, token_hash, expires_at) SELECT unnest($1::uuid[]), 'x', now() + interval '1 hour' RETURNING id, user_id`,
          [users],
        )
      ).rows as Array<{ id: string; user_id: string }>;
      const [{ id: channelId }] = (
        await db.query(
          `INSERT INTO channels (network_id, name, visibility) VALUES ($1, $2, 'private') RETURNING id`,
          [networkId, `bench-${c}`],
        )
      ).rows;
      await db.query(`INSERT INTO channel_members (channel_id, user_id) SELECT $1, unnest($2::uuid[])`, [
        channelId,
        users,
      ]);
      sessions.forEach((s, i) =>
        specs.push({
          userId: s.user_id,
          token: accessToken(SECRET, s.user_id, s.id),
          channelId,
          sender: i < SENDERS_PER_CHANNEL,
          url: i % 2 === 0 ? a.url : b.url,
        }),
      );
    }
    // Diagnostics only: SQL run on the benchmark database before the phases (e.g. to measure an index's cost).
    if (process.env.BENCH_SETUP_SQL) await db.query(process.env.BENCH_SETUP_SQL);
    await db.end();
    cpuGroups = {
      api: () => cpuSeconds({ pids: [a.child.pid!, b.child.pid!] }),
      postgres: () => cpuSeconds({ comm: 'postgres' }),
      redis: () => cpuSeconds({ comm: 'redis-server' }),
      clients: () => cpuSeconds({ pids: [process.pid] }),
    };
    log(
      `connecting ${specs.length} clients (${CHANNELS} channels × ${READERS} readers, ${CHANNELS * SENDERS_PER_CHANNEL} senders) to both processes`,
    );
    const ours = await connectAll(
      specs.map((s) => ({ url: s.url, auth: { token: s.token }, channelId: s.channelId, sender: s.sender })),
    );
    log('warm-up (not measured): 250 msg/s');
    await runPhase('warm-up', ours, { rate: 250 }, 3000);
    await quiesce();
    for (const rate of RATES) {
      log(`enlace: ${rate} msg/s for ${PHASE_MS / 1000} s`);
      results.push(await runPhase(`enlace ${rate}/s`, ours, { rate }, PHASE_MS));
      log(JSON.stringify(results[results.length - 1]));
      await quiesce();
    }
    log(`enlace: maximum (${WINDOW} in flight per sender) for ${PHASE_MS / 1000} s`);
    results.push(await runPhase('enlace max', ours, { window: WINDOW }, PHASE_MS));
    log(JSON.stringify(results[results.length - 1]));
    ours.forEach((c) => c.socket.close());
    await Promise.all(procs.splice(0).map(stop));

    if (!process.env.BENCH_SKIP_BARE) {
      log('bare socket.io server (ceiling)');
      const bare = spawnNode(join(here, 'bare-server.js'), {}, await freePort());
      procs.push(bare);
      await waitHttp(bare, '/socket.io/?EIO=4&transport=polling');
      cpuGroups = {
        bare: () => cpuSeconds({ pids: [bare.child.pid!] }),
        clients: () => cpuSeconds({ pids: [process.pid] }),
      };
      const bareClients = await connectAll(
        specs.map((s) => ({
          url: bare.url,
          auth: { rooms: [s.channelId] },
          channelId: s.channelId,
          sender: s.sender,
        })),
      );
      results.push(await runPhase(`bare ${TARGET_RATE}/s`, bareClients, { rate: TARGET_RATE }, PHASE_MS));
      log(JSON.stringify(results[results.length - 1]));
      results.push(await runPhase('bare max', bareClients, { window: WINDOW }, PHASE_MS));
      log(JSON.stringify(results[results.length - 1]));
      bareClients.forEach((c) => c.socket.close());
    }
  } finally {
    await Promise.all(procs.map(stop));
    if (process.env.BENCH_KEEP_DB) log(`kept the database ${database.name}`);
    else await database.drop();
  }

  const by = (name: string) => results.find((r) => r.phase === name)!;
  const ratio = by('bare max') ? by('enlace max').perSecond / by('bare max').perSecond : NaN;
  const header = [
    'phase',
    'persisted/s',
    'sent',
    'errors',
    'deliveries',
    'p50 ms',
    'p99 ms',
    'max ms',
    'client loop p99 ms',
    'cores used',
  ];
  const rows = results.map((r) => [
    r.phase,
    String(r.perSecond),
    String(r.sent),
    String(r.errors),
    `${r.deliveries}/${r.expectedDeliveries}`,
    String(r.p50),
    String(r.p99),
    String(r.max),
    String(r.clientLoopP99),
    Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const out = [
    `messages benchmark: 2 API processes (PostgreSQL + Redis streams adapter), ${CHANNELS} channels × ${READERS} readers, ${CHANNELS * SENDERS_PER_CHANNEL} senders`,
    line(header),
    ...rows.map(line),
    `ratio (enlace max ÷ bare socket.io max): ${ratio.toFixed(2)}`,
    `target: ≥ ${TARGET_RATE} persisted msg/s to ${READERS} readers each with p99 < 100 ms, ratio ≥ 0.3`,
    `highest offered rate held with p99 < 100 ms: ${
      results
        .filter(
          (r) => r.phase.startsWith('enlace') && r.phase.endsWith('/s') && r.p99 < 100 && r.errors === 0,
        )
        .map((r) => r.perSecond)
        .sort((x, y) => y - x)[0] ?? 'none'
    } msg/s`,
    `took ${Math.round((Date.now() - started) / 1000)} s`,
  ].join('\n');
  process.stdout.write(out + '\n');
  const dir = join(here, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `messages-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        config: { CHANNELS, READERS, SENDERS_PER_CHANNEL, RATES, WINDOW, PHASE_MS },
        results,
        ratio,
      },
      null,
      2,
    ),
  );
  process.stdout.write(`results written to ${file}\n`);
}

main().catch((e) => {
  process.stderr.write(`benchmark failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
