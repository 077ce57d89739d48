import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { FollowUpRemindersService, PresidencyHandoverService } from '#domain';
import { FOLLOW_UP_QUEUES, QueueFactory } from '#queue';

/** How often the worker compares today's PPT term with the last handover (and so how late after 00:00 UTC it runs). */
export const HANDOVER_TICK_MS = 10_000;
/** How often every open item's jobs are added again (a no-op unless a crash lost some). */
export const RECONCILE_MS = 5 * 60_000;

/**
 * The periodic ticks of the follow-up feature, as BullMQ job schedulers (one run per tick across all workers):
 * the PPT handover check and the reconcile sweep. Both also run once when the worker starts.
 */
@Injectable()
export class PresidencyProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('PresidencyProcessor');

  constructor(
    private readonly queues: QueueFactory,
    private readonly handover: PresidencyHandoverService,
    private readonly reminders: FollowUpRemindersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker(FOLLOW_UP_QUEUES.presidency, (job) => this.process(job), { concurrency: 1 });
    const queue = this.queues.queue(FOLLOW_UP_QUEUES.presidency);
    const opts = { removeOnComplete: true, removeOnFail: 50 };
    await queue.upsertJobScheduler(
      'presidency-handover-tick',
      { every: HANDOVER_TICK_MS },
      { name: 'handover-tick', opts },
    );
    await queue.upsertJobScheduler(
      'follow-ups-reconcile',
      { every: RECONCILE_MS },
      { name: 'reconcile', opts },
    );
    void this.atStart();
  }

  private async atStart(): Promise<void> {
    for (const [name, run] of [
      ['handover check', () => this.handover.check()],
      ['reconcile', () => this.reminders.reconcile()],
    ] as const) {
      try {
        await run();
      } catch (error) {
        this.logger.warn(`${name} at start failed (the tick retries): ${String(error)}`);
      }
    }
  }

  async process(job: Job) {
    if (job.name === 'handover-tick') {
      const record = await this.handover.check();
      return { term: record?.startsOn ?? null, kind: record?.kind ?? null };
    }
    if (job.name === 'reconcile') return { items: await this.reminders.reconcile() };
    return { ignored: job.name };
  }
}
