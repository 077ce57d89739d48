import { Scrape } from '../observability/scrape.js';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createTestDatabase, flushTestRedis, TEST_JWT_SECRET, TEST_REDIS_URL } from '../support/env.js';
import {
  freePort,
  MAIN,
  spawnService,
  waitHealthy,
  WORKER_MAIN,
  type ServiceProcess,
} from '../support/process.js';
import { Http } from '../support/http.js';
import { createUser, login, loginAdmin } from '../factories/users.js';

/** The service as an operator runs it: the built entry point in child processes. */

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postgresProcessesFor(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'postgres'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(dir));
  } catch {
    return [];
  }
}

describe('the embedded default (no DATABASE_URL, no REDIS_URL)', () => {
  // a fresh clone's folder: DATA_DIR defaults to ./data inside it (readable by the postgres user when run as root)
  const cwd = mkdtempSync(join(tmpdir(), 'enlace-clone-'));
  chmodSync(cwd, 0o755);
  const dataDir = join(cwd, 'data');
  const started: ServiceProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const port = String(await freePort());
    // cwd plays the fresh clone: DATA_DIR defaults to ./data inside it
    const p = spawnService({ PORT: port, ...env }, MAIN, cwd);
    started.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
  });

  it('is healthy within 15 s on a fresh data folder, keeps its data across restarts, and SIGTERM leaves no postgres', async () => {
    // first start: nothing but a port
    const first = await start();
    const health = await waitHealthy(first, 15_000);
    expect(health.ms).toBeLessThan(15_000);
    expect(health.body).toMatchObject({
      status: 'ok',
      checks: { database: 'ok', queue: 'ok' },
      queueBackend: 'postgres',
    });
    const pid = parseInt(readFileSync(join(dataDir, 'postgres', 'data', 'postmaster.pid'), 'utf8'), 10);
    expect(alive(pid)).toBe(true);
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(alive(pid)).toBe(false);
    expect(postgresProcessesFor(dataDir)).toEqual([]);

    // second start: the admin is bootstrapped from the environment; create an officer
    const second = await start({ ADMIN_EMAIL: 'root@enlace.test', ADMIN_PASSWORD: 'root-password-123' });
    await waitHealthy(second, 15_000);
    const admin = new Http(
      second.url,
      (await login(second.url, 'root@enlace.test', 'root-password-123')).accessToken,
    );
    const gt = await createUser(admin, {
      country: 'GT',
      memberships: [{ network: 'consular-protection', role: 'officer' }],
    });
    expect((await second.stop('SIGTERM')).code).toBe(0);
    expect(postgresProcessesFor(dataDir)).toEqual([]);

    // third start: the officer, the admin and the signing secret survived
    const third = await start();
    await waitHealthy(third, 15_000);
    expect((await new Http(third.url, gt.token).get('/api/me')).body.email).toBe(gt.email);
    const again = await login(third.url, gt.email, gt.password);
    expect(again.user.memberships).toEqual([{ network: 'consular-protection', role: 'officer' }]);
    expect((await third.stop('SIGINT')).code).toBe(0);
    expect(postgresProcessesFor(dataDir)).toEqual([]);
  });

  it('adopts and stops a postgres left behind by a service killed with -9', async () => {
    const p = await start();
    await waitHealthy(p, 15_000);
    const pid = parseInt(readFileSync(join(dataDir, 'postgres', 'data', 'postmaster.pid'), 'utf8'), 10);
    await p.stop('SIGKILL');
    expect(alive(pid)).toBe(true); // nothing could stop it: the service had no chance
    const next = await start();
    await waitHealthy(next, 15_000);
    expect(alive(pid)).toBe(false);
    expect((await next.stop('SIGTERM')).code).toBe(0);
    expect(postgresProcessesFor(dataDir)).toEqual([]);
  });
});

describe('a clone in a folder the postgres user cannot enter (root, /root is mode 700)', () => {
  const asRoot = process.getuid?.() === 0;
  const closed = mkdtempSync(join(tmpdir(), 'enlace-closed-'));
  chmodSync(closed, 0o700);
  const dataDir = join(closed, 'data');
  let relocated: string | undefined;
  const started: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    if (relocated) rmSync(dirname(relocated), { recursive: true, force: true });
    rmSync(closed, { recursive: true, force: true });
  });

  (asRoot ? it : it.skip)(
    'starts anyway, keeps the cluster where that user reaches it, and says where',
    async () => {
      const start = async () => {
        const p = spawnService({ PORT: String(await freePort()), DATA_DIR: dataDir });
        started.push(p);
        await waitHealthy(p, 30_000);
        return p;
      };
      const first = await start();
      const line = first
        .output()
        .split('\n')
        .find((l) => l.includes(`cannot enter ${closed}`));
      expect(line).toBeDefined();
      relocated = /the embedded PostgreSQL cluster is kept in (\/var\/lib\/enlace\/[0-9a-f]{16}\/data)/.exec(
        line!,
      )?.[1];
      expect(relocated).toBeDefined();
      const pid = parseInt(readFileSync(join(relocated!, 'postmaster.pid'), 'utf8'), 10);
      expect(alive(pid)).toBe(true);
      expect(existsSync(join(dataDir, 'postgres', 'data'))).toBe(false);
      expect((await first.stop('SIGTERM')).code).toBe(0);
      expect(alive(pid)).toBe(false);

      // the next start finds the same cluster (the migrations ran once)
      const second = await start();
      expect(second.output()).toContain(`kept in ${relocated}`);
      expect(second.output()).not.toMatch(/applied \d+ migration/);
      expect((await second.stop('SIGTERM')).code).toBe(0);
    },
  );
});

describe('a busy port', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('stops the service before anything starts, with one line naming PORT and HOST', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enlace-busy-'));
    const p = spawnService({ PORT: String(port), DATA_DIR: dataDir });
    expect((await p.exited).code).toBe(1);
    const lines = p.output().trim().split('\n');
    expect(lines).toEqual([
      `Enlace could not start: PORT ${port} is already in use on HOST 127.0.0.1: stop the process listening there or set another PORT`,
    ]);
    // nothing was started: no embedded PostgreSQL cluster was created
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
  });
});

describe('on the machine PostgreSQL and Redis (DATABASE_URL, REDIS_URL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const started: ServiceProcess[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    await flushTestRedis();
  });
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    await db.drop();
  });

  const env = async (extra: Record<string, string>) => ({
    PORT: String(await freePort()),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-svc-')),
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_EMAIL: 'admin@enlace.test',
    ADMIN_PASSWORD: 'admin-password-123',
    ...extra,
  });

  it('runs API and worker as separate processes, healthy on Redis, and keeps data across a restart', async () => {
    const api = spawnService(await env({ ROLE: 'api' }));
    const metricsPort = await freePort();
    const worker = spawnService(
      await env({ ROLE: 'worker', METRICS_PORT: String(metricsPort) }),
      WORKER_MAIN,
    );
    started.push(api, worker);
    const health = await waitHealthy(api, 15_000);
    expect(health.body).toMatchObject({ status: 'ok', queueBackend: 'redis' });
    // a worker has no HTTP server but serves /metrics on METRICS_PORT: its queues, jobs and pool
    // the listener opens while the worker's modules still start their workers: wait until the last ones show
    const complete = (s?: Scrape) =>
      !!s?.labelValues('enlace_job_lateness_seconds', 'queue').length &&
      s.labelValues('enlace_queue_jobs', 'queue').includes('missed-messages');
    let scrape: Scrape | undefined;
    for (let i = 0; i < 150 && !complete(scrape); i++) {
      scrape = await Scrape.of(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined);
      if (!complete(scrape)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(scrape!.labelValues('enlace_queue_jobs', 'queue')).toEqual(
      expect.arrayContaining(['missed-messages']),
    );
    expect(scrape!.value('enlace_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(scrape!.value('enlace_sockets_connected')).toBe(0);
    const admin = await loginAdmin(api.url);
    const user = await createUser(admin, {
      country: 'MX',
      memberships: [{ network: 'smuggling-trafficking', role: 'officer' }],
    });
    expect((await api.stop('SIGTERM')).code).toBe(0);
    expect((await worker.stop('SIGTERM')).code).toBe(0);

    const all = spawnService(await env({}));
    started.push(all);
    await waitHealthy(all, 15_000);
    expect((await login(all.url, user.email, user.password)).user.country).toBe('MX');
    expect((await all.stop('SIGTERM')).code).toBe(0);
  });

  it('answers 503 while a dependency is down', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const api = spawnService(await env({ ROLE: 'api', REDIS_URL: deadRedis }));
    started.push(api);
    let res: Response | undefined;
    for (let i = 0; i < 100 && !res; i++) {
      res = await fetch(`${api.url}/api/health`).catch(() => undefined);
      if (!res) await new Promise((r) => setTimeout(r, 100));
    }
    expect(res!.status).toBe(503);
    expect(await res!.json()).toMatchObject({
      status: 'unavailable',
      checks: { database: 'ok', queue: 'down' },
    });
    await api.stop('SIGTERM');
  });
});

describe('bad configuration', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['PORT=abc', { PORT: 'abc' }, 'PORT'],
    ['PORT=70000', { PORT: '70000' }, 'PORT'],
    ['DATABASE_URL=nonsense', { DATABASE_URL: 'nonsense' }, 'DATABASE_URL'],
    ['REDIS_URL=http://x', { REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    ['ROLE=boss', { ROLE: 'boss' }, 'ROLE'],
    ['JWT_SECRET too short', { JWT_SECRET: 'short' }, 'JWT_SECRET'],
    ['SMTP_URL=mail', { SMTP_URL: 'mail' }, 'SMTP_URL'],
    ['ALLOWED_ORIGINS=*', { ALLOWED_ORIGINS: '*' }, 'ALLOWED_ORIGINS'],
    ['ADMIN_EMAIL without ADMIN_PASSWORD', { ADMIN_EMAIL: 'a@b.org' }, 'ADMIN_PASSWORD'],
    ['TRUST_PROXY=true (trusting every peer)', { TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
  ];
  it.each(cases)('%s stops the process with one line naming the variable', async (_name, env, variable) => {
    const p = spawnService({ DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-bad-')), ...env });
    const { code } = await p.exited;
    expect(code).toBe(1);
    const lines = p.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
