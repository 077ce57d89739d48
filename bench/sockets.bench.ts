/**
 * `npm run bench:sockets`: SOCKETS idle authenticated sockets on one API process (ROLE=api, in-memory adapter), and
 * the memory each costs, against bare socket.io with the same server options, transport (WebSocket, no compression),
 * clients and number of rooms per socket, in the same run. Memory per socket = (RSS with every socket connected and
 * settled − RSS after a warm-up of WARMUP sockets that connected and left) ÷ SOCKETS, the same method for both; each
 * reading follows a full, compacting garbage collection in the server (bench/gc-on-signal.ts, preloaded into both),
 * which also reports V8's used heap: the live JS objects per socket are printed beside the RSS.
 * The sockets come from CLIENT_PROCS child processes (bench/sockets-client.ts); clients and server share the 2 cores.
 * One user and session per socket, written straight to the database; tokens signed with the deployment's secret.
 * RUNS runs (default 3), each server in a fresh process per run; the figures are the medians.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** Both servers start with this preload: SIGUSR2 collects (and compacts) their garbage before each reading. */
const GC_ON_SIGNAL = `--import=${join(benchDir, 'gc-on-signal.js')}`;

interface Reading {
  /** Median of three RSS samples a second apart, after the collection. */
  rss: number;
  /** V8's heap after the collection: live objects, and what it keeps committed. */
  heapUsed: number;
  heapCommitted: number;
}

async function settled(pid: number): Promise<Reading> {
  const file = join(tmpdir(), `enlace-bench-heap-${pid}.json`); // written by gc-on-signal.ts
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  await sleep(3000);
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(rssBytes(pid));
    await sleep(1000);
  }
  const heap = JSON.parse(readFileSync(file, 'utf8')) as { used: number; committed: number };
  return { rss: median(samples), heapUsed: heap.used, heapCommitted: heap.committed };
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
  const before = await settled(server.child.pid!);
  const clients = new Clients(CLIENT_PROCS);
  log(`${name}: connecting ${SOCKETS} sockets from ${CLIENT_PROCS} processes`);
  const { ms: connectMs, retries } = await clients.connect(
    server.url,
    Array.from({ length: SOCKETS }, (_, i) => auths(i)),
  );
  const after = await settled(server.child.pid!);
  await clients.closeSockets();
  clients.end();
  const result = {
    name,
    sockets: SOCKETS,
    connectMs: Math.round(connectMs),
    retries,
    rssBeforeMb: round(before.rss / 2 ** 20),
    rssAfterMb: round(after.rss / 2 ** 20),
    perSocketKb: round((after.rss - before.rss) / SOCKETS / 1024, 2),
    /** Live JS objects per socket (V8's used heap, after the collection). */
    heapPerSocketKb: round((after.heapUsed - before.heapUsed) / SOCKETS / 1024, 2),
    /** Heap V8 keeps committed but unused, after the collection (MB). */
    heapFreeMb: round((after.heapCommitted - after.heapUsed) / 2 ** 20),
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
  // what gc-on-signal.ts may also do in both servers (heap snapshots, heap space sizes)
  const snapshots: Record<string, string> = Object.fromEntries(
    ['BENCH_HEAP_SNAPSHOTS', 'BENCH_HEAP_STATS'].flatMap((k) =>
      process.env[k] ? [[k, process.env[k]]] : [],
    ),
  );
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
  const heapOf = (side: 'enlace' | 'bare') => median(runs.map((r) => r[side].heapPerSocketKb));
  const heapRatio = round(heapOf('enlace') / heapOf('bare'), 2);
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
        'live heap per socket KB, each run',
        'heap committed unused MB',
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
        runs.map((run) => String((i === 0 ? run.enlace : run.bare).heapPerSocketKb)).join(' / '),
        String(r.heapFreeMb),
      ]),
    ),
    `ratio (Enlace ÷ bare socket.io, median memory per socket): ${ratio.toFixed(2)}; target ≤ 1 (${ratio <= 1 ? 'met' : 'missed'}); per run ${runs.map((r) => round(r.enlace.perSocketKb / r.bare.perSocketKb, 2)).join(' / ')}`,
    `live JS heap per socket (V8's used heap after the collection), median: Enlace ${heapOf('enlace')} KB, bare socket.io ${heapOf('bare')} KB, ratio ${heapRatio.toFixed(2)}`,
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
      heapRatio,
    },
    text,
  );
}

main().catch((e) => {
  process.stderr.write(`benchmark failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
