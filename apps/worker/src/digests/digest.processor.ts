import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Clock } from '#config';
import { type DigestJob, DigestCycleService, MissedMessagesService } from '#domain';
import { DIGEST_QUEUES, type MissedMessageJobData, QueueFactory } from '#queue';
import { RECOVERY } from '../follow-ups/follow-up-reminder.processor.js';

/** How often the digest tick looks for subscribers whose local hour has come. */
export const DIGEST_TICK_MS = 60_000;

/**
 * The digest tick: ONE BullMQ job scheduler (upserted by every worker, run once per tick whichever worker takes it)
 * that queues a job per due subscriber, daily and weekly.
 */
@Injectable()
export class DigestTickProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('DigestTick');

  constructor(
    private readonly queues: QueueFactory,
    private readonly cycle: DigestCycleService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker(DIGEST_QUEUES.cycle, (job) => this.process(job), { concurrency: 1 });
    await this.queues
      .queue(DIGEST_QUEUES.cycle)
      .upsertJobScheduler(
        'digest-tick',
        { every: DIGEST_TICK_MS },
        { name: 'tick', opts: { removeOnComplete: true, removeOnFail: 50 } },
      );
  }

  async process(job: Job) {
    if (job.name !== 'tick') return { ignored: job.name };
    const at = this.clock.now();
    const daily = await this.cycle.cycle('daily', at);
    const weekly = await this.cycle.cycle('weekly', at);
    return { at: at.toISOString(), daily, weekly };
  }
}

/** Sends one subscriber's digest per job; a worker killed mid-cycle leaves jobs that another worker takes over. */
@Injectable()
export class DigestDeliveryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('DigestDelivery');

  constructor(
    private readonly queues: QueueFactory,
    private readonly cycle: DigestCycleService,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.worker<DigestJob>(DIGEST_QUEUES.digests, (job) => this.process(job), {
      concurrency: 8,
      ...RECOVERY,
    });
  }

  async process(job: Job<DigestJob>) {
    const outcome = await this.cycle.deliver(job.data);
    this.logger.debug(`${job.id}: ${outcome}`);
    return { outcome };
  }
}

/** Runs the delayed missed-message checks. */
@Injectable()
export class MissedMessageProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly queues: QueueFactory,
    private readonly missed: MissedMessagesService,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.worker<MissedMessageJobData>(
      DIGEST_QUEUES.missed,
      async (job) => ({ sent: await this.missed.check(job.data.messageId) }),
      { concurrency: 4, ...RECOVERY },
    );
  }
}
