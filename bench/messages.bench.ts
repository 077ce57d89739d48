/**
 * `npm run bench:messages`: persisted messages per second, delivery latency and CPU per delivery of Enlace against
 * fair ceilings, in one run:
 *   - enlace-2p: two API processes (`ROLE=api`) on PostgreSQL and Redis (the streams adapter);
 *   - bare-2p:   two bare socket.io processes with the same Redis streams adapter and options (the fair ceiling);
 *   - enlace-1p: one process (`ROLE=all`, no Redis: in-memory adapter, queues on PostgreSQL);
 *   - bare-1p:   one bare socket.io process.
 * Clients: CHANNELS private channels of READERS readers each, spread over the processes; SENDERS_PER_CHANNEL of the
 * readers send. Phases: open loop at each of RATES msg/s (two-process topologies), and the sustained maximum with
 * WINDOW messages in flight per sender. Each phase prints the worst latency per 250 ms of send time (the timeline),
 * and with `BENCH_DIAG=1` the event-loop stalls and GC pauses of every server process, the client's own stalls and
 * PostgreSQL wait events, aligned on that timeline. CPU core-µs per delivery counts every server process (API or
 * bare, the PostgreSQL backends of the benchmark database, the benchmark's private redis-server) over the window.
 * Users, sessions and channels are written straight to the database and tokens signed with the deployment's secret;
 * everything measured goes through the real API. `BENCH_SERVER_ROOT` measures another build (e.g. an older commit).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BUCKET_MS, connectAll, runPhase, type Client, type PhaseResult } from './messages-phase.js';
import { cpuSeconds, privateRedis, spawnNode, stop, waitHttp, type Proc } from './processes.js';
import { LiteClient } from './lite-client.js';
import { accessToken, createBenchDatabase, freePort } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const serverRoot = resolve(process.env.BENCH_SERVER_ROOT ?? join(here, '..', '..'));
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 4);
const READERS = Number(process.env.BENCH_READERS ?? 50);
// 25 of 50 readers send: at the maximum each sender stays well under the per-user posting limit (MESSAGE_RATE_LIMIT, 60/s)
const SENDERS_PER_CHANNEL = Number(process.env.BENCH_SENDERS ?? 25);
const RATES = (process.env.BENCH_RATES ?? '250,500,1000').split(',').filter(Boolean).map(Number);
const TOPOLOGIES = (process.env.BENCH_TOPOLOGIES ?? 'enlace-2p,bare-2p,enlace-1p,bare-1p').split(',');
const WINDOW = Number(process.env.BENCH_WINDOW ?? 4);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 8000);
const DIAG = process.env.BENCH_DIAG === '1';
const SECRET = randomBytes(32).toString('base64url');
/**
 * Diagnostics on a shared machine: `BENCH_NICE=-15` (as root) runs the benchmark, its servers, its Redis and the
 * PostgreSQL backends of its database ahead of everything else, so other work on the machine disturbs it less.
 */
const NICE = process.env.BENCH_NICE ? Number(process.env.BENCH_NICE) : null;
const renice = (pid: number) => {
  if (NICE === null) return;
  try {
    setPriority(pid, NICE);
  } catch {
    /* gone, or not allowed */
  }
};
/** PostgreSQL's backends share the server's autogroup: raised while the benchmark runs, then put back. */
let pgAutogroup: { pid: number; nice: string } | null = null;
const raisePostgres = (pid: number) => {
  if (NICE === null || pgAutogroup) return;
  try {
    const nice = readFileSync(`/proc/${pid}/autogroup`, 'utf8').match(/nice (-?\d+)/)?.[1] ?? '0';
    writeFileSync(`/proc/${pid}/autogroup`, String(NICE));
    pgAutogroup = { pid, nice };
  } catch {
    /* no autogroups */
  }
};
const restorePostgres = () => {
  if (!pgAutogroup) return;
  try {
    writeFileSync(`/proc/${pgAutogroup.pid}/autogroup`, pgAutogroup.nice);
  } catch {
    /* the backend is gone; its group went with the server's other backends' */
  }
};

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const probeDir = mkdtempSync(join(tmpdir(), 'enlace-bench-probe-'));
const nodeArgs = [
  ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []),
  ...(DIAG ? ['--import', pathToFileURL(join(here, 'loop-probe.js')).href] : []),
];

interface Spec {
  userId: string;
  sessionId: string;
  channelId: string;
  sender: boolean;
}

/** CHANNELS private channels of READERS officers each, with sessions; returns who reads and who sends where. */
async function seed(databaseUrl: string): Promise<Spec[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const [{ id: networkId }] = (await db.query(`SELECT id FROM networks WHERE slug = 'smuggling-trafficking'`))
    .rows;
  const specs: Spec[] = [];
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
        `INSERT INTO auth_sessions (user_id, token_hash, expires_at)
         SELECT unnest($1::uuid[]), 'x', now() + interval '1 hour' RETURNING id, user_id`,
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
      specs.push({ userId: s.user_id, sessionId: s.id, channelId, sender: i < SENDERS_PER_CHANNEL }),
    );
  }
  // Diagnostics only: SQL run on the benchmark database before the phases (e.g. to measure an index's cost).
  if (process.env.BENCH_SETUP_SQL) await db.query(process.env.BENCH_SETUP_SQL);
  await db.end();
  return specs;
}

/** The pids of the PostgreSQL backends serving the benchmark database, refreshed while a topology runs. */
function watchBackends(db: pg.Client, database: string): { pids: number[]; stop(): void } {
  const state = { pids: [] as number[], timer: undefined as NodeJS.Timeout | undefined };
  const refresh = () =>
    db
      .query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database])
      .then(({ rows }) => {
        state.pids = rows.map((r: { pid: number }) => r.pid);
        state.pids.forEach(renice);
        if (state.pids.length) raisePostgres(state.pids[0]);
      })
      .catch(() => undefined);
  void refresh();
  state.timer = setInterval(() => void refresh(), 250);
  return {
    get pids() {
      return state.pids;
    },
    stop: () => clearInterval(state.timer),
  };
}

interface Topology {
  name: string;
  procs: number;
  enlace: boolean;
  redis: boolean;
  rates: number[];
}

const topologies: Record<string, Topology> = {
  'enlace-2p': { name: 'enlace-2p', procs: 2, enlace: true, redis: true, rates: RATES },
  'bare-2p': { name: 'bare-2p', procs: 2, enlace: false, redis: true, rates: RATES },
  'enlace-1p': { name: 'enlace-1p', procs: 1, enlace: true, redis: false, rates: [] },
  'bare-1p': { name: 'bare-1p', procs: 1, enlace: false, redis: false, rates: [] },
};

async function runTopology(
  t: Topology,
  ctx: {
    database: { url: string; name: string };
    redis: { url: string; pid: number | null };
    dataDir: string;
  },
  state: { specs: Spec[] | null; monitor: pg.Client },
): Promise<PhaseResult[]> {
  const procs: Proc[] = [];
  const results: PhaseResult[] = [];
  const backends = watchBackends(state.monitor, ctx.database.name);
  try {
    for (let i = 0; i < t.procs; i++) {
      const port = await freePort();
      const env: Record<string, string> = t.enlace
        ? {
            DATABASE_URL: ctx.database.url,
            JWT_SECRET: SECRET,
            ROLE: t.procs === 1 ? 'all' : 'api',
            LOG_LEVEL: 'warn',
            DATA_DIR: ctx.dataDir,
            BENCH_PROBE_DIR: probeDir,
            ...(t.redis ? { REDIS_URL: ctx.redis.url } : {}),
          }
        : { BENCH_PROBE_DIR: probeDir, ...(t.redis ? { BARE_REDIS_URL: ctx.redis.url } : {}) };
      const entry = t.enlace
        ? join(serverRoot, 'dist', 'apps', 'api', 'src', 'main.js')
        : join(here, 'bare-server.js');
      const p = spawnNode(entry, env, port, nodeArgs);
      procs.push(p);
      // the first Enlace process runs the migrations before the next starts
      await waitHttp(p, t.enlace ? '/api/health' : '/socket.io/?EIO=4&transport=polling');
    }
    state.specs ??= await seed(ctx.database.url);
    const serverPids = procs.map((p) => p.child.pid!);
    const cpu: Record<string, () => number> = {
      [t.enlace ? 'api' : 'bare']: () => cpuSeconds(serverPids),
      ...(t.enlace ? { postgres: () => cpuSeconds(backends.pids) } : {}),
      ...(t.redis && ctx.redis.pid ? { redis: () => cpuSeconds([ctx.redis.pid!]) } : {}),
      clients: () => cpuSeconds([process.pid]),
    };
    const serverGroups = Object.keys(cpu).filter((k) => k !== 'clients');
    log(`${t.name}: connecting ${state.specs.length} clients to ${t.procs} process(es)`);
    const clients: Client[] = await connectAll(
      state.specs.map((s, i) => ({
        url: procs[i % procs.length].url,
        auth: t.enlace ? { token: accessToken(SECRET, s.userId, s.sessionId) } : { rooms: [s.channelId] },
        channelId: s.channelId,
        sender: s.sender,
      })),
    );
    const opts = {
      cpu,
      serverGroups,
      warmupMs: WARMUP_MS,
      pg: DIAG && t.enlace ? { client: state.monitor, database: ctx.database.name } : undefined,
    };
    const settle = () => new Promise((r) => setTimeout(r, 1000));
    await runPhase(`${t.name} warm-up`, clients, { rate: 250 }, 3000, { ...opts, pg: undefined });
    await settle();
    for (const rate of t.rates) {
      log(`${t.name}: ${rate} msg/s for ${PHASE_MS / 1000} s`);
      results.push(await runPhase(`${t.name} ${rate}/s`, clients, { rate }, PHASE_MS, opts));
      await settle();
    }
    if (process.env.BENCH_MAX !== '0') {
      log(`${t.name}: maximum (${WINDOW} in flight per sender) for ${PHASE_MS / 1000} s`);
      results.push(await runPhase(`${t.name} max`, clients, { window: WINDOW }, PHASE_MS, opts));
    }
    clients.forEach((c) => c.socket.close());
    if (DIAG && t.redis) log(`${t.name}: Redis commands: ${redisCommands(ctx.redis.url)}`);
    log(
      `${t.name}: events received by the clients: ${JSON.stringify(Object.fromEntries(LiteClient.received))}`,
    );
    log(`${t.name}: a message.created frame (${LiteClient.sample.length} bytes): ${LiteClient.sample}`);
    LiteClient.received.clear();
    LiteClient.sample = '';
    for (const r of results)
      log(`${r.phase}: ${r.perSecond}/s p50 ${r.p50} p99 ${r.p99} ${r.coreUsPerDelivery} core-µs`);
  } finally {
    backends.stop();
    await Promise.all(procs.map(stop));
  }
  return results;
}

/** Redis commands served so far by name (`INFO commandstats`), e.g. `xadd 5210, xread 3990, evalsha 4000`. */
function redisCommands(url: string): string {
  const u = new URL(url);
  const out = execFileSync('redis-cli', ['-h', u.hostname, '-p', u.port || '6379', 'info', 'commandstats'], {
    encoding: 'utf8',
  });
  return [...out.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)]
    .map((m) => [m[1], Number(m[2])] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
}

/** The server processes' stalls and GC pauses inside a phase's window, as offsets on its timeline. */
function serverEvents(r: PhaseResult): string[] {
  const lines: string[] = [];
  for (const f of readdirSync(probeDir).filter((n) => n.startsWith('probe-'))) {
    const probe = JSON.parse(readFileSync(join(probeDir, f), 'utf8')) as {
      pid: number;
      stalls: Array<{ at: number; ms: number }>;
      gcs: Array<{ at: number; ms: number; kind: string }>;
    };
    const inside = (at: number) => at >= r.startedAt && at <= r.startedAt + PHASE_MS;
    for (const s of probe.stalls.filter((s) => inside(s.at)))
      lines.push(`  pid ${probe.pid} event loop blocked ${s.ms} ms at +${s.at - r.startedAt} ms`);
    for (const g of probe.gcs.filter((g) => inside(g.at)))
      lines.push(`  pid ${probe.pid} GC ${g.kind} ${g.ms} ms at +${g.at - r.startedAt} ms`);
  }
  for (const s of r.clientStalls) lines.push(`  client event loop blocked ${s.ms} ms at +${s.at} ms`);
  const waits = new Map<string, number>();
  for (const w of r.pgWaits)
    waits.set(`${w.event} at +${Math.floor(w.at / BUCKET_MS) * BUCKET_MS} ms`, w.count);
  for (const [k, n] of waits) lines.push(`  postgres: ${n} backend(s) waiting on ${k}`);
  return lines;
}

/**
 * Messages per second that reached every reader: the sent rate × the share of their deliveries that arrived (within
 * the phase and 5 s after it). At its maximum bare socket.io accepts messages faster than its clients can receive
 * them (17–21% of the deliveries never arrived in some runs): accepted messages are not throughput.
 */
const delivered = (r: PhaseResult) =>
  r.expectedDeliveries ? Math.round((r.perSecond * r.deliveries) / r.expectedDeliveries) : 0;

function report(results: PhaseResult[], started: number, load: string): string {
  const header = [
    'phase',
    'msg/s',
    'delivered msg/s',
    'errors',
    'deliveries',
    'p50 ms',
    'p99 ms',
    'max ms',
    'core-µs/delivery',
    'cores',
  ];
  const rows = results.map((r) => [
    r.phase,
    String(r.perSecond),
    String(delivered(r)),
    String(r.errors),
    `${r.deliveries}/${r.expectedDeliveries}`,
    String(r.p50),
    String(r.p99),
    String(r.max),
    String(r.coreUsPerDelivery),
    Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  const by = (name: string) => results.find((r) => r.phase === name);
  const ratio = (a?: PhaseResult, b?: PhaseResult, f = (r: PhaseResult) => r.perSecond) =>
    a && b ? (f(a) / f(b)).toFixed(2) : 'n/a';
  const cost = (r: PhaseResult) => r.coreUsPerDelivery;
  const p99At = (rate: number) => by(`enlace-2p ${rate}/s`)?.p99 ?? NaN;
  const timelines = results
    .filter((r) => !r.phase.endsWith('max'))
    .map((r) => `${r.phase.padEnd(16)} ${r.timeline.join(' ')}`);
  const out = [
    `messages benchmark: ${CHANNELS} channels × ${READERS} readers, ${CHANNELS * SENDERS_PER_CHANNEL} senders, ` +
      `${PHASE_MS / 1000} s phases; load average at start ${load}`,
    line(header),
    line(header.map((_, i) => '-'.repeat(widths[i]))),
    ...rows.map(line),
    '',
    `two processes: enlace max ÷ bare max (same Redis streams adapter), messages delivered to every reader = ${ratio(by('enlace-2p max'), by('bare-2p max'), delivered)} (target ≥ 0.7); messages accepted = ${ratio(by('enlace-2p max'), by('bare-2p max'))}`,
    `two processes: core-µs per delivery at the maximum, enlace ÷ bare = ${ratio(by('enlace-2p max'), by('bare-2p max'), cost)} (target ≤ 2)`,
    `one process:   enlace max ÷ bare max, delivered = ${ratio(by('enlace-1p max'), by('bare-1p max'), delivered)}; core-µs ratio ${ratio(by('enlace-1p max'), by('bare-1p max'), cost)}`,
    `p99 at 250 msg/s: ${p99At(250)} ms (target < 50); at 500 msg/s: ${p99At(500)} ms (target < 100)`,
    '',
    `timeline: worst latency (ms) of the messages sent in each ${BUCKET_MS} ms of the measured window`,
    ...timelines,
    ...(DIAG
      ? ['', 'diagnostics (BENCH_DIAG=1):', ...results.flatMap((r) => [r.phase, ...serverEvents(r)])]
      : []),
    `took ${Math.round((Date.now() - started) / 1000)} s`,
  ];
  return out.join('\n');
}

async function main() {
  const started = Date.now();
  if (NICE !== null) {
    setPriority(0, NICE);
    // with the kernel's autogroups, nice only orders processes of one session: raise this session's group too
    try {
      writeFileSync('/proc/self/autogroup', String(NICE));
    } catch {
      /* no autogroups here */
    }
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const database = await createBenchDatabase(PG_URL);
  const redis = await privateRedis();
  const monitor = new pg.Client({ connectionString: database.url });
  await monitor.connect();
  const results: PhaseResult[] = [];
  try {
    const state = { specs: null as Spec[] | null, monitor };
    const dataDir = mkdtempSync(join(tmpdir(), 'enlace-bench-'));
    for (const name of TOPOLOGIES) {
      const t = topologies[name];
      if (!t) throw new Error(`unknown topology ${name}`);
      results.push(...(await runTopology(t, { database, redis, dataDir }, state)));
    }
  } finally {
    restorePostgres();
    await monitor.end();
    await redis.stop();
    if (process.env.BENCH_KEEP_DB) log(`kept the database ${database.name}`);
    else await database.drop();
  }
  const text = report(results, started, load);
  process.stdout.write(text + '\n');
  const dir = join(here, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(dir, `messages-${stamp}.md`), '```\n' + text + '\n```\n');
  writeFileSync(
    join(dir, `messages-${stamp}.json`),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        load,
        serverRoot,
        config: { CHANNELS, READERS, SENDERS_PER_CHANNEL, RATES, WINDOW, PHASE_MS, TOPOLOGIES },
        results,
      },
      null,
      2,
    ),
  );
  process.stdout.write(`results written to bench/results/messages-${stamp}.{md,json}\n`);
}

main().catch((e) => {
  process.stderr.write(`benchmark failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
