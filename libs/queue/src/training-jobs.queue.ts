import { Injectable } from '@nestjs/common';
import { Clock } from '#config';
import type { TrainingJobs, TrainingReminderJobData } from '#domain';
import { FOLLOW_UP_JOB_OPTIONS } from './follow-up-jobs.js';
import { TRAINING_QUEUES, trainingJobIds } from './training-jobs.js';
import { QueueFactory } from './queue.js';

/** The training feature's jobs on BullMQ (Redis or PostgreSQL backend): delayed jobs with ids made of their payload. */
@Injectable()
export class BullTrainingJobs implements TrainingJobs {
  constructor(
    private readonly queues: QueueFactory,
    private readonly clock: Clock,
  ) {}

  async addReminders(jobs: Array<{ data: TrainingReminderJobData; at: Date }>): Promise<void> {
    if (!jobs.length) return;
    const now = this.clock.now().getTime();
    await this.queues.queue(TRAINING_QUEUES.reminders).addBulk(
      jobs.map(({ data, at }) => ({
        name: 'training-reminder',
        data,
        opts: {
          ...FOLLOW_UP_JOB_OPTIONS,
          jobId: trainingJobIds.reminder(data),
          delay: Math.max(0, at.getTime() - now),
        },
      })),
    );
  }

  async removeReminders(jobs: TrainingReminderJobData[]): Promise<string[]> {
    const queue = this.queues.queue(TRAINING_QUEUES.reminders);
    const results = await Promise.allSettled(jobs.map((d) => queue.remove(trainingJobIds.reminder(d))));
    return results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  }

  async addEmails(eventId: string, key: string): Promise<void> {
    await this.queues
      .queue(TRAINING_QUEUES.emails)
      .add(
        'training-emails',
        { eventId, key },
        { ...FOLLOW_UP_JOB_OPTIONS, jobId: trainingJobIds.emails(eventId, key) },
      );
  }
}
