import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { RetentionService } from '#domain';
import { QueueFactory, RETENTION_QUEUES, RETENTION_SCHEDULE } from '#queue';

/**
 * The daily retention purge: ONE BullMQ job scheduler (upserted by every worker; a run is taken by one worker), on
 * either backend. The purge itself is idempotent and takes an advisory lock, so an operator's run
 * (`npm run cli -- retention:purge`) at the same time does nothing twice.
 */
@Injectable()
export class RetentionProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('RetentionPurge');

  constructor(
    private readonly queues: QueueFactory,
    private readonly retention: RetentionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker(RETENTION_QUEUES.purge, (job) => this.process(job), {
      concurrency: 1,
      // a purge of a large backlog may take minutes: keep the lock renewed, never run it twice at once
      lockDuration: 60_000,
    });
    await this.queues
      .queue(RETENTION_QUEUES.purge)
      .upsertJobScheduler(
        RETENTION_SCHEDULE.id,
        { pattern: RETENTION_SCHEDULE.pattern, tz: RETENTION_SCHEDULE.tz },
        { name: 'purge', opts: { removeOnComplete: 30, removeOnFail: 30 } },
      );
  }

  async process(job: Pick<Job, 'id' | 'name'>) {
    if (job.name !== 'purge') return { ignored: job.name };
    const summary = await this.retention.purge({ actorId: null, ip: null, requestId: `retention:${job.id}` });
    if (!summary.ran) this.logger.warn(`${job.id}: another purge was running`);
    return summary;
  }
}
