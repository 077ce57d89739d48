import type { JobsOptions } from 'bullmq';
import type { EscalationJobData, FollowUpEmailJobData, ReminderJobData } from '#domain';

/** The payloads are the domain's (its `FollowUpJobs` port); the queue names, ids and options are this library's. */
export type { EscalationJobData, FollowUpEmailJobData, ReminderJobData };

/** Queues of the follow-up feature (issue 3). */
export const FOLLOW_UP_QUEUES = {
  /** `reminder` and `escalation` jobs: claim the deliveries, emit the socket events, post the channel message. */
  reminders: 'follow-up-reminders',
  /** `reminder-emails` and `handover-emails` jobs: send the emails of one reminder (or handover), one by one. */
  emails: 'follow-up-emails',
  /** The PPT handover tick and the follow-up reconcile tick (job schedulers). */
  presidency: 'presidency',
} as const;

/**
 * Job ids: adding a job whose id exists is a no-op (both backends). BullMQ refuses ':' in custom ids, hence '.'.
 */
export const followUpJobIds = {
  reminder: (d: ReminderJobData) => `reminder.${d.followUpId}.${d.offset}.v${d.version}`,
  escalation: (d: EscalationJobData) => `escalation.${d.followUpId}.v${d.version}.${d.seq}`,
  reminderEmails: (followUpId: string, reminder: string) =>
    `emails.${followUpId}.${reminder.replace(/[:/]/g, '.')}`,
  handoverEmails: (startsOn: string) => `handover-emails.${startsOn}`,
};

/** Kept long enough that a re-add of a finished job id stays a no-op; retried with backoff when a step fails. */
export const FOLLOW_UP_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 14 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};
