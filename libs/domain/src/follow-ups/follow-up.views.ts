import type {
  AssignmentRow,
  AssignmentView,
  BoardSummary,
  BoardView,
  FollowUpRow,
  FollowUpView,
  ShownStatus,
} from './follow-up.types.js';

export function shownStatus(a: Pick<AssignmentRow, 'status'>, dueAt: Date, now: Date): ShownStatus {
  return a.status !== 'done' && now.getTime() > dueAt.getTime() ? 'overdue' : a.status;
}

export function assignmentView(a: AssignmentRow, dueAt: Date, now: Date): AssignmentView {
  return {
    country: a.country,
    status: shownStatus(a, dueAt, now),
    respondedAt: a.respondedAt ? a.respondedAt.toISOString() : null,
    note: a.note,
  };
}

export function followUpView(row: FollowUpRow, now: Date): FollowUpView {
  return {
    id: row.id,
    network: row.network,
    title: row.title,
    description: row.description,
    dueAt: row.dueAt.toISOString(),
    reminders: row.reminders,
    escalateEvery: row.escalateEvery,
    caseId: row.caseId,
    workPlanActivityId: row.workPlanActivityId,
    sheet: row.sheetTopic ? { topic: row.sheetTopic } : null,
    cancelled: row.cancelledAt !== null,
    cancelledAt: row.cancelledAt ? row.cancelledAt.toISOString() : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    assignments: row.assignments.map((a) => assignmentView(a, row.dueAt, now)),
  };
}

export interface BoardFilter {
  overdue?: boolean;
  country?: string;
}

/**
 * The board: items × countries. Filters keep assignments (`country` keeps that country's, `overdue` the overdue
 * ones); an item left with none is dropped; the summary counts what is shown, each assignment once.
 */
export function boardView(rows: FollowUpRow[], now: Date, filter: BoardFilter = {}): BoardView {
  const summary: BoardSummary = { pending: 0, acknowledged: 0, done: 0, overdue: 0 };
  const followUps: BoardView['followUps'] = [];
  for (const row of rows) {
    const assignments = row.assignments
      .map((a) => assignmentView(a, row.dueAt, now))
      .filter(
        (a) =>
          (!filter.country || a.country === filter.country) && (!filter.overdue || a.status === 'overdue'),
      );
    if (!assignments.length) continue;
    for (const a of assignments) summary[a.status]++;
    followUps.push({
      id: row.id,
      title: row.title,
      dueAt: row.dueAt.toISOString(),
      caseId: row.caseId,
      workPlanActivityId: row.workPlanActivityId,
      sheet: row.sheetTopic ? { topic: row.sheetTopic } : null,
      assignments,
    });
  }
  return { followUps, summary };
}

const CSV_HEADER = ['followUpId', 'title', 'dueAt', 'country', 'status', 'respondedAt', 'note'];

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. A cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with an apostrophe.
 */
export function csvCell(value: string | null | undefined): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The board as CSV: a header row, then one row per item and country; CRLF line ends. */
export function boardCsv(board: BoardView): string {
  const lines = [CSV_HEADER.join(',')];
  for (const f of board.followUps) {
    for (const a of f.assignments) {
      lines.push([f.id, f.title, f.dueAt, a.country, a.status, a.respondedAt, a.note].map(csvCell).join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}
