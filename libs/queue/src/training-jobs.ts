import type { TrainingEmailJobData, TrainingReminderJobData } from '#domain';

/** The payloads are the domain's (its `TrainingJobs` port); the queue names, ids and options are this library's. */
export type { TrainingEmailJobData, TrainingReminderJobData };

/** Queues of the training feature (issue 10). Job options: FOLLOW_UP_JOB_OPTIONS (kept, retried with backoff). */
export const TRAINING_QUEUES = {
  /** `training-reminder` jobs (7 days and 1 day before startsAt): claim the deliveries, emit the socket events. */
  reminders: 'training-reminders',
  /** `training-emails` jobs: the emails of one delivery key of an event, one by one; `training-reconcile` ticks. */
  emails: 'training-emails',
} as const;

/** Job ids: adding a job whose id exists is a no-op. BullMQ refuses ':' in custom ids, hence '.'. */
export const trainingJobIds = {
  reminder: (d: TrainingReminderJobData) => `training-reminder.${d.eventId}.${d.offset}.v${d.version}`,
  emails: (eventId: string, key: string) => `training-emails.${eventId}.${key.replace(/[:/]/g, '.')}`,
};
