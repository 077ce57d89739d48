export type TrainingKind = 'exercise' | 'course' | 'seminar' | 'working-session';
export type TrainingAudience = 'officers' | 'members';
export type TrainingStatus = 'draft' | 'published' | 'cancelled';
export type RegistrationStatus = 'registered' | 'waitlisted';
export type DeliveryKind = 'notice' | 'reminder' | 'update' | 'cancel' | 'registration' | 'promotion';

export type { Bilingual } from '../common/domain-error.js';
import type { Bilingual } from '../common/domain-error.js';

export type TrainingLocation = { city: string; country: string } | { url: string };

/** The stored event (what the repository reads). */
export interface TrainingEventRow {
  id: string;
  kind: TrainingKind;
  title: Bilingual;
  description: Bilingual;
  sponsors: string[];
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: TrainingLocation;
  registrationDeadline: Date | null;
  capacity: number | null;
  audience: TrainingAudience;
  status: TrainingStatus;
  sequence: number;
  reminderVersion: number;
  scheduledAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  cancelledAt: Date | null;
  /** Network slugs, sorted. */
  networks: string[];
  networkIds: string[];
}

/** The fields an editor writes (validated and normalised by training.rules). */
export interface TrainingEventFields {
  networks: string[];
  kind: TrainingKind;
  title: Bilingual;
  description: Bilingual;
  sponsors: string[];
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: TrainingLocation;
  registrationDeadline: Date | null;
  capacity: number | null;
  audience: TrainingAudience;
}

/** The event as the API shows it. */
export interface TrainingEventView {
  id: string;
  networks: string[];
  kind: TrainingKind;
  title: Bilingual;
  description: Bilingual;
  sponsors: string[];
  startsAt: string;
  endsAt: string;
  timezone: string;
  location: TrainingLocation;
  registrationDeadline: string | null;
  capacity: number | null;
  audience: TrainingAudience;
  status: TrainingStatus;
  sequence: number;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  cancelledAt: string | null;
}

/** The `training.registration` socket payload: the caller's (or a promoted person's) registration changed. */
export interface TrainingRegistrationEvent {
  eventId: string;
  title: Bilingual;
  /** null once withdrawn. */
  status: RegistrationStatus | null;
  /** True when a freed place moved this person from the waitlist to registered. */
  promoted: boolean;
}

/** The `training.reminder` socket payload. */
export interface TrainingReminderEvent {
  eventId: string;
  title: Bilingual;
  startsAt: string;
  /** 7 or 1. */
  daysBefore: number;
  /** `v<reminderVersion>/<offset>`: recognises a reminder. */
  reminder: string;
}

export interface TrainingEventDetailView extends TrainingEventView {
  registered: number;
  waitlisted: number;
  myRegistration: RegistrationStatus | null;
}

export interface RegistrationView {
  user: { id: string; displayName: string; country: string | null };
  status: RegistrationStatus;
  registeredAt: string;
}

/** Someone an email of an event goes to. */
export interface TrainingRecipient {
  userId: string;
  email: string;
  displayName: string;
  country: string | null;
  locale: 'en' | 'es';
  timezone: string;
}

export interface NeedEntry {
  topic: Bilingual;
  priority: 'high' | 'medium' | 'low';
}

export interface TrainingNeedsView {
  country: string;
  needs: NeedEntry[];
  offers: Array<{ topic: Bilingual }>;
  updatedAt: string | null;
}

export interface TrainingNeedsAggregate {
  network: string;
  countries: TrainingNeedsView[];
  /** Every topic named, most needed first: who needs it (with priority) and who offers it. */
  topics: Array<{
    topic: Bilingual;
    neededBy: Array<{ country: string; priority: NeedEntry['priority'] }>;
    offeredBy: string[];
  }>;
}

export function eventView(row: TrainingEventRow): TrainingEventView {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    networks: row.networks,
    kind: row.kind,
    title: row.title,
    description: row.description,
    sponsors: row.sponsors,
    startsAt: new Date(row.startsAt).toISOString(),
    endsAt: new Date(row.endsAt).toISOString(),
    timezone: row.timezone,
    location: row.location,
    registrationDeadline: iso(row.registrationDeadline),
    capacity: row.capacity,
    audience: row.audience,
    status: row.status,
    sequence: row.sequence,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    publishedAt: iso(row.publishedAt),
    cancelledAt: iso(row.cancelledAt),
  };
}
