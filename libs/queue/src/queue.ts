import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  createPostgresBackend,
  Job,
  type Processor,
  Queue,
  type QueueOptions,
  Worker,
  type WorkerOptions,
} from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig, createRedisClient } from '#config';
import { Metrics, QUEUE_STATES } from '#metrics';

type IORedis = Redis | Cluster;

/** Queue names; each job payload carries ids, never documents. */
export const QUEUES = {
  health: 'health',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES] | string;

/** Errors within one second after which a worker is taken as spinning (see `QueueFactory.guardAgainstSpinning`). */
export const SPINNING_ERRORS = 50;
/** A spinning worker is started afresh after this long. */
export const RESTART_AFTER_MS = 3000;

/** Resolved by main before the Nest app is created: the PostgreSQL URL in use (embedded or DATABASE_URL). */
export const DATABASE_URL_RESOLVED = Symbol('DATABASE_URL_RESOLVED');

/**
 * The BullMQ backend choice, made once from the configuration: REDIS_URL set → Redis (ioredis);
 * unset → BullMQ's PostgreSQL backend on the service's own database (schema `bullmq`).
 */
@Injectable()
export class QueueFactory implements OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private redis?: IORedis;
  /** Connections BullMQ was handed (it does not close connections it did not create). */
  private readonly owned: IORedis[] = [];
  /** Workers waiting to be started afresh (see `guardAgainstSpinning`). */
  private readonly restarts = new Set<NodeJS.Timeout>();
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL_RESOLVED) private readonly databaseUrl: string,
    private readonly metrics: Metrics,
  ) {
    metrics.countJobsWith(() => this.depths());
  }

  /** Jobs by state in each queue this process uses (`enlace_queue_jobs`). */
  private async depths() {
    const names = new Set([...this.queues.keys(), ...this.workers.map((w) => w.name)]);
    names.delete(QUEUES.health);
    const out = [];
    for (const name of [...names].sort())
      out.push({ queue: name, counts: await this.queue(name).getJobCounts(...QUEUE_STATES) });
    return out;
  }

  get backend(): 'redis' | 'postgres' {
    return this.config.queueBackend;
  }

  private redisConnection(): IORedis {
    this.redis ??= createRedisClient(this.config.redis!, {
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
    });
    return this.redis;
  }

  /**
   * Each BullMQ queue and worker on PostgreSQL owns a pool, and a worker also a LISTEN connection: one pooled
   * connection each (BullMQ's backend runs at `max: 1` without deadlocking: the LISTEN connection is apart) keeps a
   * process with a dozen queues and workers near 30 connections. With 5 each, a busy moment could ask for 120, more
   * than PostgreSQL's default `max_connections` (100) allows for the whole server.
   */
  private postgresConnection() {
    return { connectionString: this.databaseUrl, migrate: true, schema: 'bullmq', max: 1 };
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q =
        this.backend === 'redis'
          ? new Queue(name, {
              connection: this.redisConnection(),
              prefix: this.config.queuePrefix,
            } as QueueOptions)
          : (new Queue(
              name,
              { connection: this.postgresConnection() } as any,
              createPostgresBackend as any,
            ) as Queue);
      q.on('error', (e) => this.logger.warn(`queue ${name}: ${e.message}`));
      this.queues.set(name, q);
      if (this.backend === 'postgres') this.replaceIfNotStarted(name, q);
    }
    return q;
  }

  /**
   * BullMQ's PostgreSQL backend keeps a failed start (see `guardAgainstSpinning`): every later call on that queue
   * would fail the same way. Such a queue is let go, so the next use makes a fresh one, which connects anew.
   */
  private replaceIfNotStarted(name: string, q: Queue): void {
    q.waitUntilReady().catch((e: Error) => {
      if (this.queues.get(name) !== q) return;
      this.queues.delete(name);
      this.logger.warn(
        `queue ${name}: its backend did not start (${e.message}); the next use starts it afresh`,
      );
      void q.close().catch(() => undefined);
    });
  }

  /**
   * Starts a worker (returned: the first instance; a worker started afresh by `guardAgainstSpinning` is another).
   * Errors are logged at most once a second per worker.
   */
  worker<T = unknown>(name: QueueName, handler: Processor<T>, opts: Partial<WorkerOptions> = {}): Worker<T> {
    // how late each job starts against when it was due (`enlace_job_lateness_seconds`)
    const processor: Processor<T> = (job, token, signal) => {
      this.metrics.jobStarted(name, job);
      return handler(job, token, signal);
    };
    const start = (): Worker<T> => {
      const redis = this.backend === 'redis' ? this.own(this.redisConnection().duplicate()) : undefined;
      const w = redis
        ? new Worker<T>(name, processor, {
            connection: redis,
            prefix: this.config.queuePrefix,
            ...opts,
          } as WorkerOptions)
        : (new Worker<T>(
            name,
            processor,
            { connection: this.postgresConnection(), ...opts } as any,
            createPostgresBackend as any,
          ) as Worker<T>);
      this.guardAgainstSpinning(w as Worker, name, start, redis);
      w.on('completed', () => this.metrics.jobsProcessed.inc({ queue: name, result: 'completed' }));
      w.on('failed', () => this.metrics.jobsProcessed.inc({ queue: name, result: 'failed' }));
      w.on('failed', (job: Job | undefined, e: Error) =>
        this.logger.warn(
          `job ${name}/${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${e.message}`,
        ),
      );
      this.workers.push(w as Worker);
      return w;
    };
    return start();
  }

  /**
   * BullMQ's PostgreSQL backend keeps a failed start (its first connection refused, e.g. "too many clients already",
   * or a missing database) and then fails every fetch at once; its worker loop, which waits only after connection
   * errors, then spins without yielding, starving the whole process. Seen here: a worker reporting that many errors
   * within a second is closed (which ends its loop at once) and started afresh, with a new backend, a few seconds
   * later; each second's first error is logged.
   */
  private guardAgainstSpinning(w: Worker, name: string, start: () => unknown, redis?: IORedis): void {
    let windowStart = 0;
    let errors = 0;
    w.on('error', (e: Error) => {
      const now = Date.now();
      if (now - windowStart > 1000) {
        windowStart = now;
        errors = 0;
      }
      errors++;
      if (errors === 1) this.logger.warn(`worker ${name}: ${e.message}`);
      if (errors !== SPINNING_ERRORS || this.closing) return;
      this.logger.error(
        `worker ${name}: ${errors} errors within a second (${e.message}); started afresh in ${RESTART_AFTER_MS} ms`,
      );
      remove(this.workers, w);
      void w
        .close(true)
        .catch(() => undefined)
        .then(() => {
          // the Redis connection handed to it is not closed by BullMQ
          if (!redis) return;
          remove(this.owned, redis);
          return redis.quit().catch(() => undefined);
        });
      const timer = setTimeout(() => {
        this.restarts.delete(timer);
        if (!this.closing) start();
      }, RESTART_AFTER_MS);
      this.restarts.add(timer);
    });
  }

  private own(connection: IORedis): IORedis {
    this.owned.push(connection);
    return connection;
  }

  /** Proves the backend answers: add a job, read it back, remove it. */
  async roundTrip(timeoutMs = 3000): Promise<void> {
    const q = this.queue(QUEUES.health);
    const work = (async () => {
      const job = await q.add('ping', { at: Date.now() }, { removeOnComplete: true, removeOnFail: true });
      const read = await q.getJob(job.id!);
      if (!read) throw new Error('the health job was not found after it was added');
      await read.remove();
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('queue round trip timed out')), timeoutMs);
    });
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Graceful shutdown: the workers of this process take no new job and finish the ones they hold (a job they do
   * not finish stays in the queue, and another worker runs it once its lock expires). Called first by the runtime's
   * drain, again (a no-op) on application shutdown.
   */
  async closeWorkers(): Promise<void> {
    this.closing = true;
    for (const timer of this.restarts) clearTimeout(timer);
    this.restarts.clear();
    await Promise.allSettled(this.workers.map((w) => w.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closeWorkers();
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled([...this.owned, ...(this.redis ? [this.redis] : [])].map((c) => c.quit()));
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
