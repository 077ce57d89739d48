/**
 * Where a `sync` page's time goes (issue 13), on a database kept by `BENCH_KEEP_DB=1 npm run bench:catchup`:
 *   BENCH_DB_URL=postgres://postgres@127.0.0.1:5432/enlace_bench_… node dist/bench/catchup-breakdown.js
 * Per page of the 10,000-message channel, median of RUNS: PostgreSQL's execution of the page's queries (EXPLAIN ANALYZE,
 * summed), the same read from this process through `pg` (the repository's own code on a pool of 2: execution, transfer,
 * pg's row parsing), the whole `sync` call seen by
 * a socket client (first byte sent to the last byte of the ack received), the client's JSON.parse, an empty `sync`
 * (the fixed cost: round trip, token, access query), a bare WebSocket frame of the same size between two sockets of
 * this process, and the plain SQL read of the bench for the whole 10,000.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WebSocket, WebSocketServer } from 'ws';
import {
  log,
  median,
  RawAckClient,
  round,
  root,
  spawnProc,
  stopProc,
  table,
  waitHttp,
} from './catchup-support.js';
import { accessToken, freePort } from './support.js';

const DB_URL = process.env.BENCH_DB_URL;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SECRET = randomBytes(32).toString('base64url');

async function main() {
  if (!DB_URL)
    throw new Error('set BENCH_DB_URL to a database kept by BENCH_KEEP_DB=1 npm run bench:catchup');
  const db = new pg.Client({ connectionString: DB_URL });
  await db.connect();
  const [{ id: reader }] = (await db.query(`SELECT id FROM users WHERE email = 'catchup-0@enlace.test'`))
    .rows;
  const [{ id: sessionId }] = (
    await db.query(
      `INSERT INTO auth_sessions (user_id, token_hash, expires_at) VALUES ($1, 'x', now() + interval '1 hour') RETURNING id`,
      [reader],
    )
  ).rows;
  const [{ id: big, last_seq: lastSeq }] = (
    await db.query(`SELECT id, last_seq::int AS last_seq FROM channels WHERE name = 'catchup-big'`)
  ).rows;
  const { rows: networks } = await db.query(
    `SELECT network_id FROM network_memberships WHERE user_id = $1 AND role = 'officer'`,
    [reader],
  );
  const [{ country }] = (await db.query(`SELECT country FROM users WHERE id = $1`, [reader])).rows;
  const scope = { officerNetworkIds: networks.map((n: any) => n.network_id), country };

  // the repository's own query, as the API runs it, through this process's pg client
  const repoPath = join(root, 'dist', 'libs', 'domain', 'src', 'messaging', 'message-sync.repository.js');
  const { MessageSyncRepository } = await import(repoPath);
  // a pool, as the API's: a page of 5,000 is read as two halves at once
  const pool = new pg.Pool({ connectionString: DB_URL, max: 2 });
  let queries: Array<[string, unknown[]]> = [];
  const repo = new MessageSyncRepository({
    query: async (sql: string, params: unknown[]) => {
      queries.push([sql, params]);
      return (await pool.query(sql, params)).rows;
    },
  });
  const page = Number(process.env.BENCH_PAGE ?? 5000);
  const pages = Array.from({ length: Math.ceil(lastSeq / page) }, (_, i) => ({
    fromSeq: i * page + 1,
    toSeq: Math.min((i + 1) * page, lastSeq),
  }));

  const api = spawnProc(
    [
      ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
      join(root, 'dist', 'apps', 'api', 'src', 'main.js'),
    ],
    {
      DATABASE_URL: DB_URL,
      JWT_SECRET: SECRET,
      ROLE: 'api',
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-bench-')),
    },
    await freePort(),
  );
  try {
    await waitHttp(api, '/api/health');
    const client = await RawAckClient.connect(api.url, { token: accessToken(SECRET, reader, sessionId) });
    // a bare WebSocket pair in this process, for the cost of moving one frame of that size
    const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
    const port = (wss.address() as { port: number }).port;
    let serverSide!: WebSocket;
    const connected = new Promise<void>((r) =>
      wss.on('connection', (s) => {
        serverSide = s;
        r();
      }),
    );
    const bare = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false, maxPayload: 1 << 28 });
    await connected;

    const rows: string[][] = [];
    const all: Record<string, number[]> = {};
    const add = (k: string, v: number) => (all[k] ??= []).push(v);
    for (let run = 0; run < RUNS + 1; run++) {
      for (const [i, p] of pages.entries()) {
        const ranges = [{ channelId: big, fromSeq: p.fromSeq, toSeq: p.toSeq, threadCaseId: null }];
        queries = [];
        let t = performance.now();
        const chunks = await repo.page(ranges, scope, 4 * 1024 * 1024);
        const viaPg = performance.now() - t;
        const json: string = chunks.map((c: any) => c.json).join(',');
        // PostgreSQL's own time for each query of the page, one after the other (the API runs them at once)
        let explain = 0;
        for (const [sql, params] of queries)
          explain += (await db.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`, params)).rows[0][
            'QUERY PLAN'
          ][0]['Execution Time'];
        t = performance.now();
        const text = await client.emitRaw('sync', { cursors: { [big]: p.fromSeq - 1 } });
        const call = performance.now() - t;
        t = performance.now();
        JSON.parse(text);
        const parse = performance.now() - t;
        t = performance.now();
        await client.emitRaw('sync', { cursors: { [big]: lastSeq } });
        const empty = performance.now() - t;
        const frame = `[${json}]`;
        t = performance.now();
        await new Promise<void>((r) => {
          bare.once('message', (d: Buffer) => {
            d.toString();
            r();
          });
          serverSide.send(frame);
        });
        const ws = performance.now() - t;
        if (run === 0) continue; // warm-up
        add(`${i}:explain`, explain);
        add(`${i}:pg`, viaPg);
        add(`${i}:call`, call);
        add(`${i}:parse`, parse);
        add(`${i}:empty`, empty);
        add(`${i}:ws`, ws);
        add(`${i}:bytes`, text.length);
      }
      if (run === 0) continue;
      const t = performance.now();
      await db.query(
        `SELECT m.id, m.channel_id, m.case_id, m.seq, m.author_id, u.display_name, u.country, m.body,
          m.priority, m.request_ack, m.client_message_id, m.created_at, m.edited_at, m.deleted_at
          FROM messages m LEFT JOIN users u ON u.id = m.author_id
          WHERE m.channel_id = ANY($1::uuid[]) ORDER BY m.channel_id, m.seq`,
        [[big]],
      );
      add('plain', performance.now() - t);
    }
    const md = (k: string) => round(median(all[k]));
    for (const [i] of pages.entries()) {
      const rest = md(`${i}:call`) - md(`${i}:pg`);
      rows.push([
        String(i + 1),
        String(md(`${i}:explain`)),
        String(md(`${i}:pg`)),
        String(round(rest)),
        String(md(`${i}:empty`)),
        String(md(`${i}:ws`)),
        String(md(`${i}:call`)),
        String(md(`${i}:parse`)),
        String(Math.round(md(`${i}:bytes`) / 1024)),
      ]);
    }
    process.stdout.write(
      `sync page breakdown, channel of ${lastSeq}, pages of ${page}, median of ${RUNS} (ms)\n` +
        table(
          [
            'page',
            'PG execution (sum of queries)',
            'read via pg (parallel)',
            'API+socket (call − pg)',
            'empty sync',
            'bare ws frame',
            'sync call',
            'client parse',
            'KB',
          ],
          rows,
        ) +
        `\nplain SQL read of all ${lastSeq} rows (the baseline): ${md('plain')} ms\n`,
    );
    client.close();
    bare.close();
    wss.close();
  } finally {
    await stopProc(api);
    await db.query(`DELETE FROM auth_sessions WHERE id = $1`, [sessionId]);
    await db.end();
    await pool.end();
  }
}

main().catch((e) => {
  log(`failed: ${e?.stack ?? e}`);
  process.exit(1);
});
