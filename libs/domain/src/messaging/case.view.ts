import type { CaseStatus } from './case-rules.js';
import type { CaseHandling } from './channel-access.policy.js';
import type { CaseRecord } from './cases.repository.js';

export interface CaseView {
  id: string;
  reference: string;
  network: string;
  type: string;
  handling: CaseHandling;
  countries: string[];
  status: CaseStatus;
  title: string;
  summary: string;
  openedBy: { id: string; displayName: string; country: string | null };
  assignees: Array<{ id: string; displayName: string; country: string | null }>;
  /** The case thread: a channel like any other for `sync`, read cursors and rooms. */
  channelId: string;
  createdAt: string;
  updatedAt: string;
  lastSeq?: number;
  unreadCount?: number;
}

export function caseView(c: CaseRecord): CaseView {
  return {
    id: c.id,
    reference: c.reference,
    network: c.networkSlug,
    type: c.type,
    handling: c.handling,
    countries: c.countries,
    status: c.status,
    title: c.title,
    summary: c.summary,
    openedBy: c.openedBy,
    assignees: c.assignees,
    channelId: c.channelId,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    ...(c.lastSeq !== undefined ? { lastSeq: c.lastSeq, unreadCount: c.unreadCount } : {}),
  };
}
