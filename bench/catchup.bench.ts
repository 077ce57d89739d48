/**
 * `npm run bench:catchup`: a client that missed 10,000 messages in one channel (and 1,000 in each of 10 channels)
 * catches up through the socket event `sync`, against reading the same rows with one plain SQL query (pg, from this
 * process) as the baseline, in the same run: wall time from the first `sync` to the last answer parsed, bytes
 * received, the API process's CPU. Each scenario runs RUNS times (after one warm-up), alternating ours and the
 * baseline; the median is reported. One API process (ROLE=api) on this machine's PostgreSQL; the client is this
 * process, so client and server share the same 2 cores.
 *
 * Users, sessions, channels and messages are written straight to the database and the access token signed with the
 * deployment's secret; everything measured goes through the real API.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  cpuSeconds,
  load,
  log,
  median,
  RawAckClient,
  round,
  spawnProc,
  stopProc,
  table,
  waitHttp,
  writeResults,
  root,
  type Proc,
} from './catchup-support.js';
import { accessToken, createBenchDatabase, freePort } from './support.js';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BIG = Number(process.env.BENCH_BIG ?? 10_000);
const SMALL = Number(process.env.BENCH_SMALL ?? 1_000);
const SMALL_CHANNELS = Number(process.env.BENCH_SMALL_CHANNELS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const AUTHORS = 20;
const TARGET_RATIO = 1.5;
const SECRET = randomBytes(32).toString('base64url');

/** What a client reads for a message, the same columns the service's message view needs. */
const BASELINE_SQL = `SELECT m.id, m.channel_id, m.case_id, m.seq, m.author_id, u.display_name, u.country, m.body,
  m.priority, m.request_ack, m.client_message_id, m.created_at, m.edited_at, m.deleted_at
  FROM messages m LEFT JOIN users u ON u.id = m.author_id
  WHERE m.channel_id = ANY($1::uuid[]) ORDER BY m.channel_id, m.seq`;

interface Sample {
  ms: number;
  bytes: number;
  messages: number;
  pages?: number;
  /** Of `ms`, the client's JSON.parse of the answers. */
  parseMs?: number;
  apiCpuMs?: number;
  clientCpuMs: number;
}

async function seed(db: pg.Client): Promise<{ token: string; big: string; small: string[] }> {
  const [{ id: networkId }] = (await db.query(`SELECT id FROM networks WHERE slug = 'smuggling-trafficking'`))
    .rows;
  const users = (
    await db.query(
      `INSERT INTO users (email, password_hash, display_name, country, locale, timezone, calendar_token)
       SELECT 'catchup-' || g || '@enlace.test', 'x', 'Oficial ' || g,
              (ARRAY['GT','MX','SV','HN','CR','PA','BZ','NI','DO','CA','US'])[1 + g % 11], 'es', 'UTC', md5(random()::text) || g
         FROM generate_series(0, $1::int) g RETURNING id`,
      [AUTHORS],
    )
  ).rows.map((r: { id: string }) => r.id);
  await db.query(
    `INSERT INTO network_memberships (user_id, network_id, role) SELECT unnest($1::uuid[]), $2, 'officer'`,
    [users, networkId],
  );
  const reader = users[0];
  const [{ id: sessionId }] = (
    await db.query(
      `INSERT INTO auth_sessions (user_id, token_hash, expires_at) VALUES ($1, 'x', now() + interval '1 hour') RETURNING id`,
      [reader],
    )
  ).rows;
  const channel = async (name: string, count: number): Promise<string> => {
    const [{ id }] = (
      await db.query(
        `INSERT INTO channels (network_id, name, visibility) VALUES ($1, $2, 'private') RETURNING id`,
        [networkId, name],
      )
    ).rows;
    await db.query(`INSERT INTO channel_members (channel_id, user_id) SELECT $1, unnest($2::uuid[])`, [
      id,
      users,
    ]);
    // Bodies of 60 to 600 characters, Spanish and English, some urgent, some asking for an acknowledgement.
    await db.query(
      `INSERT INTO messages (channel_id, seq, author_id, body, priority, request_ack, client_message_id, created_at)
       SELECT $1, g, ($2::uuid[])[1 + g % $3::int],
              repeat(CASE WHEN g % 2 = 0 THEN 'Caso ' || g || ': tráfico ilícito de migrantes en la ruta norte, se solicita verificación de identidad. '
                          ELSE 'Case ' || g || ': consular protection for a detained national, documents requested. ' END, 1 + g % 6),
              CASE WHEN g % 50 = 0 THEN 'urgent' ELSE 'normal' END, g % 40 = 0, gen_random_uuid()::text,
              now() - interval '2 days' + g * interval '1 second'
         FROM generate_series(1, $4::int) g`,
      [id, users, AUTHORS + 1, count],
    );
    await db.query(`UPDATE channels SET last_seq = $2 WHERE id = $1`, [id, count]);
    return id;
  };
  const big = await channel('catchup-big', BIG);
  const small: string[] = [];
  for (let i = 0; i < SMALL_CHANNELS; i++) small.push(await channel(`catchup-small-${i}`, SMALL));
  await db.query('ANALYZE messages');
  return { token: accessToken(SECRET, reader, sessionId), big, small };
}

/** Catches up through `sync` from seq 0 in every channel; checks that every message came once, in order. */
async function catchUp(
  client: RawAckClient,
  api: Proc,
  channels: string[],
  expected: number,
): Promise<Sample> {
  const cursors: Record<string, number> = Object.fromEntries(channels.map((c) => [c, 0]));
  const bytesBefore = client.bytesReceived;
  const apiBefore = cpuSeconds([api.child.pid!]);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  let pages = 0;
  let parseMs = 0;
  for (;;) {
    const text = await client.emitRaw('sync', { cursors });
    const parseStarted = performance.now();
    const [ack] = JSON.parse(text);
    parseMs += performance.now() - parseStarted;
    if (!ack.ok) throw new Error(`sync failed: ${JSON.stringify(ack.error)}`);
    pages++;
    for (const m of ack.data.messages) {
      if (m.seq !== cursors[m.channelId] + 1) throw new Error(`gap or repeat in ${m.channelId} at ${m.seq}`);
      cursors[m.channelId] = m.seq;
      count++;
    }
    if (ack.data.complete) break;
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(clientBefore);
  if (count !== expected) throw new Error(`caught up ${count} messages, expected ${expected}`);
  return {
    ms,
    bytes: client.bytesReceived - bytesBefore,
    messages: count,
    pages,
    parseMs,
    apiCpuMs: (cpuSeconds([api.child.pid!]) - apiBefore) * 1000,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** The baseline: the same rows with one plain SQL query from this process (pg parses them into objects). */
async function plainRead(db: pg.Client, channels: string[], expected: number): Promise<Sample> {
  const stream = (db as any).connection.stream;
  const bytesBefore = stream.bytesRead;
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const { rows } = await db.query(BASELINE_SQL, [channels]);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(clientBefore);
  if (rows.length !== expected) throw new Error(`read ${rows.length} rows, expected ${expected}`);
  return {
    ms,
    bytes: stream.bytesRead - bytesBefore,
    messages: rows.length,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function main() {
  const started = Date.now();
  const loadAtStart = load();
  const database = await createBenchDatabase(PG_URL);
  let api: Proc | undefined;
  const scenarios: Array<{ name: string; ours: Sample[]; baseline: Sample[] }> = [];
  try {
    api = spawnProc(
      [join(root, 'dist', 'apps', 'api', 'src', 'main.js')],
      {
        DATABASE_URL: database.url,
        JWT_SECRET: SECRET,
        ROLE: 'api',
        LOG_LEVEL: 'warn',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-bench-')),
      },
      await freePort(),
    );
    log('starting the API process (migrations)');
    await waitHttp(api, '/api/health');
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    log(`seeding ${BIG} messages in one channel and ${SMALL} in each of ${SMALL_CHANNELS}`);
    const seeded = await seed(db);
    const client = await RawAckClient.connect(api.url, { token: seeded.token });
    const plan = [
      { name: `1 channel × ${BIG}`, channels: [seeded.big], expected: BIG },
      {
        name: `${SMALL_CHANNELS} channels × ${SMALL}`,
        channels: seeded.small,
        expected: SMALL * SMALL_CHANNELS,
      },
    ];
    for (const s of plan) {
      log(`${s.name}: warm-up`);
      await catchUp(client, api, s.channels, s.expected);
      await plainRead(db, s.channels, s.expected);
      const result = { name: s.name, ours: [] as Sample[], baseline: [] as Sample[] };
      for (let run = 0; run < RUNS; run++) {
        // alternate which goes first, so neither always runs on a warmer cache
        if (run % 2 === 0) {
          result.ours.push(await catchUp(client, api, s.channels, s.expected));
          result.baseline.push(await plainRead(db, s.channels, s.expected));
        } else {
          result.baseline.push(await plainRead(db, s.channels, s.expected));
          result.ours.push(await catchUp(client, api, s.channels, s.expected));
        }
        log(
          `${s.name} run ${run + 1}: sync ${round(result.ours[run].ms)} ms in ${result.ours[run].pages} pages, plain SQL ${round(result.baseline[run].ms)} ms`,
        );
      }
      scenarios.push(result);
    }
    client.close();
    await db.end();
  } finally {
    if (api) await stopProc(api);
    if (process.env.BENCH_KEEP_DB) log(`kept the database ${database.name}`);
    else await database.drop();
  }

  const m = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => Number(x[k] ?? NaN)));
  const summary = scenarios.map((s) => ({
    scenario: s.name,
    syncMs: round(m(s.ours, 'ms')),
    syncPages: m(s.ours, 'pages'),
    syncBytes: m(s.ours, 'bytes'),
    parseMs: round(m(s.ours, 'parseMs')),
    apiCpuMs: round(m(s.ours, 'apiCpuMs')),
    clientCpuMs: round(m(s.ours, 'clientCpuMs')),
    plainMs: round(m(s.baseline, 'ms')),
    plainBytes: m(s.baseline, 'bytes'),
    ratio: round(m(s.ours, 'ms') / m(s.baseline, 'ms'), 2),
    ratios: s.ours.map((o, i) => round(o.ms / s.baseline[i].ms, 2)),
  }));
  const loadAtEnd = load();
  const text = [
    `catch-up benchmark: sync over one socket (one API process, PostgreSQL) vs one plain SQL read of the same rows; median of ${RUNS}`,
    table(
      [
        'scenario',
        'sync ms',
        'pages',
        'client parse ms',
        'sync KB',
        'API CPU ms',
        'plain SQL ms',
        'plain KB',
        'ratio',
        'ratios per run',
      ],
      summary.map((r) => [
        r.scenario,
        String(r.syncMs),
        String(r.syncPages),
        String(r.parseMs),
        String(Math.round(r.syncBytes / 1024)),
        String(r.apiCpuMs),
        String(r.plainMs),
        String(Math.round(r.plainBytes / 1024)),
        r.ratio.toFixed(2),
        r.ratios.join(' / '),
      ]),
    ),
    `target: sync ≤ ${TARGET_RATIO} × the plain read; ${summary.every((r) => r.ratio <= TARGET_RATIO) ? 'met' : 'missed'}`,
    `load average (1 min, 2 cores) at start ${loadAtStart}, at end ${loadAtEnd}; took ${Math.round((Date.now() - started) / 1000)} s`,
  ].join('\n');
  process.stdout.write(text + '\n');
  writeResults(
    'catchup',
    {
      config: { BIG, SMALL, SMALL_CHANNELS, RUNS },
      load: { start: loadAtStart, end: loadAtEnd },
      summary,
      scenarios,
    },
    text,
  );
}

main().catch((e) => {
  process.stderr.write(`benchmark failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
