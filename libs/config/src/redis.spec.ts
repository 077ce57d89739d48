import { ConfigError, loadConfig } from './config.js';
import { Cluster, Redis } from 'ioredis';
import { createRedisClient, describeRedis, parseRedisUrl, type RedisTarget } from './redis.js';

const base = { JWT_SECRET: 'x'.repeat(40) };
const fails = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('REDIS_URL: one server, Sentinel or Cluster', () => {
  it('keeps a plain URL, its database number and the plain BullMQ prefix', () => {
    const c = loadConfig({ ...base, REDIS_URL: 'redis://:pw@cache:6380/4' });
    expect(c.redis).toEqual({ mode: 'standalone', url: 'redis://:pw@cache:6380/4', db: 4 });
    expect(c.queuePrefix).toBe('enlace');
    expect(describeRedis(c.redis!)).toBe('cache:6380/4');
  });

  it('reads Sentinels, the master name, the db and credentials (never shown in descriptions)', () => {
    const t = parseRedisUrl(
      'rediss+sentinel://app:s%40cret@s1:26379,s2,[::1]:26380/mymaster/2?sentinelPassword=sp',
    );
    expect(t).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
      db: 2,
      username: 'app',
      password: 's@cret',
      sentinelPassword: 'sp',
      tls: true,
    });
    expect(describeRedis(t as any)).not.toContain('cret');
    expect(loadConfig({ ...base, REDIS_URL: 'redis+sentinel://s1:26379/mymaster' }).queuePrefix).toBe(
      'enlace',
    );
  });

  it('reads Cluster nodes and hash-tags the BullMQ prefix so each queue stays in one slot', () => {
    const c = loadConfig({ ...base, REDIS_URL: 'redis+cluster://:pw@n1:7000,n2:7001,n3' });
    expect(c.redis).toMatchObject({
      mode: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 6379 },
      ],
      password: 'pw',
      db: 0,
    });
    expect(c.queuePrefix).toBe('{enlace}');
    expect(c.queueBackend).toBe('redis');
  });

  it.each([
    'http://cache:6379',
    'redis://cache:6379/db',
    'redis+sentinel://s1:26379',
    'redis+sentinel://s1:26379/master/x',
    'redis+sentinel://s1:26379/master?password=x',
    'redis+cluster://n1:7000/3',
    'redis+cluster://n1:99999',
    'redis+cluster://',
    'redis+swarm://n1:7000',
  ])('refuses %s with one line naming REDIS_URL', (value) => {
    expect(fails({ REDIS_URL: value })).toMatch(/^Invalid configuration: REDIS_URL must be redis:\/\//);
  });
});

describe('createRedisClient: one factory for every Redis client of the service', () => {
  const target = (url: string) => parseRedisUrl(url) as RedisTarget;

  it('asks the Sentinels for the master, with the credentials and the db', () => {
    const c = createRedisClient(target('redis+sentinel://:pw@s1:26379,s2:26380/mymaster/3'), {
      lazyConnect: true,
    });
    expect(c).toBeInstanceOf(Redis);
    expect((c as Redis).options).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'mymaster',
      db: 3,
      password: 'pw',
      lazyConnect: true,
    });
    c.disconnect();
  });

  it('opens a Cluster client on the seed nodes, passing per-node options and auto-pipelining where they belong', () => {
    const c = createRedisClient(target('redis+cluster://:pw@n1:7000,n2:7001'), {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      enableAutoPipelining: true,
    });
    expect(c).toBeInstanceOf(Cluster);
    const cluster = c as Cluster;
    expect(cluster.options).toMatchObject({
      lazyConnect: true,
      enableAutoPipelining: true,
      redisOptions: { password: 'pw', maxRetriesPerRequest: null },
    });
    expect((cluster as any).startupNodes).toEqual([
      { host: 'n1', port: 7000 },
      { host: 'n2', port: 7001 },
    ]);
    c.disconnect();
  });
});

describe('METRICS_PORT, METRICS_HOST and DATABASE_POOL_SIZE', () => {
  it('leaves metrics off by default and binds them to loopback when a port is given', () => {
    expect(loadConfig(base).metrics).toBeUndefined();
    expect(loadConfig({ ...base, METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ ...base, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics?.host).toBe(
      '0.0.0.0',
    );
    expect(fails({ METRICS_PORT: 'nine' })).toBe(
      'Invalid configuration: METRICS_PORT must be a whole number from 0 to 65535',
    );
  });

  it('sizes the database pool (default 20) and refuses nonsense', () => {
    expect(loadConfig(base).databasePoolSize).toBe(20);
    expect(loadConfig({ ...base, DATABASE_POOL_SIZE: '8' }).databasePoolSize).toBe(8);
    expect(fails({ DATABASE_POOL_SIZE: '0' })).toBe(
      'Invalid configuration: DATABASE_POOL_SIZE must be a whole number from 1 to 500',
    );
  });
});
