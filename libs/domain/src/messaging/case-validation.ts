import { ValidationFailed, type ErrorDetail } from '../common/domain-error.js';
import type { NetworkSlug } from '../reference/reference-data.js';
import { canTransition, CASE_STATUSES, CASE_TYPES, type CaseStatus } from './case-rules.js';
import type { CaseHandling } from './channel-access.policy.js';
import { isUuid } from './message-rules.js';

/** The rules of a case's fields, pure: the service loads what they need (the known country codes) and stores. */

export const MAX_CASE_COUNTRIES = 30;
export const MAX_ASSIGNEES = 50;

export interface OpenCaseInput {
  title: string;
  type: string;
  handling: CaseHandling;
  countries: string[];
  summary: string;
}

export interface CasePatch {
  status?: string;
  countries?: string[];
  handling?: string;
  assignees?: string[];
}

/** A list of RCM country codes without repeats; problems go to `details`. */
export function validCountries(
  field: string,
  countries: unknown,
  known: ReadonlySet<string>,
  details: ErrorDetail[],
): string[] {
  if (!Array.isArray(countries) || countries.some((c) => typeof c !== 'string')) {
    details.push({
      field,
      message: 'must be a list of country codes such as ["GT","MX"]',
      es: 'debe ser una lista de códigos de país como ["GT","MX"]',
    });
    return [];
  }
  const list = [...new Set(countries as string[])];
  const unknown = list.filter((c) => !known.has(c));
  if (unknown.length) {
    const valid = [...known].sort().join(', ');
    details.push({
      field,
      message: `has codes that are not RCM countries: ${unknown.join(', ')} (valid codes: ${valid})`,
      es: `tiene códigos que no son países de la CRM: ${unknown.join(', ')} (códigos válidos: ${valid})`,
    });
  }
  if (list.length > MAX_CASE_COUNTRIES)
    details.push({
      field,
      message: `must list at most ${MAX_CASE_COUNTRIES} countries`,
      es: `debe tener ${MAX_CASE_COUNTRIES} países como máximo`,
    });
  return list;
}

function trimmedText(value: unknown, max: number): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  return !text || text.length > max || text.includes('\u0000') ? null : text;
}

/**
 * A new case in network `slug`, opened by an officer of `openerCountry`: its fields checked together (every problem
 * listed at once), its countries with the opener's first.
 */
export function validateOpenCase(
  slug: string,
  input: OpenCaseInput,
  openerCountry: string,
  known: ReadonlySet<string>,
): { title: string; summary: string; countries: string[] } {
  const details: ErrorDetail[] = [];
  const title = trimmedText(input.title, 200);
  if (title === null)
    details.push({
      field: 'title',
      message: 'must be 1 to 200 characters',
      es: 'debe tener de 1 a 200 caracteres',
    });
  const types = CASE_TYPES[slug as NetworkSlug] ?? [];
  if (!types.includes(input.type)) {
    const other = Object.entries(CASE_TYPES).find(([, list]) => list.includes(input.type));
    details.push({
      field: 'type',
      ...(other
        ? {
            message: `${input.type} is a type of the ${other[0]} network; in ${slug} use one of ${types.join(', ')}`,
            es: `${input.type} es un tipo de la red ${other[0]}; en ${slug} use uno de: ${types.join(', ')}`,
          }
        : {
            message: `must be one of ${types.join(', ')}`,
            es: `debe ser uno de: ${types.join(', ')}`,
          }),
    });
  }
  if (input.handling !== 'network' && input.handling !== 'involved')
    details.push({
      field: 'handling',
      message: 'must be network or involved',
      es: 'debe ser network o involved',
    });
  const summary = trimmedText(input.summary, 10_000);
  if (summary === null)
    details.push({
      field: 'summary',
      message: 'must be 1 to 10,000 characters',
      es: 'debe tener de 1 a 10.000 caracteres',
    });
  const listed = validCountries('countries', input.countries, known, details);
  if (details.length) throw new ValidationFailed(details);
  return {
    title: title!,
    summary: summary!,
    countries: [openerCountry, ...listed.filter((c) => c !== openerCountry)],
  };
}

/** The filter of a case listing. */
export function validateCaseFilter(filter: { status?: string; country?: string }): void {
  const details: ErrorDetail[] = [];
  if (filter.status !== undefined && !CASE_STATUSES.includes(filter.status as CaseStatus))
    details.push({
      field: 'status',
      message: `must be one of ${CASE_STATUSES.join(', ')}`,
      es: `debe ser uno de: ${CASE_STATUSES.join(', ')}`,
    });
  if (filter.country !== undefined && !/^[A-Z]{2}$/.test(filter.country))
    details.push({
      field: 'country',
      message: 'must be a country code such as GT',
      es: 'debe ser un código de país como GT',
    });
  if (details.length) throw new ValidationFailed(details);
}

export interface CaseState {
  status: CaseStatus;
  handling: CaseHandling;
  countries: string[];
  assigneeIds: string[];
}

/**
 * A change to a case: the state after it, checked against the status workflow, the known countries (the opener's
 * country always stays listed) and the shape of the assignees (whether they may read the case is checked later, with
 * the stored accounts).
 */
export function validateCasePatch(
  before: CaseState & { openerCountry: string | null },
  patch: CasePatch,
  known: ReadonlySet<string>,
): CaseState {
  const details: ErrorDetail[] = [];
  let status = before.status;
  if (patch.status !== undefined) {
    if (!CASE_STATUSES.includes(patch.status as CaseStatus))
      details.push({
        field: 'status',
        message: `must be one of ${CASE_STATUSES.join(', ')}`,
        es: `debe ser uno de: ${CASE_STATUSES.join(', ')}`,
      });
    else if (!canTransition(before.status, patch.status as CaseStatus))
      details.push({
        field: 'status',
        message: `cannot go from ${before.status} to ${patch.status}`,
        es: `no puede pasar de ${before.status} a ${patch.status}`,
      });
    else status = patch.status as CaseStatus;
  }
  let handling = before.handling;
  if (patch.handling !== undefined) {
    if (patch.handling !== 'network' && patch.handling !== 'involved')
      details.push({
        field: 'handling',
        message: 'must be network or involved',
        es: 'debe ser network o involved',
      });
    else handling = patch.handling;
  }
  let countries = before.countries;
  if (patch.countries !== undefined) {
    countries = validCountries('countries', patch.countries, known, details);
    if (before.openerCountry && !countries.includes(before.openerCountry))
      details.push({
        field: 'countries',
        message: `must keep ${before.openerCountry}, the country of the officer who opened the case`,
        es: `debe mantener ${before.openerCountry}, el país del oficial que abrió el caso`,
      });
  }
  let assigneeIds = before.assigneeIds;
  if (patch.assignees !== undefined) {
    if (
      !Array.isArray(patch.assignees) ||
      patch.assignees.some((a) => !isUuid(a)) ||
      patch.assignees.length > MAX_ASSIGNEES
    ) {
      details.push({
        field: 'assignees',
        message: `must be a list of at most ${MAX_ASSIGNEES} user ids`,
        es: `debe ser una lista de ${MAX_ASSIGNEES} identificadores de usuario como máximo`,
      });
    } else assigneeIds = [...new Set(patch.assignees)];
  }
  if (details.length) throw new ValidationFailed(details);
  return { status, handling, countries, assigneeIds };
}

/** The same members, in any order. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
