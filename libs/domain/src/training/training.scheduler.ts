import { Injectable, Logger } from '@nestjs/common';
import { applyOffset, parseSignedDuration } from '../follow-ups/durations.js';
import { TrainingJobs, type TrainingReminderJobData } from './training.ports.js';
import type { TrainingEventRow } from './training.types.js';

/** Registrants are reminded 7 days and 1 day before startsAt. */
export const TRAINING_REMINDERS = ['-P7D', '-P1D'];

type Schedulable = Pick<TrainingEventRow, 'id' | 'startsAt' | 'reminderVersion' | 'scheduledAt'>;

/**
 * The reminders of a published event as delayed jobs (the `TrainingJobs` port), the same way follow-up reminders
 * are: job ids carry the event, the offset and the reminder version (a duplicate add is a no-op; a moved startsAt
 * gets new ids), and a reminder whose time had passed when it was planned is never sent.
 */
@Injectable()
export class TrainingScheduler {
  private readonly logger = new Logger('TrainingScheduler');

  constructor(private readonly jobs: TrainingJobs) {}

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
    await this.jobs.addReminders(this.planned(event));
  }

  /** Removes the pending jobs of that version; a job already running finds the event changed and does nothing. */
  async unschedule(event: Schedulable): Promise<void> {
    const failures = await this.jobs.removeReminders(this.planned(event).map((r) => r.data));
    for (const reason of failures) this.logger.warn(`removing a reminder of training ${event.id}: ${reason}`);
  }

  async queueEmails(eventId: string, key: string): Promise<void> {
    await this.jobs.addEmails(eventId, key);
  }
}
