import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is, as REDIS_URL says it:
 * - `redis://[user:password@]host:6379/0` (or `rediss://`, TLS): one server;
 * - `redis+sentinel://[user:password@]s1:26379,s2:26379/mymaster[/db]` (or `rediss+sentinel://`): the master that
 *   Sentinel names, followed across fail-overs; `?sentinelPassword=` when the Sentinels require their own password;
 * - `redis+cluster://[user:password@]n1:6379,n2:6379` (or `rediss+cluster://`): a Redis Cluster (db 0 only). BullMQ
 *   then uses the hash-tagged prefix `{enlace}`, so the keys of one queue stay in one slot.
 */
export type RedisTarget =
  | { mode: 'standalone'; url: string; db: number }
  | {
      mode: 'sentinel';
      sentinels: RedisNode[];
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      tls: boolean;
    }
  | { mode: 'cluster'; nodes: RedisNode[]; db: 0; username?: string; password?: string; tls: boolean };

const ERROR =
  'must be redis://host:6379[/db], redis+sentinel://host1:26379,host2:26379/<master>[/db] or redis+cluster://host1:6379,host2:6379 (rediss… for TLS)';

function nodes(list: string, defaultPort: number): RedisNode[] | undefined {
  const out: RedisNode[] = [];
  for (const item of list.split(',')) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(item.trim());
    if (!m) return undefined;
    const port = m[2] ? Number(m[2]) : defaultPort;
    if (port < 1 || port > 65535) return undefined;
    out.push({ host: m[1].replace(/^\[|\]$/g, ''), port });
  }
  return out.length ? out : undefined;
}

function decode(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Parses REDIS_URL; returns the message to print after `REDIS_URL ` when it is not valid. */
export function parseRedisUrl(value: string): RedisTarget | { error: string } {
  const plain = /^(rediss?):\/\//.exec(value);
  if (plain) {
    try {
      const u = new URL(value);
      if (!u.hostname) return { error: ERROR };
      const dbText = u.pathname.replace(/^\//, '');
      if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) return { error: ERROR };
      return { mode: 'standalone', url: value, db: Number(dbText || '0') };
    } catch {
      return { error: ERROR };
    }
  }
  const m =
    /^(rediss?)\+(sentinel|cluster):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#@]+)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(
      value,
    );
  if (!m) return { error: ERROR };
  const [, scheme, mode, user, pass, hosts, path = '', query = ''] = m;
  const tls = scheme === 'rediss';
  const username = decode(user);
  const password = decode(pass);
  const params = new URLSearchParams(query);
  if (mode === 'cluster') {
    const list = nodes(hosts, 6379);
    if (!list || (path !== '' && path !== '/' && path !== '/0') || query)
      return { error: `${ERROR}; a cluster takes no database number or options` };
    return { mode: 'cluster', nodes: list, db: 0, username, password, tls };
  }
  const list = nodes(hosts, 26379);
  const parts = path.split('/').filter(Boolean);
  if (
    !list ||
    parts.length < 1 ||
    parts.length > 2 ||
    (parts[1] !== undefined && !/^\d{1,2}$/.test(parts[1]))
  )
    return { error: ERROR };
  if ([...params.keys()].some((k) => k !== 'sentinelPassword'))
    return { error: `${ERROR}; the only option is sentinelPassword` };
  return {
    mode: 'sentinel',
    sentinels: list,
    name: decodeURIComponent(parts[0]),
    db: Number(parts[1] ?? '0'),
    username,
    password,
    sentinelPassword: params.get('sentinelPassword') ?? undefined,
    tls,
  };
}

/** The BullMQ key prefix: hash-tagged on a Cluster (every key of a queue in one slot), `enlace` otherwise. */
export function queuePrefix(target: RedisTarget): string {
  return target.mode === 'cluster' ? '{enlace}' : 'enlace';
}

/**
 * A new ioredis client for the configured target, with the caller's options (timeouts, auto-pipelining…): every
 * Redis client of the service (BullMQ, the socket.io adapter, the posting limiter) is made here, so Sentinel and
 * Cluster work for all of them.
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): Redis | Cluster {
  switch (target.mode) {
    case 'standalone':
      return new Redis(target.url, options);
    case 'sentinel':
      return new Redis({
        ...options,
        sentinels: target.sentinels,
        name: target.name,
        db: target.db,
        username: target.username,
        password: target.password,
        sentinelPassword: target.sentinelPassword,
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
      });
    case 'cluster': {
      const { enableAutoPipelining, autoPipeliningIgnoredCommands, lazyConnect, ...rest } = options;
      const clusterOptions: ClusterOptions = {
        enableAutoPipelining,
        autoPipeliningIgnoredCommands,
        lazyConnect,
        enableReadyCheck: true,
        redisOptions: {
          ...rest,
          username: target.username,
          password: target.password,
          ...(target.tls ? { tls: {} } : {}),
        },
      };
      return new Cluster(target.nodes, clusterOptions);
    }
  }
}

/** A name for logs: hosts and mode, never credentials. */
export function describeRedis(target: RedisTarget): string {
  if (target.mode === 'standalone') {
    const u = new URL(target.url);
    return `${u.hostname}:${u.port || 6379}/${target.db}`;
  }
  const list = (target.mode === 'sentinel' ? target.sentinels : target.nodes).map(
    (n) => `${n.host}:${n.port}`,
  );
  return target.mode === 'sentinel'
    ? `Sentinel ${list.join(',')} master ${target.name}/${target.db}`
    : `Cluster ${list.join(',')}`;
}
