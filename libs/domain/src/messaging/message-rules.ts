import { ValidationFailed, type ErrorDetail } from '../common/domain-error.js';

export const MAX_BODY_CHARS = 10_000;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLIENT_MESSAGE_ID = /^[\x21-\x7e]{1,128}$/;

export interface SendInput {
  body: unknown;
  clientMessageId: unknown;
  caseId?: unknown;
  priority?: unknown;
  requestAck?: unknown;
}

export interface ValidSend {
  body: string;
  clientMessageId: string;
  caseId: string | null;
  priority: 'normal' | 'urgent';
  requestAck: boolean;
}

/** Characters as people count them (code points), so 10,000 emoji are 10,000 characters. */
export function charCount(s: string): number {
  if (s.length <= MAX_BODY_CHARS) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function bodyProblem(body: unknown): string | null {
  if (typeof body !== 'string') return 'must be a string';
  if (body.trim().length === 0) return 'must not be empty';
  if (body.includes('\u0000')) return 'must not contain NUL characters';
  if (charCount(body) > MAX_BODY_CHARS) return `must be at most ${MAX_BODY_CHARS} characters`;
  return null;
}

/** The rules of a message, the same over REST, the socket and for every caller. */
export function validateSend(input: SendInput): ValidSend {
  const details: ErrorDetail[] = [];
  const bp = bodyProblem(input.body);
  if (bp) details.push({ field: 'body', message: bp });
  if (typeof input.clientMessageId !== 'string' || !CLIENT_MESSAGE_ID.test(input.clientMessageId))
    details.push({
      field: 'clientMessageId',
      message: 'must be 1 to 128 visible ASCII characters (a UUID is a good choice)',
    });
  if (
    input.caseId !== undefined &&
    input.caseId !== null &&
    (typeof input.caseId !== 'string' || !UUID.test(input.caseId))
  )
    details.push({ field: 'caseId', message: 'must be a case id (UUID)' });
  if (input.priority !== undefined && input.priority !== 'normal' && input.priority !== 'urgent')
    details.push({ field: 'priority', message: 'must be normal or urgent' });
  if (input.requestAck !== undefined && typeof input.requestAck !== 'boolean')
    details.push({ field: 'requestAck', message: 'must be true or false' });
  if (details.length) throw new ValidationFailed(details);
  return {
    body: input.body as string,
    clientMessageId: input.clientMessageId as string,
    caseId: (input.caseId as string | undefined) ?? null,
    priority: (input.priority as 'normal' | 'urgent' | undefined) ?? 'normal',
    requestAck: (input.requestAck as boolean | undefined) ?? false,
  };
}

export function validateBody(body: unknown): string {
  const bp = bodyProblem(body);
  if (bp) throw new ValidationFailed([{ field: 'body', message: bp }]);
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
