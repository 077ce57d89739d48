import type { DigestFrequency } from './digest-schedule.js';

/**
 * What the digest feature needs from infrastructure. libs/domain declares these; the queue, mail and realtime layers
 * implement them (bound in apps/worker/src/digests/digest-ports.module.ts), so the domain imports none of them.
 */

export type DigestLocale = 'en' | 'es';
export interface BilingualText {
  en: string;
  es: string;
}

/** One digest job: ids and the instant of the cycle, never content. */
export interface DigestJob {
  subscriptionId: string;
  period: string;
  frequency: DigestFrequency;
  /** ISO instant the cycle ran as (the clock, or `at` of an operator's run). */
  at: string;
}

export abstract class DigestJobQueue {
  /** Queues one job per (subscription, period); a job id that exists already is not added again. */
  abstract addDigestJobs(jobs: DigestJob[]): Promise<void>;
  /** Queues the check of one stored message after `delayMs` (one job per message). */
  abstract addMissedMessageCheck(messageId: string, delayMs: number): Promise<void>;
}

/** Who has a live socket right now, on any API process. */
export abstract class Presence {
  abstract onlineAmong(userIds: string[]): Promise<Set<string>>;
}

export interface DigestTrainingItem {
  id: string;
  title: BilingualText;
  startsAt: Date;
  link: string;
}

/** Published training events of the next 30 days per network slug (the training feature fills it). */
export abstract class DigestTrainingSource {
  abstract upcoming(networkSlugs: string[], from: Date, to: Date): Promise<Map<string, DigestTrainingItem[]>>;
}

export interface DigestNetworkSection {
  slug: string;
  name: BilingualText;
  /** Whether the reader is an officer of this network (and so sees cases, due items and unread counts). */
  officer: boolean;
  training: DigestTrainingItem[];
  followUps: { open: number; overdue: number };
  /** `network` handling: reference and title; `involved`: reference only (title null). Officers only. */
  newCases: Array<{ reference: string; title: string | null; link: string }>;
  /** Follow-up items due soon or overdue for the officer's country. */
  dueForCountry: Array<{ title: string; dueAt: Date; overdue: boolean; link: string }>;
  unread: Array<{ channel: string; count: number; link: string }>;
}

export interface DigestContent {
  frequency: DigestFrequency;
  from: Date;
  to: Date;
  networks: DigestNetworkSection[];
}

export interface DigestEmail {
  to: string;
  locale: DigestLocale;
  timezone: string;
  recipientName: string | null;
  /** Deterministic, so a resend after a crash is recognisable as the same message. */
  messageId: string;
  content: DigestContent;
  /** The List-Unsubscribe URL (signed token), also the page linked from the footer. */
  unsubscribeUrl: string;
  /** Where the reader changes their settings (the page behind the link, or the account's preferences). */
  manageUrl: string;
}

export interface ConfirmationEmail {
  to: string;
  locale: DigestLocale;
  confirmUrl: string;
  networks: BilingualText[];
  frequency: DigestFrequency;
  hour: number;
  timezone: string;
  expiresAt: Date;
}

export interface MissedMessagesEmail {
  to: string;
  locale: DigestLocale;
  recipientName: string;
  messageId: string;
  /** The channel's name or the case's reference: never content. */
  place: { kind: 'channel' | 'case'; label: string; network: BilingualText };
  count: number;
  link: string;
}

export abstract class DigestMail {
  abstract sendDigest(mail: DigestEmail): Promise<void>;
  abstract sendConfirmation(mail: ConfirmationEmail): Promise<void>;
  abstract sendMissedMessages(mail: MissedMessagesEmail): Promise<void>;
}
