import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from '../support/process.js';

/**
 * Servers the fault tests own and break: redis-server and PostgreSQL started by the test as child processes on free
 * loopback ports, data in temp directories. The machine's shared PostgreSQL (5432) and Redis (6379) are never touched.
 */

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';

/** A child process whose output is kept, with a promise of its exit. */
class Child {
  out = '';
  readonly exited: Promise<void>;
  constructor(readonly proc: ChildProcess) {
    for (const s of [proc.stdout, proc.stderr]) s?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
  }
  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.alive) this.proc.kill(signal);
    await this.exited;
  }
  /** Resolves once the output matches (the server's own "ready" line); rejects on exit or timeout. */
  waitFor(pattern: RegExp, what: string, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`${what}: not ready in ${timeoutMs} ms\n${this.out}`)),
        timeoutMs,
      );
      const check = () => pattern.test(this.out) && done();
      const onExit = () => done(new Error(`${what} exited:\n${this.out}`));
      const done = (e?: Error) => {
        clearTimeout(timer);
        this.proc.stdout?.off('data', check);
        this.proc.stderr?.off('data', check);
        this.proc.off('exit', onExit);
        if (e) reject(e);
        else resolve();
      };
      this.proc.stdout?.on('data', check);
      this.proc.stderr?.on('data', check);
      this.proc.once('exit', onExit);
      check();
    });
  }
}

/** One redis-server (plain, replica, cluster node or sentinel) on a loopback port, restartable on the same port. */
export class RedisServer {
  private child?: Child;
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
    private readonly confFile?: string,
  ) {}

  /**
   * `appendonly`: the restart test keeps the data across the restart as a production Redis under BullMQ must (its
   * delayed jobs are the reminders); with `extra` for replicas and cluster nodes.
   */
  static async start(options: { appendonly?: boolean; extra?: string[]; port?: number } = {}) {
    const port = options.port ?? (await freePort());
    const dir = mkdtempSync(join(tmpdir(), `enlace-redis-${port}-`));
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      options.appendonly ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--dir',
      dir,
      '--daemonize',
      'no',
      ...(options.extra ?? []),
    ];
    const server = new RedisServer(port, dir, args);
    await server.up();
    return server;
  }

  /** A sentinel watching `primary` (quorum 2, down after 1 s). */
  static async sentinel(primaryPort: number, name = 'enlace') {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), `enlace-sentinel-${port}-`));
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    const server = new RedisServer(port, dir, [], conf);
    await server.up();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child?.alive;
  }

  /** Starts (again) on the same port and directory; resolves once it accepts connections. */
  async up(): Promise<void> {
    const args = this.confFile ? [this.confFile, '--sentinel'] : this.args;
    this.child = new Child(spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    await this.child.waitFor(
      this.confFile ? /Sentinel ID is|monitor master/i : /Ready to accept connections/,
      `redis-server :${this.port}`,
    );
  }

  /** SIGTERM (the AOF is flushed) or SIGKILL (a crash). */
  async down(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.child?.stop(signal);
  }

  async close(): Promise<void> {
    await this.down('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A primary, one replica and three sentinels on loopback ports: `failover()` kills the primary. */
export class RedisSentinelSet {
  private constructor(
    readonly primary: RedisServer,
    readonly replica: RedisServer,
    readonly sentinels: RedisServer[],
    readonly name: string,
  ) {}

  static async start(name = 'enlace'): Promise<RedisSentinelSet> {
    const primary = await RedisServer.start();
    const replica = await RedisServer.start({ extra: ['--replicaof', '127.0.0.1', String(primary.port)] });
    const sentinels = [];
    for (let i = 0; i < 3; i++) sentinels.push(await RedisServer.sentinel(primary.port, name));
    const set = new RedisSentinelSet(primary, replica, sentinels, name);
    await set.waitReplicaInSync();
    return set;
  }

  get sentinelAddresses(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  private async waitReplicaInSync(timeoutMs = 20_000): Promise<void> {
    const r = new Redis(this.replica.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      const until = Date.now() + timeoutMs;
      while (!/master_link_status:up/.test(await r.info('replication'))) {
        if (Date.now() > until) throw new Error('the replica did not sync with the primary');
        await new Promise((res) => setTimeout(res, 100));
      }
    } finally {
      r.disconnect();
    }
  }

  /** The port the sentinels name as primary now. */
  async primaryPort(): Promise<number> {
    const s = new Redis(this.sentinels[0].port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      const [, port] = (await s.call('SENTINEL', 'get-master-addr-by-name', this.name)) as string[];
      return Number(port);
    } finally {
      s.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.sentinels, this.replica, this.primary].map((s) => s.close()));
  }
}

/** Six cluster nodes (three primaries with a replica each) made one cluster by `redis-cli --cluster create`. */
export class RedisClusterSet {
  private constructor(readonly nodes: RedisServer[]) {}

  static async start(): Promise<RedisClusterSet> {
    const nodes: RedisServer[] = [];
    for (let i = 0; i < 6; i++)
      nodes.push(
        await RedisServer.start({
          extra: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    const created = spawnSync(
      REDIS_CLI,
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed:\n${created.stdout}${created.stderr}`);
    const set = new RedisClusterSet(nodes);
    await set.waitClusterOk();
    return set;
  }

  get addresses(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  private async waitClusterOk(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (const n of this.nodes) {
      const r = new Redis(n.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      try {
        while (!/cluster_state:ok/.test(String(await r.call('CLUSTER', 'INFO')))) {
          if (Date.now() > until) throw new Error(`cluster node ${n.port} not ok`);
          await new Promise((res) => setTimeout(res, 100));
        }
      } finally {
        r.disconnect();
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.close()));
  }
}

/**
 * A PostgreSQL server of the test's own (the machine's binaries, run as the `postgres` user: initdb refuses root),
 * data in a temp directory: `down()` is a fast shutdown, `up()` starts it again on the same port.
 */
export class PostgresServer {
  private child?: Child;
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly bin: string,
    private readonly uid: number,
    private readonly gid: number,
  ) {}

  static async start(): Promise<PostgresServer> {
    const versions = spawnSync('ls', ['/usr/lib/postgresql'], { encoding: 'utf8' }).stdout.trim().split('\n');
    const bin = `/usr/lib/postgresql/${versions.sort((a, b) => Number(b) - Number(a))[0]}/bin`;
    const id = (flag: string) =>
      Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    const [uid, gid] = root ? [id('-u'), id('-g')] : [process.getuid!(), process.getgid!()];
    const dir = mkdtempSync(join(tmpdir(), 'enlace-pg-'));
    if (root) chownSync(dir, uid, gid);
    const init = spawnSync(
      `${bin}/initdb`,
      ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
      { uid, gid, encoding: 'utf8', timeout: 60_000 },
    );
    if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
    const server = new PostgresServer(await freePort(), dir, bin, uid, gid);
    await server.up();
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A new database on this server, its URL. */
  async createDatabase(name: string): Promise<string> {
    const c = new pg.Client({ connectionString: this.url });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  async up(): Promise<void> {
    this.child = new Child(
      spawn(
        `${this.bin}/postgres`,
        [
          '-D',
          join(this.dir, 'data'),
          '-p',
          String(this.port),
          '-k',
          this.dir,
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'fsync=off',
        ],
        { uid: this.uid, gid: this.gid, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    await this.child.waitFor(/database system is ready to accept connections/, `postgres :${this.port}`);
  }

  /** SIGINT: PostgreSQL's fast shutdown (sessions are ended, as on a restart). */
  async down(): Promise<void> {
    await this.child?.stop('SIGINT');
  }

  async close(): Promise<void> {
    await this.child?.stop('SIGQUIT');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A database on a PostgreSQL server of the suite's own (the long fault runs keep their connections off the machine's
 * shared server): `drop` stops the server.
 */
export async function ownDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = await PostgresServer.start();
  return { url: await server.createDatabase('enlace_faults'), drop: () => server.close() };
}
