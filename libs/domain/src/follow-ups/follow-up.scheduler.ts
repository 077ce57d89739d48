import { Injectable, Logger } from '@nestjs/common';
import { applyOffset, escalationTime, parseSignedDuration } from './durations.js';
import { type EscalationJobData, FollowUpJobs, type ReminderJobData } from './follow-up.ports.js';
import type { FollowUpRow } from './follow-up.types.js';

type Schedulable = Pick<
  FollowUpRow,
  'id' | 'dueAt' | 'dueVersion' | 'scheduledAt' | 'reminders' | 'escalateEvery' | 'escalationSeq'
>;

/**
 * Turns an item's reminders and escalation into delayed jobs (the `FollowUpJobs` port), and takes them back. Job ids
 * carry the item, the offset and the dueAt version, so adding twice is a no-op and a moved dueAt gets new ids.
 */
@Injectable()
export class FollowUpScheduler {
  private readonly logger = new Logger('FollowUpScheduler');

  constructor(private readonly jobs: FollowUpJobs) {}

  /** The reminders of the current version with their times; those already past when dueAt was set are dropped. */
  plannedReminders(item: Schedulable): Array<{ data: ReminderJobData; at: Date }> {
    const out: Array<{ data: ReminderJobData; at: Date }> = [];
    for (const text of item.reminders) {
      const offset = parseSignedDuration(text);
      if (!offset) continue;
      const at = applyOffset(item.dueAt, offset);
      if (at.getTime() < item.scheduledAt.getTime()) continue;
      out.push({ data: { followUpId: item.id, offset: offset.text, version: item.dueVersion }, at });
    }
    return out;
  }

  /**
   * Adds the item's reminder jobs (those at or after `notBefore`) and its next escalation job. Idempotent: the
   * worker's reconcile sweep calls it again for every open item.
   */
  async schedule(item: Schedulable, notBefore?: Date): Promise<void> {
    await this.jobs.addReminders(this.plannedReminders(item).filter((r) => !notBefore || r.at >= notBefore));
    const every = item.escalateEvery ? parseSignedDuration(item.escalateEvery) : undefined;
    if (every) {
      await this.scheduleEscalation(
        { followUpId: item.id, version: item.dueVersion, seq: item.escalationSeq },
        escalationTime(item.dueAt, every, item.escalationSeq),
      );
    }
  }

  async scheduleEscalation(data: EscalationJobData, at: Date): Promise<void> {
    await this.jobs.addEscalation(data, at);
  }

  /**
   * Removes the pending reminder and escalation jobs of the item's version. A job already running is not removed;
   * it finds the item changed (version, done, cancelled) and does nothing.
   */
  async unschedule(item: Schedulable): Promise<void> {
    const failures = await this.jobs.remove({
      reminders: this.plannedReminders(item).map((r) => r.data),
      escalations: item.escalateEvery
        ? [{ followUpId: item.id, version: item.dueVersion, seq: item.escalationSeq }]
        : [],
    });
    for (const reason of failures) this.logger.warn(`removing a job of follow-up ${item.id}: ${reason}`);
  }
}
