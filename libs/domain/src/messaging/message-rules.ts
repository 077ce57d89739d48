import { ValidationFailed, type Bilingual, type ErrorDetail } from '../common/domain-error.js';

export const MAX_BODY_CHARS = 10_000;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLIENT_MESSAGE_ID = /^[\x21-\x7e]{1,128}$/;

export interface SendInput {
  body: unknown;
  clientMessageId: unknown;
  caseId?: unknown;
  priority?: unknown;
  requestAck?: unknown;
  attachmentIds?: unknown;
}

/** At most this many files in one message. */
export const MAX_ATTACHMENTS = 10;

export interface ValidSend {
  body: string;
  clientMessageId: string;
  caseId: string | null;
  priority: 'normal' | 'urgent';
  requestAck: boolean;
  /** The author's own unsent uploads to this channel, in the order they are shown. */
  attachmentIds: string[];
}

/** Characters as people count them (code points), so 10,000 emoji are 10,000 characters. */
export function charCount(s: string): number {
  if (s.length <= MAX_BODY_CHARS) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function bodyProblem(body: unknown): Bilingual | null {
  if (typeof body !== 'string') return { en: 'must be a string', es: 'debe ser un texto' };
  if (body.trim().length === 0) return { en: 'must not be empty', es: 'no debe estar vacío' };
  if (body.includes('\u0000'))
    return { en: 'must not contain NUL characters', es: 'no debe contener caracteres NUL' };
  if (charCount(body) > MAX_BODY_CHARS)
    return {
      en: `must be at most ${MAX_BODY_CHARS} characters`,
      es: `debe tener como máximo ${MAX_BODY_CHARS} caracteres`,
    };
  return null;
}

/** The rules of a message, the same over REST, the socket and for every caller. */
export function validateSend(input: SendInput): ValidSend {
  const details: ErrorDetail[] = [];
  const bp = bodyProblem(input.body);
  if (bp) details.push({ field: 'body', message: bp.en, es: bp.es });
  if (typeof input.clientMessageId !== 'string' || !CLIENT_MESSAGE_ID.test(input.clientMessageId))
    details.push({
      field: 'clientMessageId',
      message: 'must be 1 to 128 visible ASCII characters (a UUID is a good choice)',
      es: 'debe tener de 1 a 128 caracteres ASCII visibles (un UUID es una buena opción)',
    });
  if (
    input.caseId !== undefined &&
    input.caseId !== null &&
    (typeof input.caseId !== 'string' || !UUID.test(input.caseId))
  )
    details.push({
      field: 'caseId',
      message: 'must be a case id (UUID)',
      es: 'debe ser el identificador de un caso (UUID)',
    });
  if (input.priority !== undefined && input.priority !== 'normal' && input.priority !== 'urgent')
    details.push({ field: 'priority', message: 'must be normal or urgent', es: 'debe ser normal o urgent' });
  if (input.requestAck !== undefined && typeof input.requestAck !== 'boolean')
    details.push({ field: 'requestAck', message: 'must be true or false', es: 'debe ser true o false' });
  const ids = input.attachmentIds ?? [];
  if (
    !Array.isArray(ids) ||
    ids.length > MAX_ATTACHMENTS ||
    !ids.every((id) => typeof id === 'string' && UUID.test(id)) ||
    new Set(ids).size !== ids.length
  )
    details.push({
      field: 'attachmentIds',
      message: `must list at most ${MAX_ATTACHMENTS} different attachment ids`,
      es: `debe indicar como máximo ${MAX_ATTACHMENTS} identificadores de adjunto distintos`,
    });
  if (details.length) throw new ValidationFailed(details);
  return {
    body: input.body as string,
    clientMessageId: input.clientMessageId as string,
    caseId: (input.caseId as string | undefined) ?? null,
    priority: (input.priority as 'normal' | 'urgent' | undefined) ?? 'normal',
    requestAck: (input.requestAck as boolean | undefined) ?? false,
    attachmentIds: (ids as string[]).map((id) => id.toLowerCase()),
  };
}

export function validateBody(body: unknown): string {
  const bp = bodyProblem(body);
  if (bp) throw new ValidationFailed([{ field: 'body', message: bp.en, es: bp.es }]);
  return body as string;
}

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}

export function nonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Mentions in a body: `@GT` (two capitals: a country's officers) and `@name` (display name or email local part). */
export function parseMentions(body: string): { countries: string[]; names: string[] } {
  const countries = new Set<string>();
  const names = new Set<string>();
  const re = /(^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}][\p{L}\p{N}._-]{0,63})/gu;
  for (const match of body.matchAll(re)) {
    const token = match[2].replace(/[._-]+$/, '');
    if (/^[A-Z]{2}$/.test(token)) countries.add(token);
    else if (token.length >= 2) names.add(normalizeName(token));
  }
  return { countries: [...countries], names: [...names] };
}

/** Lowercase, without accents or anything but letters and digits: "María López" → "marialopez". */
export function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
