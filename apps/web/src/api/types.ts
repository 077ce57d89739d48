/** The shapes of API.md, as the client uses them. */
export type Locale = 'en' | 'es';
export type NetworkSlug = 'smuggling-trafficking' | 'consular-protection';

export interface Me {
  id: string;
  email: string;
  displayName: string;
  country: string | null;
  organization: string | null;
  locale: Locale;
  timezone: string;
  roles: string[];
  memberships: Array<{ network: NetworkSlug; role: 'officer' | 'observer' }>;
  presidency: boolean;
}

export interface Network {
  slug: NetworkSlug;
  name: { en: string; es: string };
  role: 'officer' | 'observer' | 'staff';
}

export interface Channel {
  id: string;
  name: string;
  visibility: 'network' | 'officers' | 'private';
  lastSeq: number;
  unreadCount: number;
}

export interface Person {
  id: string;
  displayName: string;
  country: string | null;
}

/** A file a message carries; its bytes are at `GET /api/attachments/:id` (with the session's token). */
export interface AttachmentRef {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

export interface Message {
  id: string;
  channelId: string;
  caseId: string | null;
  seq: number;
  author: Person | null;
  body: string;
  priority: 'normal' | 'urgent';
  requestAck: boolean;
  clientMessageId: string | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  attachments?: AttachmentRef[];
}

export type CaseStatus = 'open' | 'awaiting-response' | 'resolved' | 'closed';
export type Handling = 'network' | 'involved';

export interface Case {
  id: string;
  reference: string;
  network: NetworkSlug;
  type: string;
  handling: Handling;
  countries: string[];
  status: CaseStatus;
  title: string;
  summary: string;
  openedBy: Person;
  assignees: Person[];
  channelId: string;
  createdAt: string;
  updatedAt: string;
  unreadCount?: number;
}

export type AssignmentStatus = 'pending' | 'acknowledged' | 'done' | 'overdue';

export interface Assignment {
  country: string;
  status: AssignmentStatus;
  respondedAt: string | null;
  note: string | null;
}

export interface FollowUp {
  id: string;
  network: NetworkSlug;
  title: string;
  description: string | null;
  dueAt: string;
  cancelled: boolean;
  caseId: string | null;
  sheet?: { topic: SheetTopic } | null;
  assignments: Assignment[];
}

export interface Board {
  followUps: Array<{
    id: string;
    title: string;
    dueAt: string;
    sheet?: { topic: SheetTopic } | null;
    assignments: Assignment[];
  }>;
  summary: { pending: number; acknowledged: number; done: number; overdue: number };
}

export type WorkPlanStatus = 'planned' | 'in-progress' | 'completed' | 'on-hold' | 'cancelled';

export interface WorkPlanActivity {
  id: string;
  title: string;
  objective: string | null;
  responsibleCountries: string[];
  targetDate: string;
  status: WorkPlanStatus;
  progressNote: string | null;
}

export interface PresidencyTerm {
  country: string;
  startsOn: string;
  endsOn: string;
}

/** GET /api/admin/retention (admins). Periods are ISO 8601 durations; null: kept. */
export interface RetentionOverview {
  networks: Array<{ network: NetworkSlug; messages: string | null; cases: string | null }>;
  audit: string | null;
  schedule: string;
  lastPurge: { at: string; messages: number; cases: number; caseMessages: number; auditRows: number } | null;
}

export interface AdminUser extends Me {
  /** When the account was disabled (offboarding); null while it may sign in. */
  disabledAt: string | null;
}

/** One of the caller's sign-in sessions (`GET /api/me/sessions`). */
export interface AccountSession {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export type SearchResult =
  { type: 'message'; rank: number; message: Message } | { type: 'case'; rank: number; case: Case };

/** Member countries of the Conference (DOMAIN.md), the ones cases and follow-up items name. */
export const MEMBER_COUNTRIES = ['BZ', 'CA', 'CR', 'DO', 'SV', 'GT', 'HN', 'MX', 'NI', 'PA', 'US'] as const;

export const CASE_TYPES: Record<NetworkSlug, readonly string[]> = {
  'smuggling-trafficking': ['migrant-smuggling', 'trafficking-in-persons', 'undetermined'],
  'consular-protection': [
    'detention',
    'return',
    'unaccompanied-minor',
    'death-repatriation',
    'travel-documents',
    'other',
  ],
};

export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['awaiting-response', 'resolved', 'closed'],
  'awaiting-response': ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

export type TrainingKind = 'exercise' | 'course' | 'seminar' | 'working-session';
export const TRAINING_KINDS: readonly TrainingKind[] = ['exercise', 'course', 'seminar', 'working-session'];
export type Bilingual = { en: string; es: string };
export type RegistrationStatus = 'registered' | 'waitlisted';

export interface TrainingEvent {
  id: string;
  networks: NetworkSlug[];
  kind: TrainingKind;
  title: Bilingual;
  description: Bilingual;
  sponsors: string[];
  startsAt: string;
  endsAt: string;
  timezone: string;
  location: { city?: string; country?: string; url?: string };
  registrationDeadline: string | null;
  capacity: number | null;
  audience: 'officers' | 'members';
  status: 'draft' | 'published' | 'cancelled';
  sequence: number;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  cancelledAt: string | null;
}

export interface TrainingEventDetail extends TrainingEvent {
  registered: number;
  waitlisted: number;
  myRegistration: RegistrationStatus | null;
}

export interface TrainingRegistration {
  user: Person;
  status: RegistrationStatus;
  registeredAt: string;
}

export type NeedPriority = 'high' | 'medium' | 'low';
export interface TrainingNeedsEntry {
  country: string;
  needs: Array<{ topic: Bilingual; priority: NeedPriority }>;
  offers: Array<{ topic: Bilingual }>;
  updatedAt: string | null;
}
export interface TrainingNeedsAggregate {
  network: NetworkSlug;
  countries: TrainingNeedsEntry[];
  topics: Array<{
    topic: Bilingual;
    neededBy: Array<{ country: string; priority: NeedPriority }>;
    offeredBy: string[];
  }>;
}

/** `GET`/`PUT /api/me/digest` (API.md "Email digests"). */
export interface AccountDigest {
  enabled: boolean;
  frequency: 'daily' | 'weekly';
  hour: number;
  timezone: string | null;
  networks: NetworkSlug[];
}

/** `GET /api/digest-subscriptions/by-token`: what the unsubscribe page may show. */
export interface DigestSubscriptionView {
  locale: 'en' | 'es';
  frequency: 'daily' | 'weekly';
  status: 'pending' | 'active' | 'unsubscribed';
}

export const SHEET_TOPICS = [
  'visa-requirements',
  'visa-types',
  'consular-contacts',
  'travel-documents',
  'legislation',
] as const;
export type SheetTopic = (typeof SHEET_TOPICS)[number];

export interface SheetAuthor {
  id: string;
  displayName: string;
  country: string | null;
}

/** A topic of a country's library (nulls: nothing published yet). */
export interface SheetSummary {
  country: string;
  topic: SheetTopic;
  title: { en: string; es: string };
  version: number | null;
  updatedAt: string | null;
  updatedBy: SheetAuthor | null;
}

/** One version: the Markdown source and the HTML the server rendered (the only HTML the client shows). */
export interface Sheet {
  country: string;
  topic: SheetTopic;
  title: { en: string; es: string };
  version: number;
  latestVersion: number;
  body: { en: string; es: string };
  html: { en: string; es: string };
  updatedAt: string;
  updatedBy: SheetAuthor | null;
}

export interface SheetVersion {
  version: number;
  updatedAt: string;
  updatedBy: SheetAuthor | null;
}

export interface SheetFreshness {
  country: string;
  topic: SheetTopic;
  version: number | null;
  updatedAt: string | null;
  stale: boolean;
}
