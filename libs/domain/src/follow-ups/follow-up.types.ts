export type AssignmentStatus = 'pending' | 'acknowledged' | 'done';
/** The status shown: `overdue` is derived for an assignment that is not done after dueAt. */
export type ShownStatus = AssignmentStatus | 'overdue';
export type ReminderKind = 'upcoming' | 'due' | 'overdue' | 'escalation';

export interface AssignmentRow {
  country: string;
  status: AssignmentStatus;
  respondedAt: Date | null;
  respondedBy: string | null;
  note: string | null;
}

export interface FollowUpRow {
  id: string;
  networkId: string;
  network: string;
  title: string;
  description: string | null;
  dueAt: Date;
  dueVersion: number;
  /** When the current dueAt was set: reminders whose time was already past then are never sent. */
  scheduledAt: Date;
  reminders: string[];
  escalateEvery: string | null;
  escalationSeq: number;
  caseId: string | null;
  workPlanActivityId: string | null;
  /** The topic of the country sheet the item names, if any. */
  sheetTopic: string | null;
  createdBy: string | null;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  assignments: AssignmentRow[];
}

export interface NetworkRef {
  id: string;
  slug: string;
  nameEn: string;
  nameEs: string;
}

/** An officer who receives a reminder, an escalation or a handover email. */
export interface Recipient {
  userId: string;
  email: string;
  displayName: string;
  country: string;
  locale: 'en' | 'es';
  timezone: string;
}

export interface AssignmentView {
  country: string;
  status: ShownStatus;
  respondedAt: string | null;
  note: string | null;
}

export interface FollowUpView {
  id: string;
  network: string;
  title: string;
  description: string | null;
  dueAt: string;
  reminders: string[];
  escalateEvery: string | null;
  caseId: string | null;
  workPlanActivityId: string | null;
  sheet: { topic: string } | null;
  cancelled: boolean;
  cancelledAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  assignments: AssignmentView[];
}

export interface BoardSummary {
  pending: number;
  acknowledged: number;
  done: number;
  overdue: number;
}

export interface BoardView {
  followUps: Array<{
    id: string;
    title: string;
    dueAt: string;
    caseId: string | null;
    workPlanActivityId: string | null;
    sheet: { topic: string } | null;
    assignments: AssignmentView[];
  }>;
  summary: BoardSummary;
}

/** What the `followup.reminder` socket event carries (API.md), plus the network and the reminder's name. */
export interface FollowUpReminderEvent {
  followUpId: string;
  title: string;
  dueAt: string;
  kind: ReminderKind;
  country: string;
  network: string;
  /** `v<dueVersion>/<offset>` or `v<dueVersion>/escalation/<n>`: a client can use it to recognise the reminder. */
  reminder: string;
}
