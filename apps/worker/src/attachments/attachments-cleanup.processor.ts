import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AttachmentsService } from '#domain';
import { ATTACHMENT_QUEUES, QueueFactory } from '#queue';

/** How often uploads are cleaned up (unsent ones are given up after 24 hours). */
export const CLEANUP_EVERY_MS = 15 * 60_000;

/**
 * The attachments' clean-up as one BullMQ job scheduler (one run per tick across all workers), and once at start:
 * uploads never sent within 24 hours are given up, the bytes of deleted messages' files that are still stored (a
 * process died before removing them) are removed, and so is what interrupted uploads left in the store.
 */
@Injectable()
export class AttachmentsCleanupProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('AttachmentsCleanup');

  constructor(
    private readonly queues: QueueFactory,
    private readonly attachments: AttachmentsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker(ATTACHMENT_QUEUES.cleanup, (job) => this.process(job), { concurrency: 1 });
    await this.queues
      .queue(ATTACHMENT_QUEUES.cleanup)
      .upsertJobScheduler(
        'attachments-cleanup',
        { every: CLEANUP_EVERY_MS },
        { name: 'cleanup', opts: { removeOnComplete: true, removeOnFail: 50 } },
      );
    this.attachments
      .purge()
      .catch((e) => this.logger.warn(`clean-up at start failed (the tick retries): ${e}`));
  }

  async process(job: Job) {
    if (job.name !== 'cleanup') return { ignored: job.name };
    const done = await this.attachments.purge();
    if (done.removed || done.swept)
      this.logger.log(`removed ${done.removed} file(s), swept ${done.swept} blob(s)`);
    return done;
  }
}
