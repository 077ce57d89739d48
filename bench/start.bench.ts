/**
 * `npm run bench:start`: time from `npm start` to `GET /api/health` answering 200, on the built service with the
 * embedded default (no DATABASE_URL, REDIS_URL or SMTP_URL), with a fresh data directory (the embedded PostgreSQL
 * cluster is created) and with the existing one (the cluster is only started); RUNS times each, the median reported.
 * Also measured: the build check `npm start` runs first (scripts/build-if-stale.mjs) on an up-to-date build, which
 * must not rebuild, and `node dist/apps/api/src/main.js` without npm, to show what npm itself adds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  load,
  log,
  median,
  root,
  round,
  spawnProc,
  stopProc,
  table,
  waitHttp,
  writeResults,
} from './catchup-support.js';
import { freePort } from './support.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGETS = { fresh: 5000, existing: 3000 };

/** Starts, waits for health 200 (polled every 20 ms), stops; resolves with the ms to healthy. */
async function timeToHealthy(command: 'npm' | 'node', dataDir: string): Promise<number> {
  const args =
    command === 'npm' ? ['start', '--silent'] : [join(root, 'dist', 'apps', 'api', 'src', 'main.js')];
  const started = performance.now();
  const p = spawnProc(
    args,
    { DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    await freePort(),
    command === 'npm' ? 'npm' : process.execPath,
  );
  try {
    await waitHttp(p, '/api/health', 180_000, 20, (s) => s === 200);
    const ms = performance.now() - started;
    if (/building \(sources changed/.test(p.output()))
      throw new Error('npm start rebuilt an up-to-date build');
    return ms;
  } finally {
    await stopProc(p);
  }
}

async function main() {
  const started = Date.now();
  const loadAtStart = load();
  // the build check alone, on the up-to-date build `npm run bench:start` just made
  const checks: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], {
      cwd: root,
      encoding: 'utf8',
    });
    checks.push(performance.now() - t);
    if (r.status !== 0 || /building/.test(r.stderr))
      throw new Error(`the build check rebuilt or failed:\n${r.stderr}`);
  }
  const rows: Record<string, number[]> = {
    'npm start, fresh': [],
    'npm start, existing': [],
    'node main.js, existing': [],
  };
  const dirs: string[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'enlace-start-'));
      dirs.push(dir);
      log(`run ${i + 1}: fresh data directory`);
      rows['npm start, fresh'].push(await timeToHealthy('npm', dir));
      log(`run ${i + 1}: existing data directory`);
      rows['npm start, existing'].push(await timeToHealthy('npm', dir));
      rows['node main.js, existing'].push(await timeToHealthy('node', dir));
      log(
        `run ${i + 1}: ${Object.entries(rows)
          .map(([k, v]) => `${k} ${Math.round(v[i])} ms`)
          .join(', ')}`,
      );
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  const loadAtEnd = load();
  const summary = Object.entries(rows).map(([what, ms]) => ({
    what,
    medianMs: Math.round(median(ms)),
    runs: ms.map(Math.round),
  }));
  const checkMs = round(median(checks));
  const fresh = summary[0].medianMs;
  const existing = summary[1].medianMs;
  const text = [
    `start benchmark: time to GET /api/health 200 on the embedded default (PostgreSQL started by the service); median of ${RUNS}`,
    table(
      ['start', 'median ms', 'runs ms'],
      [
        ...summary.map((s) => [s.what, String(s.medianMs), s.runs.join(' / ')]),
        ['build check alone (up to date)', String(checkMs), checks.map((c) => Math.round(c)).join(' / ')],
      ],
    ),
    `targets: fresh < ${TARGETS.fresh} ms (${fresh < TARGETS.fresh ? 'met' : 'missed'}), existing < ${TARGETS.existing} ms (${existing < TARGETS.existing ? 'met' : 'missed'}); no rebuild of an up-to-date build (met)`,
    `load average (1 min, 2 cores) at start ${loadAtStart}, at end ${loadAtEnd}; took ${Math.round((Date.now() - started) / 1000)} s`,
  ].join('\n');
  process.stdout.write(text + '\n');
  writeResults(
    'start',
    { config: { RUNS }, load: { start: loadAtStart, end: loadAtEnd }, checkMs, checks, summary },
    text,
  );
}

main().catch((e) => {
  process.stderr.write(`benchmark failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
