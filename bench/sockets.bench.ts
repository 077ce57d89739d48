/**
 * `npm run bench:sockets`: SOCKETS idle authenticated sockets on one API process (ROLE=api, in-memory adapter), and
 * the memory each costs, against bare socket.io with the same server options, transport (WebSocket, no compression),
 * clients and number of rooms per socket, in the same run. Memory per socket = (RSS with every socket connected and
 * settled − RSS after a warm-up of WARMUP sockets that connected and left) ÷ SOCKETS, the same method for both; each
 * reading follows a full garbage collection in the server (bench/gc-on-signal.ts, preloaded into both).
 * The sockets come from CLIENT_PROCS child processes (bench/sockets-client.ts); clients and server share the 2 cores.
 * One user and session per socket, written straight to the database; tokens signed with the deployment's secret.
 * RUNS runs (default 3), each server in a fresh process per run; the figures are the medians.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  benchDir,
  load,
  log,
  median,
  root,
  round,
  rssBytes,
  spawnProc,
  stopProc,
  table,
  waitHttp,
  writeResults,
  type Proc,
} from './catchup-support.js';
import { accessToken, createBenchDatabase, freePort } from './support.js';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const CLIENT_PROCS = Number(process.env.BENCH_CLIENT_PROCS ?? 4);
const WARMUP = Math.min(200, SOCKETS);
const BATCH = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECRET = randomBytes(32).toString('base64url');

const openFilesLimit = () => /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Spec {
  token: string;
  rooms: string[];
}

async function seed(db: pg.Client): Promise<Spec[]> {
  const [{ id: networkId }] = (await db.query(`SELECT id FROM networks WHERE slug = 'smuggling-trafficking'`))
    .rows;
  const channels = (
    await db.query(`SELECT id FROM channels WHERE network_id = $1 AND kind = 'channel'`, [networkId])
  ).rows.map((r: { id: string }) => r.id);
  const users = (
    await db.query(
      `INSERT INTO users (email, password_hash, display_name, country, locale, timezone, calendar_token)
       SELECT 'idle-' || g || '@enlace.test', 'x', 'Idle ' || g,
              (ARRAY['GT','MX','SV','HN','CR','PA','BZ','NI','DO','CA','US'])[1 + g % 11], 'es', 'UTC', md5(random()::text) || g
         FROM generate_series(1, $1::int) g RETURNING id, country`,
      [SOCKETS],
    )
  ).rows as Array<{ id: string; country: string }>;
  await db.query(
    `INSERT INTO network_memberships (user_id, network_id, role) SELECT unnest($1::uuid[]), $2, 'officer'`,
    [users.map((u) => u.id), networkId],
  );
  const sessions = (
    await db.query(
      `INSERT INTO auth_sessions (user_id, token_hash, expires_at)
       SELECT unnest($1::uuid[]), 'x', now() + interval '2 hours' RETURNING id, user_id`,
      [users.map((u) => u.id)],
    )
  ).rows as Array<{ id: string; user_id: string }>;
  const country = new Map(users.map((u) => [u.id, u.country]));
  // the rooms Enlace puts such an officer in (libs/realtime rooms.ts), for the bare server to join as many
  return sessions.map((s) => ({
    token: accessToken(SECRET, s.user_id, s.id),
    rooms: [
      `user:${s.user_id}`,
      `network:${networkId}`,
      `officers:${networkId}`,
      `officers:${networkId}:${country.get(s.user_id)}`,
      ...channels.map((c: string) => `channel:${c}`),
    ],
  }));
}

/** Child processes that hold the client sockets. */
class Clients {
  private readonly procs: ChildProcess[] = [];

  constructor(count: number) {
    for (let i = 0; i < count; i++)
      this.procs.push(fork(join(benchDir, 'sockets-client.js'), { stdio: 'inherit' }));
  }

  private ask(p: ChildProcess, msg: object, until: (m: any) => boolean): Promise<any> {
    return new Promise((resolve, reject) => {
      const on = (m: any) => {
        if (m.error) {
          p.off('message', on);
          reject(new Error(m.error));
        } else if (until(m)) {
          p.off('message', on);
          resolve(m);
        }
      };
      p.on('message', on);
      p.send(msg);
    });
  }

  /** Connects every auth (spread over the processes); resolves with the ms it took and the handshakes retried. */
  async connect(url: string, auths: object[]): Promise<{ ms: number; retries: number }> {
    const started = performance.now();
    const per = Math.ceil(auths.length / this.procs.length);
    const answers = await Promise.all(
      this.procs.map((p, i) =>
        this.ask(
          p,
          { job: { url, auths: auths.slice(i * per, (i + 1) * per), batch: BATCH } },
          (m) => 'done' in m,
        ),
      ),
    );
    return { ms: performance.now() - started, retries: answers.reduce((n, a) => n + (a.retries ?? 0), 0) };
  }

  async closeSockets(): Promise<void> {
    await Promise.all(this.procs.map((p) => this.ask(p, { close: true }, (m) => m.closed)));
  }

  end(): void {
    for (const p of this.procs) p.kill();
  }
}

/** Median of three RSS samples a second apart (after the sockets settled). */
/** Both servers start with this preload: SIGUSR2 collects their garbage before each reading (the same for both). */
const GC_ON_SIGNAL = `--import=${join(benchDir, 'gc-on-signal.js')}`;

async function settledRss(pid: number): Promise<number> {
  process.kill(pid, 'SIGUSR2');
  await sleep(3000);
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(rssBytes(pid));
    await sleep(1000);
  }
  return median(samples);
}

type Result = Awaited<ReturnType<typeof measure>>;

async function measure(name: string, server: Proc, auths: (i: number) => object) {
  const warm = new Clients(1);
  await warm.connect(
    server.url,
    Array.from({ length: WARMUP }, (_, i) => auths(SOCKETS - 1 - i)),
  );
  await warm.closeSockets();
  warm.end();
  const before = await settledRss(server.child.pid!);
  const clients = new Clients(CLIENT_PROCS);
  log(`${name}: connecting ${SOCKETS} sockets from ${CLIENT_PROCS} processes`);
  const { ms: connectMs, retries } = await clients.connect(
    server.url,
    Array.from({ length: SOCKETS }, (_, i) => auths(i)),
  );
  const after = await settledRss(server.child.pid!);
  await clients.closeSockets();
  clients.end();
  const result = {
    name,
    sockets: SOCKETS,
    connectMs: Math.round(connectMs),
    retries,
    rssBeforeMb: round(before / 2 ** 20),
    rssAfterMb: round(after / 2 ** 20),
    perSocketKb: round((after - before) / SOCKETS / 1024, 2),
  };
  log(JSON.stringify(result));
  return result;
}

async function main() {
  const started = Date.now();
  const loadAtStart = load();
  log(`open files limit ${openFilesLimit()} (each side needs ${SOCKETS} + a few)`);
  const database = await createBenchDatabase(PG_URL);
  const procs: Proc[] = [];
  const snapshots: Record<string, string> = process.env.BENCH_HEAP_SNAPSHOTS
    ? { BENCH_HEAP_SNAPSHOTS: process.env.BENCH_HEAP_SNAPSHOTS }
    : {};
  const startApi = async () => {
    const api = spawnProc(
      [join(root, 'dist', 'apps', 'api', 'src', 'main.js')],
      {
        DATABASE_URL: database.url,
        JWT_SECRET: SECRET,
        ROLE: 'api',
        LOG_LEVEL: 'warn',
        NODE_OPTIONS: GC_ON_SIGNAL,
        ...snapshots,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-bench-')),
      },
      await freePort(),
    );
    procs.push(api);
    await waitHttp(api, '/api/health');
    return api;
  };
  const startBare = async () => {
    const bare = spawnProc(
      [join(benchDir, 'bare-sockets-server.js')],
      { JWT_SECRET: SECRET, NODE_OPTIONS: GC_ON_SIGNAL, ...snapshots },
      await freePort(),
    );
    procs.push(bare);
    await waitHttp(bare, '/socket.io/?EIO=4&transport=polling');
    return bare;
  };
  const stop = async (p: Proc) => {
    procs.splice(procs.indexOf(p), 1);
    await stopProc(p);
  };
  const runs: Array<{ enlace: Result; bare: Result }> = [];
  try {
    // Each run measures both servers, each in a fresh process (a process's RSS does not come back down when its
    // sockets leave): the RSS readings vary by a few MB from run to run, so the figure is the median of RUNS.
    let api = await startApi();
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    log(`seeding ${SOCKETS} officers with sessions`);
    const specs = await seed(db);
    await db.end();
    for (let run = 0; run < RUNS; run++) {
      if (run > 0) api = await startApi();
      const enlace = await measure('enlace', api, (i) => ({ token: specs[i].token }));
      await stop(api);
      const bareServer = await startBare();
      const bare = await measure('bare socket.io', bareServer, (i) => ({
        token: specs[i].token,
        rooms: specs[i].rooms,
      }));
      await stop(bareServer);
      runs.push({ enlace, bare });
      log(`run ${run + 1}: ratio ${round(enlace.perSocketKb / bare.perSocketKb, 2)}`);
    }
  } finally {
    await Promise.all(procs.map((p) => stopProc(p)));
    await database.drop();
  }
  const medianOf = (side: 'enlace' | 'bare') => {
    const perSocket = median(runs.map((r) => r[side].perSocketKb));
    return { ...runs.find((r) => r[side].perSocketKb === perSocket)![side], perSocketKb: perSocket };
  };
  const results = [medianOf('enlace'), medianOf('bare')];
  const ratio = round(results[0].perSocketKb / results[1].perSocketKb, 2);
  const loadAtEnd = load();
  const text = [
    `idle sockets benchmark: ${SOCKETS} authenticated WebSocket connections on one process, ${CLIENT_PROCS} client processes on the same 2 cores; median of ${RUNS} runs, each server in a fresh process per run`,
    table(
      [
        'server',
        'sockets',
        'connect s',
        'handshakes retried',
        'RSS before MB',
        'RSS after MB',
        'per socket KB',
        'per socket KB, each run',
      ],
      results.map((r, i) => [
        r.name,
        String(r.sockets),
        String(round(r.connectMs / 1000)),
        String(r.retries),
        String(r.rssBeforeMb),
        String(r.rssAfterMb),
        String(r.perSocketKb),
        runs.map((run) => String((i === 0 ? run.enlace : run.bare).perSocketKb)).join(' / '),
      ]),
    ),
    `ratio (Enlace ÷ bare socket.io, median memory per socket): ${ratio.toFixed(2)}; target ≤ 1 (${ratio <= 1 ? 'met' : 'missed'}); per run ${runs.map((r) => round(r.enlace.perSocketKb / r.bare.perSocketKb, 2)).join(' / ')}`,
    `load average (1 min, 2 cores) at start ${loadAtStart}, at end ${loadAtEnd}; took ${Math.round((Date.now() - started) / 1000)} s`,
  ].join('\n');
  process.stdout.write(text + '\n');
  writeResults(
    'sockets',
    {
      config: { SOCKETS, CLIENT_PROCS, WARMUP, RUNS },
      load: { start: loadAtStart, end: loadAtEnd },
      runs,
      results,
      ratio,
    },
    text,
  );
}

main().catch((e) => {
  process.stderr.write(`benchmark failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
