import { Injectable } from '@nestjs/common';
import { Clock } from '#config';
import type { EscalationJobData, FollowUpJobs, ReminderJobData } from '#domain';
import { FOLLOW_UP_JOB_OPTIONS, FOLLOW_UP_QUEUES, followUpJobIds } from './follow-up-jobs.js';
import { QueueFactory } from './queue.js';

/** The follow-up feature's jobs on BullMQ (Redis or PostgreSQL backend): delayed jobs with ids made of their payload. */
@Injectable()
export class BullFollowUpJobs implements FollowUpJobs {
  constructor(
    private readonly queues: QueueFactory,
    private readonly clock: Clock,
  ) {}

  private delayUntil(at: Date): number {
    return Math.max(0, at.getTime() - this.clock.now().getTime());
  }

  async addReminders(jobs: Array<{ data: ReminderJobData; at: Date }>): Promise<void> {
    if (!jobs.length) return;
    await this.queues.queue(FOLLOW_UP_QUEUES.reminders).addBulk(
      jobs.map(({ data, at }) => ({
        name: 'reminder',
        data,
        opts: { ...FOLLOW_UP_JOB_OPTIONS, jobId: followUpJobIds.reminder(data), delay: this.delayUntil(at) },
      })),
    );
  }

  async addEscalation(data: EscalationJobData, at: Date): Promise<void> {
    await this.queues.queue(FOLLOW_UP_QUEUES.reminders).add('escalation', data, {
      ...FOLLOW_UP_JOB_OPTIONS,
      jobId: followUpJobIds.escalation(data),
      delay: this.delayUntil(at),
    });
  }

  async remove(jobs: { reminders: ReminderJobData[]; escalations: EscalationJobData[] }): Promise<string[]> {
    const queue = this.queues.queue(FOLLOW_UP_QUEUES.reminders);
    const ids = [
      ...jobs.reminders.map(followUpJobIds.reminder),
      ...jobs.escalations.map(followUpJobIds.escalation),
    ];
    const results = await Promise.allSettled(ids.map((id) => queue.remove(id)));
    return results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  }

  async addReminderEmails(followUpId: string, reminder: string): Promise<void> {
    await this.queues
      .queue(FOLLOW_UP_QUEUES.emails)
      .add(
        'reminder-emails',
        { kind: 'reminder', followUpId, reminder },
        { ...FOLLOW_UP_JOB_OPTIONS, jobId: followUpJobIds.reminderEmails(followUpId, reminder) },
      );
  }

  async addHandoverEmails(startsOn: string): Promise<void> {
    await this.queues
      .queue(FOLLOW_UP_QUEUES.emails)
      .add(
        'handover-emails',
        { kind: 'handover', startsOn },
        { ...FOLLOW_UP_JOB_OPTIONS, jobId: followUpJobIds.handoverEmails(startsOn) },
      );
  }
}
