import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '#config';
import {
  FOLLOW_UP_JOB_OPTIONS,
  QueueFactory,
  TRAINING_QUEUES,
  type TrainingReminderJobData,
  trainingJobIds,
} from '#queue';
import { applyOffset, parseSignedDuration } from '../follow-ups/durations.js';
import type { TrainingEventRow } from './training.types.js';

/** Registrants are reminded 7 days and 1 day before startsAt. */
export const TRAINING_REMINDERS = ['-P7D', '-P1D'];

type Schedulable = Pick<TrainingEventRow, 'id' | 'startsAt' | 'reminderVersion' | 'scheduledAt'>;

/**
 * The reminders of a published event as BullMQ delayed jobs, the same way follow-up reminders are: job ids carry the
 * event, the offset and the reminder version (a duplicate add is a no-op; a moved startsAt gets new ids), and a
 * reminder whose time had passed when it was planned is never sent.
 */
@Injectable()
export class TrainingScheduler {
  private readonly logger = new Logger('TrainingScheduler');

  constructor(
    private readonly queues: QueueFactory,
    private readonly clock: Clock,
  ) {}

  planned(event: Schedulable): Array<{ data: TrainingReminderJobData; at: Date }> {
    const out: Array<{ data: TrainingReminderJobData; at: Date }> = [];
    for (const text of TRAINING_REMINDERS) {
      const offset = parseSignedDuration(text)!;
      const at = applyOffset(new Date(event.startsAt), offset);
      if (event.scheduledAt && at.getTime() < new Date(event.scheduledAt).getTime()) continue;
      out.push({ data: { eventId: event.id, offset: offset.text, version: event.reminderVersion }, at });
    }
    return out;
  }

  async schedule(event: Schedulable): Promise<void> {
    const now = this.clock.now().getTime();
    const jobs = this.planned(event);
    if (!jobs.length) return;
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

  /** Removes the pending jobs of that version; a job already running finds the event changed and does nothing. */
  async unschedule(event: Schedulable): Promise<void> {
    const queue = this.queues.queue(TRAINING_QUEUES.reminders);
    const results = await Promise.allSettled(
      this.planned(event).map((r) => queue.remove(trainingJobIds.reminder(r.data))),
    );
    for (const r of results)
      if (r.status === 'rejected')
        this.logger.warn(`removing a reminder of training ${event.id}: ${String(r.reason)}`);
  }

  async queueEmails(eventId: string, key: string): Promise<void> {
    await this.queues
      .queue(TRAINING_QUEUES.emails)
      .add(
        'training-emails',
        { eventId, key },
        { ...FOLLOW_UP_JOB_OPTIONS, jobId: trainingJobIds.emails(eventId, key) },
      );
  }
}
