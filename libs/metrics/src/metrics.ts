import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a gauge reads at scrape time; registered by the part of the service that knows it. */
type Source<T> = () => T | Promise<T>;

export interface QueueDepth {
  queue: string;
  counts: Record<string, number>;
}

export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

/** Queue states reported by `enlace_queue_jobs`. */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'prioritized',
  'waiting-children',
] as const;

/**
 * The Prometheus series of one process (README "Metrics"), in a registry of its own (several services may share a
 * process in tests). Counters and histograms are incremented where things happen; gauges read their sources when
 * `/metrics` is scraped, so an idle service does no work for them.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private sockets?: Source<number>;
  private queues?: Source<QueueDepth[]>;
  private pool?: Source<PoolUse | undefined>;

  readonly httpDuration = new Histogram({
    name: 'enlace_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, from the first byte in to the last byte out',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly messagesStored = new Counter({
    name: 'enlace_messages_stored_total',
    help: 'Messages this process stored (REST, socket and system messages)',
    registers: [this.registry],
  });

  /**
   * Counted on the hot path (once per receiving socket) by a plain increment, `deliveries.count++`, and handed to
   * prom-client when scraped: `Counter.inc` per delivery cost a few percent of an API process's CPU.
   */
  readonly deliveries = { count: 0 };
  readonly messagesDelivered = new Counter({
    name: 'enlace_messages_delivered_total',
    help: 'message.created events written to the sockets of this process (one per receiving socket)',
    registers: [this.registry],
    collect: () => {
      const n = this.deliveries.count;
      this.deliveries.count = 0;
      if (n) this.messagesDelivered.inc(n);
    },
  });

  readonly jobLateness = new Histogram({
    name: 'enlace_job_lateness_seconds',
    help: 'How long after it was due a job started (processedOn - (timestamp + delay)), by queue',
    labelNames: ['queue'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });

  readonly jobsProcessed = new Counter({
    name: 'enlace_jobs_processed_total',
    help: 'Jobs the workers of this process finished, by queue and result (completed or failed)',
    labelNames: ['queue', 'result'] as const,
    registers: [this.registry],
  });

  readonly emailsSent = new Counter({
    name: 'enlace_emails_sent_total',
    help: 'Emails handed to the SMTP server (or written to the outbox folder)',
    registers: [this.registry],
  });

  readonly emailsFailed = new Counter({
    name: 'enlace_emails_failed_total',
    help: 'Emails the SMTP server (or the outbox folder) refused; the job retries them',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const sockets: Gauge = new Gauge({
      name: 'enlace_sockets_connected',
      help: 'Live socket.io connections on this process',
      registers: [this.registry],
      collect: async () => sockets.set((await this.sockets?.()) ?? 0),
    });
    const jobs: Gauge<'queue' | 'state'> = new Gauge({
      name: 'enlace_queue_jobs',
      help: 'Jobs in each queue by state (the same for every process of a deployment: aggregate with max)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      collect: async () => {
        jobs.reset();
        const depths = await Promise.resolve()
          .then(() => this.queues?.() ?? [])
          .catch(() => [] as QueueDepth[]);
        for (const { queue, counts } of depths)
          for (const state of QUEUE_STATES) jobs.set({ queue, state }, counts[state] ?? 0);
      },
    });
    const pool: Gauge<'state'> = new Gauge({
      name: 'enlace_db_pool_connections',
      help: "This process's PostgreSQL pool: total (open), idle, and waiting (queries queued for a connection)",
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect: async () => {
        const use = await this.pool?.();
        for (const state of ['total', 'idle', 'waiting'] as const) pool.set({ state }, use?.[state] ?? 0);
      },
    });
  }

  /** Where the live socket count comes from (the realtime server of an API process). */
  countSocketsWith(source: Source<number>): void {
    this.sockets = source;
  }

  /** Where queue depths come from (the queue factory). */
  countJobsWith(source: Source<QueueDepth[]>): void {
    this.queues = source;
  }

  /** Where pool use comes from (the database's pg pool). */
  measurePoolWith(source: Source<PoolUse | undefined>): void {
    this.pool = source;
  }

  /** A job started: how late, against when it was due. */
  jobStarted(
    queue: string,
    job: { timestamp: number; delay?: number; processedOn?: number },
    now = Date.now(),
  ) {
    const due = job.timestamp + (job.delay ?? 0);
    this.jobLateness.observe({ queue }, Math.max(0, ((job.processedOn ?? now) - due) / 1000));
  }
}
