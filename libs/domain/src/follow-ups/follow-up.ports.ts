import type { Bilingual } from '../common/domain-error.js';
import type { Locale } from '../common/i18n.js';
import type { ReminderKind } from './follow-up.types.js';

/*
 * What the follow-up feature needs from infrastructure, declared here and implemented outside the domain (as
 * `SystemMessages` is): `libs/queue` runs the jobs, `libs/mail` renders and sends the emails. Job payloads carry ids.
 */

export interface ReminderJobData {
  followUpId: string;
  /** ISO 8601 duration relative to dueAt, as the PPT wrote it (e.g. `-P1D`). */
  offset: string;
  /** The item's dueAt version the job was scheduled for; a job of an older version does nothing. */
  version: number;
}

export interface EscalationJobData {
  followUpId: string;
  version: number;
  /** 1 for the first escalation (dueAt + escalateEvery), 2 for the next, ... */
  seq: number;
}

export type FollowUpEmailJobData =
  { kind: 'reminder'; followUpId: string; reminder: string } | { kind: 'handover'; startsOn: string };

/**
 * Delayed and queued jobs of the follow-up feature. Each job has an id made of its payload, so adding it again is a
 * no-op and a moved dueAt (a new version) gets new ids.
 */
export abstract class FollowUpJobs {
  /** Reminder jobs, each run at its time (at once when the time has passed). */
  abstract addReminders(jobs: Array<{ data: ReminderJobData; at: Date }>): Promise<void>;
  /** An escalation job, run at its time. */
  abstract addEscalation(data: EscalationJobData, at: Date): Promise<void>;
  /**
   * Removes pending jobs; a job already running stays (it finds the item changed and does nothing). Resolves with a
   * line for each removal that failed.
   */
  abstract remove(jobs: {
    reminders: ReminderJobData[];
    escalations: EscalationJobData[];
  }): Promise<string[]>;
  /** The job that sends the emails of one reminder or escalation. */
  abstract addReminderEmails(followUpId: string, reminder: string): Promise<void>;
  /** The job that sends the emails of a PPT handover. */
  abstract addHandoverEmails(startsOn: string): Promise<void>;
}

/** Who an email goes to, in which language, and its fixed Message-ID (a resend after a crash is the same message). */
export interface EmailEnvelope {
  to: string;
  language: Locale;
  messageId: string;
}

export interface FollowUpReminderMailInput {
  locale: Locale;
  timezone: string;
  recipientName: string;
  network: Bilingual;
  country: Bilingual;
  title: string;
  dueAt: Date;
  kind: Exclude<ReminderKind, 'escalation'>;
  /** A linked case: its reference only, never its content. */
  caseReference?: string | null;
  link: string;
}

export interface FollowUpEscalationMailInput {
  locale: Locale;
  timezone: string;
  recipientName: string;
  network: Bilingual;
  title: string;
  dueAt: Date;
  overdueCountries: Bilingual[];
  caseReference?: string | null;
  link: string;
}

export interface HandoverItem {
  title: string;
  dueAt: string;
  /** Codes of the countries that have not marked the item done. */
  pendingCountries: string[];
}

export interface HandoverNetworkSummary {
  slug: string;
  network: Bilingual;
  openCount: number;
  overdueCount: number;
  /** The first open items by due time (the counts above are complete). */
  open: HandoverItem[];
  overdue: HandoverItem[];
  workPlan: {
    total: number;
    byStatus: Record<string, number>;
    activities: Array<{ title: string; status: string; targetDate: string }>;
  };
}

export interface HandoverText {
  locale: Locale;
  timezone: string;
  from: Bilingual;
  to: Bilingual;
  /** The first day of the new term (YYYY-MM-DD). */
  date: string;
  networks: HandoverNetworkSummary[];
}

export interface PresidencyHandoverMailInput extends HandoverText {
  recipientName: string;
  link: string;
}

/** The emails of the follow-up feature, in the reader's language and time zone. */
export abstract class FollowUpMail {
  abstract sendReminder(envelope: EmailEnvelope, input: FollowUpReminderMailInput): Promise<void>;
  abstract sendEscalation(envelope: EmailEnvelope, input: FollowUpEscalationMailInput): Promise<void>;
  abstract sendHandover(envelope: EmailEnvelope, input: PresidencyHandoverMailInput): Promise<void>;
  /** The handover summary as plain text in one language, worded as in the email (the channel message carries both). */
  abstract handoverSummaryText(input: HandoverText): string;
}
