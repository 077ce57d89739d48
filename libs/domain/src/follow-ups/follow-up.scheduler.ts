import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '#config';
import {
  type EscalationJobData,
  FOLLOW_UP_JOB_OPTIONS,
  FOLLOW_UP_QUEUES,
  followUpJobIds,
  QueueFactory,
  type ReminderJobData,
} from '#queue';
import { applyOffset, escalationTime, parseSignedDuration } from './durations.js';
import type { FollowUpRow } from './follow-up.types.js';

type Schedulable = Pick<
  FollowUpRow,
  'id' | 'dueAt' | 'dueVersion' | 'scheduledAt' | 'reminders' | 'escalateEvery' | 'escalationSeq'
>;

/**
 * Turns an item's reminders and escalation into BullMQ delayed jobs, and takes them back. Job ids carry the item,
 * the offset and the dueAt version, so adding twice is a no-op and a moved dueAt gets new ids.
 */
@Injectable()
export class FollowUpScheduler {
  private readonly logger = new Logger('FollowUpScheduler');

  constructor(
    private readonly queues: QueueFactory,
    private readonly clock: Clock,
  ) {}

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
    const now = this.clock.now().getTime();
    const reminders = this.plannedReminders(item).filter((r) => !notBefore || r.at >= notBefore);
    const queue = this.queues.queue(FOLLOW_UP_QUEUES.reminders);
    if (reminders.length) {
      await queue.addBulk(
        reminders.map(({ data, at }) => ({
          name: 'reminder',
          data,
          opts: {
            ...FOLLOW_UP_JOB_OPTIONS,
            jobId: followUpJobIds.reminder(data),
            delay: Math.max(0, at.getTime() - now),
          },
        })),
      );
    }
    const every = item.escalateEvery ? parseSignedDuration(item.escalateEvery) : undefined;
    if (every) {
      await this.scheduleEscalation(
        { followUpId: item.id, version: item.dueVersion, seq: item.escalationSeq },
        escalationTime(item.dueAt, every, item.escalationSeq),
      );
    }
  }

  async scheduleEscalation(data: EscalationJobData, at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    await this.queues
      .queue(FOLLOW_UP_QUEUES.reminders)
      .add('escalation', data, { ...FOLLOW_UP_JOB_OPTIONS, jobId: followUpJobIds.escalation(data), delay });
  }

  /**
   * Removes the pending reminder and escalation jobs of the item's version. A job already running is not removed;
   * it finds the item changed (version, done, cancelled) and does nothing.
   */
  async unschedule(item: Schedulable): Promise<void> {
    const queue = this.queues.queue(FOLLOW_UP_QUEUES.reminders);
    const ids = this.plannedReminders(item).map((r) => followUpJobIds.reminder(r.data));
    if (item.escalateEvery) {
      ids.push(
        followUpJobIds.escalation({ followUpId: item.id, version: item.dueVersion, seq: item.escalationSeq }),
      );
    }
    const results = await Promise.allSettled(ids.map((id) => queue.remove(id)));
    for (const r of results) {
      if (r.status === 'rejected')
        this.logger.warn(`removing a job of follow-up ${item.id}: ${String(r.reason)}`);
    }
  }
}
