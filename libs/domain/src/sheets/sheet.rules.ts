import type { Bilingual, ErrorDetail } from '../common/domain-error.js';
import { parseSignedDuration, type SignedDuration } from '../follow-ups/durations.js';

/**
 * The topics of a country's sheets (the Virtual Secretariat's library): visa requirements and types of visas
 * (communiqué 11.2), consular contacts, travel documents for returns (11.4), legislation.
 */
export const SHEET_TOPICS = [
  'visa-requirements',
  'visa-types',
  'consular-contacts',
  'travel-documents',
  'legislation',
] as const;
export type SheetTopic = (typeof SHEET_TOPICS)[number];

export const SHEET_TOPIC_TITLES: Record<SheetTopic, Bilingual> = {
  'visa-requirements': { en: 'Visa requirements', es: 'Requisitos de visa' },
  'visa-types': { en: 'Types of visas', es: 'Tipos de visa' },
  'consular-contacts': { en: 'Consular contacts', es: 'Contactos consulares' },
  'travel-documents': { en: 'Travel documents for returns', es: 'Documentos de viaje para el retorno' },
  legislation: { en: 'Legislation', es: 'Legislación' },
};

/** Each language's Markdown source: 1 to 50,000 characters. */
export const SHEET_BODY_MAX = 50_000;
/** The period after which a sheet is stale when the caller names none: the 30 days of communiqué 11.2. */
export const DEFAULT_STALE_AFTER = 'P30D';

export const isSheetTopic = (value: unknown): value is SheetTopic =>
  typeof value === 'string' && (SHEET_TOPICS as readonly string[]).includes(value);

export function topicProblem(field: string, value: unknown): ErrorDetail {
  return {
    field,
    message: `${String(value)} is not a sheet topic (${SHEET_TOPICS.join(', ')})`,
    es: `${String(value)} no es un tema de ficha (${SHEET_TOPICS.join(', ')})`,
  };
}

/** `{en, es}`, both Markdown text of 1 to 50,000 characters (not only blanks); nothing else. */
export function sheetBody(value: unknown, errors: ErrorDetail[]): { en: string; es: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    errors.push({
      field: 'body',
      message: 'must be an object {en, es} with the Markdown text in English and Spanish',
      es: 'debe ser un objeto {en, es} con el texto Markdown en inglés y en español',
    });
    return { en: '', es: '' };
  }
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (key !== 'en' && key !== 'es')
      errors.push({ field: `body.${key}`, message: 'is not a known field', es: 'no es un campo conocido' });
  }
  for (const lang of ['en', 'es'] as const) {
    const text = body[lang];
    if (typeof text !== 'string' || !text.trim() || text.length > SHEET_BODY_MAX)
      errors.push({
        field: `body.${lang}`,
        message: `must be Markdown text of 1 to ${SHEET_BODY_MAX.toLocaleString('en')} characters`,
        es: `debe ser un texto Markdown de 1 a ${SHEET_BODY_MAX.toLocaleString('es')} caracteres`,
      });
  }
  return {
    en: typeof body.en === 'string' ? body.en : '',
    es: typeof body.es === 'string' ? body.es : '',
  };
}

/** A positive ISO 8601 duration of at most ten years (`P30D`, `P6M`, `PT1H`). */
export function staleAfterPeriod(value: unknown, errors: ErrorDetail[]): SignedDuration | undefined {
  const d = parseSignedDuration(value ?? DEFAULT_STALE_AFTER);
  if (!d || d.negative || d.zero || d.duration.toMillis() > 10 * 366 * 86_400_000) {
    errors.push({
      field: 'staleAfter',
      message: 'must be a positive ISO 8601 duration such as P30D or P6M',
      es: 'debe ser una duración ISO 8601 positiva, como P30D o P6M',
    });
    return undefined;
  }
  return d;
}

/** A version number in a query: a whole number from 1. */
export function versionNumber(value: unknown, errors: ErrorDetail[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) {
    errors.push({
      field: 'version',
      message: 'must be a version number (1, 2, 3, ...)',
      es: 'debe ser un número de versión (1, 2, 3, ...)',
    });
    return undefined;
  }
  return n;
}
