import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { TrainingDeliveryService } from '#domain';
import {
  QueueFactory,
  TRAINING_QUEUES,
  type TrainingEmailJobData,
  type TrainingReminderJobData,
} from '#queue';
import { RECOVERY } from '../follow-ups/follow-up-reminder.processor.js';
import { RECONCILE_MS } from '../follow-ups/presidency.processor.js';

/** Runs `training-reminder` jobs: claim the deliveries, emit `training.reminder`; the emails are queued. */
@Injectable()
export class TrainingReminderProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('TrainingReminderProcessor');

  constructor(
    private readonly queues: QueueFactory,
    private readonly delivery: TrainingDeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.worker<TrainingReminderJobData>(TRAINING_QUEUES.reminders, (job) => this.process(job), {
      concurrency: 8,
      ...RECOVERY,
    });
  }

  async process(job: Job<TrainingReminderJobData>) {
    const outcome = await this.delivery.deliverReminder(job.data);
    this.logger.debug(
      `${job.id}: ${outcome.skipped ? `skipped (${outcome.skipped})` : `${outcome.delivered} registrant(s)`}`,
    );
    return outcome;
  }
}

/**
 * Runs `training-emails` jobs (the emails of one delivery key, one after the other) and the `training-reconcile`
 * tick (a job scheduler, one run per tick across workers, and once at start).
 */
@Injectable()
export class TrainingEmailProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('TrainingEmailProcessor');

  constructor(
    private readonly queues: QueueFactory,
    private readonly delivery: TrainingDeliveryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker<TrainingEmailJobData>(TRAINING_QUEUES.emails, (job) => this.process(job), {
      concurrency: 4,
      ...RECOVERY,
    });
    await this.queues
      .queue(TRAINING_QUEUES.emails)
      .upsertJobScheduler(
        'training-reconcile',
        { every: RECONCILE_MS },
        { name: 'training-reconcile', opts: { removeOnComplete: true, removeOnFail: 50 } },
      );
    void this.delivery
      .reconcile()
      .catch((error) => this.logger.warn(`reconcile at start failed (the tick retries): ${String(error)}`));
  }

  async process(job: Job<TrainingEmailJobData>) {
    if (job.name === 'training-reconcile') return { events: await this.delivery.reconcile() };
    const outcome = await this.delivery.sendEmails(job.data.eventId, job.data.key);
    this.logger.debug(
      `${job.id}: ${outcome.skipped ? `skipped (${outcome.skipped})` : `${outcome.delivered} email(s) sent`}`,
    );
    return outcome;
  }
}
