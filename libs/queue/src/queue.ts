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

  private postgresConnection() {
    return { connectionString: this.databaseUrl, migrate: true, schema: 'bullmq', max: 5 };
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
    }
    return q;
  }

  worker<T = unknown>(name: QueueName, handler: Processor<T>, opts: Partial<WorkerOptions> = {}): Worker<T> {
    // how late each job starts against when it was due (`enlace_job_lateness_seconds`)
    const processor: Processor<T> = (job, token, signal) => {
      this.metrics.jobStarted(name, job);
      return handler(job, token, signal);
    };
    const w =
      this.backend === 'redis'
        ? new Worker<T>(name, processor, {
            connection: this.own(this.redisConnection().duplicate()),
            prefix: this.config.queuePrefix,
            ...opts,
          } as WorkerOptions)
        : (new Worker<T>(
            name,
            processor,
            { connection: this.postgresConnection(), ...opts } as any,
            createPostgresBackend as any,
          ) as Worker<T>);
    w.on('error', (e) => this.logger.warn(`worker ${name}: ${e.message}`));
    w.on('completed', () => this.metrics.jobsProcessed.inc({ queue: name, result: 'completed' }));
    w.on('failed', () => this.metrics.jobsProcessed.inc({ queue: name, result: 'failed' }));
    w.on('failed', (job: Job | undefined, e: Error) =>
      this.logger.warn(
        `job ${name}/${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${e.message}`,
      ),
    );
    this.workers.push(w as Worker);
    return w;
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
    await Promise.allSettled(this.workers.map((w) => w.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closeWorkers();
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled([...this.owned, ...(this.redis ? [this.redis] : [])].map((c) => c.quit()));
  }
}
