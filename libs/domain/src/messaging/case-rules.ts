import type { NetworkSlug } from '../reference/reference-data.js';

/** Case types per network; in smuggling-trafficking they are the terms of the UN Protocols (Palermo, 2000). */
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

export const CASE_STATUSES = ['open', 'awaiting-response', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/**
 * The status workflow. A case moves between `open` and `awaiting-response` while officers work on it, is `resolved`
 * when the matter is settled, and `closed` when nothing more is expected. A resolved or closed case can be reopened;
 * a closed case is not "resolved" afterwards without reopening. A closed case's thread takes no new messages.
 */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['awaiting-response', 'resolved', 'closed'],
  'awaiting-response': ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return from === to || CASE_TRANSITIONS[from].includes(to);
}

export function formatReference(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`;
}

export const STATUS_ES: Record<CaseStatus, string> = {
  open: 'abierto',
  'awaiting-response': 'en espera de respuesta',
  resolved: 'resuelto',
  closed: 'cerrado',
};
