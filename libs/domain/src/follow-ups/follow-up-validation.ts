import type { ErrorDetail } from '../common/domain-error.js';
import { isSheetTopic, topicProblem } from '../sheets/sheet.rules.js';
import { approximateMs, parseSignedDuration } from './durations.js';

/** The rules of a follow-up item's fields, pure: each pushes its problems (English and Spanish) to `errors`. */

export const DEFAULT_REMINDERS = ['-P7D', '-P1D', 'PT0S'];
export const MAX_REMINDERS = 10;
const MAX_OFFSET_MS = 366 * 24 * 3600 * 1000;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function followUpTitle(value: unknown, errors: ErrorDetail[]): string {
  const t = typeof value === 'string' ? value.trim() : '';
  if (t.length < 1 || t.length > 200)
    errors.push({
      field: 'title',
      message: 'must be 1 to 200 characters',
      es: 'debe tener de 1 a 200 caracteres',
    });
  return t;
}

export function followUpDescription(value: unknown, errors: ErrorDetail[]): string | null {
  if (value == null) return null;
  if (typeof value !== 'string' || value.length > 10_000) {
    errors.push({
      field: 'description',
      message: 'must be text of at most 10,000 characters',
      es: 'debe ser un texto de 10.000 caracteres como máximo',
    });
    return null;
  }
  return value;
}

export function followUpDueAt(value: unknown, now: Date, errors: ErrorDetail[]): Date | undefined {
  const d = typeof value === 'string' && ISO_DATE_TIME.test(value) ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) {
    errors.push({
      field: 'dueAt',
      message: 'must be an ISO 8601 date and time with an offset, e.g. 2026-03-01T17:00:00-06:00',
      es: 'debe ser una fecha y hora ISO 8601 con desfase horario, p. ej. 2026-03-01T17:00:00-06:00',
    });
    return undefined;
  }
  if (d.getTime() <= now.getTime())
    errors.push({ field: 'dueAt', message: 'must be in the future', es: 'debe estar en el futuro' });
  return d;
}

export function followUpCountries(value: unknown, members: string[], errors: ErrorDetail[]): string[] {
  if (value === 'members') return members;
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({
      field: 'countries',
      message: "must be a non-empty list of member country codes, or 'members'",
      es: "debe ser una lista no vacía de códigos de países miembros, o 'members'",
    });
    return [];
  }
  const out = new Set<string>();
  for (const c of value) {
    if (typeof c !== 'string' || !members.includes(c)) {
      errors.push({
        field: 'countries',
        message: `${String(c)} is not the code of a member country (${members.join(', ')})`,
        es: `${String(c)} no es el código de un país miembro (${members.join(', ')})`,
      });
    } else out.add(c);
  }
  return [...out].sort();
}

export function followUpReminders(value: unknown, errors: ErrorDetail[]): string[] {
  if (!Array.isArray(value) || value.length > MAX_REMINDERS) {
    errors.push({
      field: 'reminders',
      message: `must be a list of at most ${MAX_REMINDERS} ISO 8601 durations`,
      es: `debe ser una lista de ${MAX_REMINDERS} duraciones ISO 8601 como máximo`,
    });
    return [];
  }
  const out: string[] = [];
  for (const r of value) {
    const d = parseSignedDuration(r);
    if (!d) {
      errors.push({
        field: 'reminders',
        message: `${String(r)} is not an ISO 8601 duration such as -P7D, -PT2S or PT0S`,
        es: `${String(r)} no es una duración ISO 8601 como -P7D, -PT2S o PT0S`,
      });
    } else if (approximateMs(d) > MAX_OFFSET_MS) {
      errors.push({
        field: 'reminders',
        message: `${String(r)} is more than a year away from dueAt`,
        es: `${String(r)} está a más de un año de dueAt`,
      });
    } else if (out.includes(d.text)) {
      errors.push({
        field: 'reminders',
        message: `${String(r)} appears twice`,
        es: `${String(r)} aparece dos veces`,
      });
    } else out.push(d.text);
  }
  return out;
}

export function followUpEscalateEvery(value: unknown, errors: ErrorDetail[]): string | null {
  if (value == null) return null;
  const d = parseSignedDuration(value);
  if (!d || d.negative || d.zero || approximateMs(d) < 1000 || approximateMs(d) > MAX_OFFSET_MS) {
    errors.push({
      field: 'escalateEvery',
      message: 'must be a positive ISO 8601 duration from PT1S to P1Y, e.g. P3D',
      es: 'debe ser una duración ISO 8601 positiva de PT1S a P1Y, p. ej. P3D',
    });
    return null;
  }
  return d.text;
}

/** `sheet: {topic}` names a country sheet; null or absent names none. */
export function followUpSheet(value: unknown, errors: ErrorDetail[]): string | null {
  if (value == null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push({
      field: 'sheet',
      message: 'must be an object {topic} naming a country sheet topic',
      es: 'debe ser un objeto {topic} que nombre un tema de ficha de país',
    });
    return null;
  }
  const topic = (value as { topic?: unknown }).topic;
  if (!isSheetTopic(topic)) {
    errors.push(topicProblem('sheet.topic', topic));
    return null;
  }
  return topic;
}
