import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { FollowUpRemindersService, PresidencyHandoverService } from '#domain';
import {
  type EscalationJobData,
  FOLLOW_UP_QUEUES,
  type FollowUpEmailJobData,
  QueueFactory,
  type ReminderJobData,
} from '#queue';

/**
 * A job whose worker died is taken over quickly: its lock lapses after `lockDuration` and the stalled check of any
 * live worker (every `stalledInterval`) moves it back to waiting. Locks are renewed every lockDuration / 2 while a
 * job runs, so only a worker that is gone (or blocked for seconds) loses its job.
 */
export const RECOVERY = { lockDuration: 6_000, stalledInterval: 3_000, maxStalledCount: 10 };

/** Runs `reminder` and `escalation` jobs: claim, socket events, the channel message; the emails are queued. */
@Injectable()
export class FollowUpReminderProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('FollowUpReminderProcessor');

  constructor(
    private readonly queues: QueueFactory,
    private readonly reminders: FollowUpRemindersService,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.worker<ReminderJobData | EscalationJobData>(
      FOLLOW_UP_QUEUES.reminders,
      (job) => this.process(job),
      {
        concurrency: 16,
        ...RECOVERY,
      },
    );
  }

  async process(job: Job<ReminderJobData | EscalationJobData>) {
    const outcome =
      job.name === 'escalation'
        ? await this.reminders.escalate(job.data as EscalationJobData)
        : await this.reminders.deliverReminder(job.data as ReminderJobData);
    this.logger.debug(
      `${job.id}: ${outcome.skipped ? `skipped (${outcome.skipped})` : `${outcome.delivered} officer(s)`}`,
    );
    return outcome;
  }
}

/** Runs the email jobs of reminders, escalations and handovers, one message after the other per job. */
@Injectable()
export class FollowUpEmailProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('FollowUpEmailProcessor');

  constructor(
    private readonly queues: QueueFactory,
    private readonly reminders: FollowUpRemindersService,
    private readonly handover: PresidencyHandoverService,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.worker<FollowUpEmailJobData>(FOLLOW_UP_QUEUES.emails, (job) => this.process(job), {
      concurrency: 4,
      ...RECOVERY,
    });
  }

  async process(job: Job<FollowUpEmailJobData>) {
    const data = job.data;
    const delivered =
      data.kind === 'handover'
        ? await this.handover.sendEmails(data.startsOn)
        : (await this.reminders.sendReminderEmails(data.followUpId, data.reminder)).delivered;
    this.logger.debug(`${job.id}: ${delivered} email(s) sent`);
    return { delivered };
  }
}
