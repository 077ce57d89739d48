import { STATUS_ES, type CaseStatus } from './case-rules.js';
import type { CaseHandling } from './channel-access.policy.js';

/**
 * The system messages a case's thread shows when it is opened or changed: English, then Spanish, since its readers
 * differ. Pure text; the service decides when to post them.
 */

export const HANDLING_TEXT: Record<CaseHandling, { en: string; es: string }> = {
  network: { en: 'any officer of the network', es: 'cualquier oficial de la red' },
  involved: {
    en: 'officers of the involved countries only',
    es: 'solo oficiales de los países involucrados',
  },
};

/** "Ana López (GT)"; an account without a country shows a dash. */
export function actorLabel(p: { displayName: string; country?: string | null }): string {
  return `${p.displayName} (${p.country ?? '—'})`;
}

export function caseOpenedText(reference: string, who: string): string {
  return `Case ${reference} opened by ${who}.\n\nCaso ${reference} abierto por ${who}.`;
}

export interface CaseChangeLines {
  en: string[];
  es: string[];
}

/** One line per changed field (status, handling, countries), in both languages. */
export function caseChangeLines(
  before: { status: CaseStatus; handling: CaseHandling; countries: string[] },
  after: { status: CaseStatus; handling: CaseHandling; countries: string[] },
  countriesChanged: boolean,
): CaseChangeLines {
  const lines: CaseChangeLines = { en: [], es: [] };
  if (after.status !== before.status) {
    lines.en.push(`Status: ${before.status} → ${after.status}`);
    lines.es.push(`Estado: ${STATUS_ES[before.status]} → ${STATUS_ES[after.status]}`);
  }
  if (after.handling !== before.handling) {
    lines.en.push(`Handling: ${HANDLING_TEXT[after.handling].en}`);
    lines.es.push(`Manejo: ${HANDLING_TEXT[after.handling].es}`);
  }
  if (countriesChanged) {
    lines.en.push(`Countries: ${after.countries.join(', ')}`);
    lines.es.push(`Países: ${after.countries.join(', ')}`);
  }
  return lines;
}

/** Adds the line naming the case's assignees as they are now. */
export function addAssigneesLine(
  lines: CaseChangeLines,
  assignees: Array<{ displayName: string; country: string | null }>,
): void {
  const names = assignees.map(actorLabel).join(', ');
  lines.en.push(`Assigned to: ${names || 'nobody'}`);
  lines.es.push(`Asignado a: ${names || 'nadie'}`);
}

export function caseUpdatedText(reference: string, who: string, lines: CaseChangeLines): string {
  return (
    `Case ${reference} updated by ${who}:\n${lines.en.join('\n')}\n\n` +
    `Caso ${reference} actualizado por ${who}:\n${lines.es.join('\n')}`
  );
}
