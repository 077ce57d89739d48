import type { Bilingual } from '../common/domain-error.js';
import type { Locale } from '../common/i18n.js';
import type { EmailEnvelope } from '../follow-ups/follow-up.ports.js';
import type { CalendarMethod } from './training-calendar.js';

/*
 * What the training feature needs from infrastructure, declared here and implemented outside the domain (as
 * follow-up.ports.ts is): `libs/queue` runs the jobs, `libs/mail` renders and sends the emails. Job payloads carry ids.
 */

export interface TrainingReminderJobData {
  eventId: string;
  /** ISO 8601 duration before startsAt (`-P7D`, `-P1D`). */
  offset: string;
  /** The event's reminder version the job was planned for; a job of an older version does nothing. */
  version: number;
}

export interface TrainingEmailJobData {
  eventId: string;
  /** The delivery key (`notice`, `v1/-P1D`, `update/3`, `cancel`, `registration/12`, `promotion/12`). */
  key: string;
}

/**
 * Delayed and queued jobs of the training feature. Each job has an id made of its payload, so adding it again is a
 * no-op and a moved startsAt (a new reminder version) gets new ids.
 */
export abstract class TrainingJobs {
  /** Reminder jobs, each run at its time (at once when the time has passed). */
  abstract addReminders(jobs: Array<{ data: TrainingReminderJobData; at: Date }>): Promise<void>;
  /**
   * Removes pending reminder jobs; a job already running stays (it finds the event changed and does nothing).
   * Resolves with a line for each removal that failed.
   */
  abstract removeReminders(jobs: TrainingReminderJobData[]): Promise<string[]>;
  /** The job that sends the emails of one delivery key of an event. */
  abstract addEmails(eventId: string, key: string): Promise<void>;
}

export type TrainingMailKind = 'notice' | 'reminder' | 'update' | 'cancel' | 'registration' | 'promotion';

export interface TrainingMailInput {
  kind: TrainingMailKind;
  locale: Locale;
  /** The reader's time zone: every time is written in it. */
  timezone: string;
  recipientName: string;
  title: Bilingual;
  description: Bilingual;
  networks: Bilingual[];
  sponsors: Bilingual[];
  startsAt: Date;
  endsAt: Date;
  /** `{city, country name}` or an online link. */
  location: { city: string; country: Bilingual } | { url: string };
  registrationDeadline: Date | null;
  /** For a reminder: 7 or 1 (days before). */
  daysBefore?: number;
  link: string;
}

/** An iCalendar object sent with the email (what mail clients show as an invitation, an update or a cancellation). */
export interface TrainingCalendarPart {
  method: CalendarMethod;
  filename: string;
  content: string;
}

/** The emails of the training feature, in the reader's language and time zone, with their calendar part. */
export abstract class TrainingMail {
  abstract send(
    envelope: EmailEnvelope,
    input: TrainingMailInput,
    calendar: TrainingCalendarPart,
  ): Promise<void>;
}
