import { DateTime, IANAZone } from 'luxon';
import type { ErrorDetail } from '../common/domain-error.js';
import type {
  Bilingual,
  NeedEntry,
  TrainingAudience,
  TrainingEventFields,
  TrainingKind,
  TrainingLocation,
} from './training.types.js';

export const TRAINING_KINDS: TrainingKind[] = ['exercise', 'course', 'seminar', 'working-session'];
export const AUDIENCES: TrainingAudience[] = ['officers', 'members'];
export const MAX_CAPACITY = 100_000;
export const MUST_BE_FUTURE = { en: 'must be in the future', es: 'debe estar en el futuro' };
export const ISO_DATE_TIME = {
  en: 'must be an ISO 8601 date and time',
  es: 'debe ser una fecha y hora ISO 8601',
};
const LOCAL_OR_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** What the rules need to know about the reference data. */
export interface TrainingReference {
  networks: Set<string>;
  /** Country and organisation codes (sponsors). */
  sponsors: Set<string>;
  countries: Set<string>;
}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One field's problem, in English and Spanish. */
export const problem = (field: string, en: string, es: string): ErrorDetail => ({ field, message: en, es });

function bilingual(value: unknown, field: string, max: number, errors: ErrorDetail[], min = 1): Bilingual {
  if (!isObject(value) || Object.keys(value).some((k) => k !== 'en' && k !== 'es')) {
    errors.push(problem(field, 'must be an object {en, es}', 'debe ser un objeto {en, es}'));
    return { en: '', es: '' };
  }
  const out = { en: '', es: '' };
  for (const lang of ['en', 'es'] as const) {
    const text = typeof value[lang] === 'string' ? (value[lang] as string).trim() : undefined;
    if (text === undefined || text.length < min || text.length > max)
      errors.push(
        problem(
          `${field}.${lang}`,
          `must be text of ${min} to ${max} characters`,
          `debe ser un texto de ${min} a ${max} caracteres`,
        ),
      );
    else out[lang] = text;
  }
  return out;
}

/**
 * A time as an editor gives it: ISO 8601 with an offset (an instant), or without one (a wall-clock time in the
 * event's time zone, e.g. 2027-03-10T09:00 in America/Mexico_City).
 */
export function parseEventTime(value: unknown, timezone: string | undefined): Date | undefined {
  if (typeof value !== 'string' || !LOCAL_OR_OFFSET.test(value)) return undefined;
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  if (!hasOffset && !timezone) return undefined;
  const dt = DateTime.fromISO(value, hasOffset ? { setZone: true } : { zone: timezone });
  return dt.isValid ? dt.toJSDate() : undefined;
}

function time(
  value: unknown,
  field: string,
  timezone: string | undefined,
  errors: ErrorDetail[],
): Date | undefined {
  const d = parseEventTime(value, timezone);
  if (!d)
    errors.push(
      problem(
        field,
        'must be an ISO 8601 date and time, with an offset (2027-03-10T09:00:00-06:00) or in the event time zone (2027-03-10T09:00)',
        'debe ser una fecha y hora ISO 8601, con desfase (2027-03-10T09:00:00-06:00) o en la zona horaria de la actividad (2027-03-10T09:00)',
      ),
    );
  return d;
}

function location(value: unknown, ref: TrainingReference, errors: ErrorDetail[]): TrainingLocation {
  if (isObject(value)) {
    const keys = Object.keys(value).sort().join(',');
    if (keys === 'url' && typeof value.url === 'string') {
      try {
        const url = new URL(value.url);
        if ((url.protocol === 'https:' || url.protocol === 'http:') && value.url.length <= 2000)
          return { url: url.toString() };
      } catch {
        /* reported below */
      }
      errors.push(
        problem(
          'location.url',
          'must be an http(s) URL of at most 2,000 characters',
          'debe ser una URL http(s) de 2000 caracteres como máximo',
        ),
      );
      return { url: '' };
    }
    if (keys === 'city,country') {
      const city = typeof value.city === 'string' ? value.city.trim() : '';
      const country = typeof value.country === 'string' ? value.country : '';
      if (city.length < 1 || city.length > 120)
        errors.push(
          problem('location.city', 'must be 1 to 120 characters', 'debe tener de 1 a 120 caracteres'),
        );
      if (!ref.countries.has(country))
        errors.push(
          problem(
            'location.country',
            'must be an ISO 3166 alpha-2 country code',
            'debe ser un código de país ISO 3166 alfa-2',
          ),
        );
      return { city, country };
    }
  }
  errors.push(problem('location', 'must be {city, country} or {url}', 'debe ser {city, country} o {url}'));
  return { url: '' };
}

/**
 * Validates a whole event (a creation, or the current event with a change applied) and normalises it. Every
 * problem is reported with its field; nothing is stored when one is found.
 */
export function validateEvent(
  input: Raw,
  ref: TrainingReference,
  errors: ErrorDetail[],
): TrainingEventFields {
  const networks = Array.isArray(input.networks) ? [...new Set(input.networks)] : [];
  if (!networks.length || networks.some((n) => typeof n !== 'string' || !ref.networks.has(n)))
    errors.push(
      problem(
        'networks',
        `must be a non-empty list of ${[...ref.networks].join(', ')}`,
        `debe ser una lista no vacía de ${[...ref.networks].join(', ')}`,
      ),
    );
  const kind = input.kind as TrainingKind;
  if (!TRAINING_KINDS.includes(kind))
    errors.push(
      problem(
        'kind',
        `must be one of ${TRAINING_KINDS.join(', ')}`,
        `debe ser uno de ${TRAINING_KINDS.join(', ')}`,
      ),
    );
  const audience = input.audience as TrainingAudience;
  if (!AUDIENCES.includes(audience))
    errors.push(
      problem(
        'audience',
        `must be one of ${AUDIENCES.join(', ')}`,
        `debe ser uno de ${AUDIENCES.join(', ')}`,
      ),
    );
  const title = bilingual(input.title, 'title', 200, errors);
  const description = bilingual(input.description ?? { en: '', es: '' }, 'description', 10_000, errors, 0);
  const sponsors = Array.isArray(input.sponsors) ? [...new Set(input.sponsors)] : undefined;
  if (
    !sponsors ||
    sponsors.length > 20 ||
    sponsors.some((s) => typeof s !== 'string' || !ref.sponsors.has(s))
  )
    errors.push(
      problem(
        'sponsors',
        'must be a list of country or organisation codes (e.g. CA, US, MX, IOM)',
        'debe ser una lista de códigos de país u organización (p. ej., CA, US, MX, IOM)',
      ),
    );
  const timezone = typeof input.timezone === 'string' ? input.timezone : '';
  const zoneOk = timezone.length > 0 && IANAZone.isValidZone(timezone);
  if (!zoneOk)
    errors.push(
      problem(
        'timezone',
        'must be an IANA time zone such as America/Mexico_City',
        'debe ser una zona horaria IANA, como America/Mexico_City',
      ),
    );
  const zone = zoneOk ? timezone : undefined;
  const startsAt = time(input.startsAt, 'startsAt', zone, errors);
  const endsAt = time(input.endsAt, 'endsAt', zone, errors);
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime())
    errors.push(problem('endsAt', 'must be after startsAt', 'debe ser posterior a startsAt'));
  let registrationDeadline: Date | null = null;
  if (input.registrationDeadline != null) {
    registrationDeadline = time(input.registrationDeadline, 'registrationDeadline', zone, errors) ?? null;
    if (registrationDeadline && startsAt && registrationDeadline.getTime() > startsAt.getTime())
      errors.push(
        problem('registrationDeadline', 'must not be after startsAt', 'no debe ser posterior a startsAt'),
      );
  }
  let capacity: number | null = null;
  if (input.capacity != null) {
    if (
      !Number.isInteger(input.capacity) ||
      (input.capacity as number) < 1 ||
      (input.capacity as number) > MAX_CAPACITY
    )
      errors.push(
        problem(
          'capacity',
          `must be a whole number from 1 to ${MAX_CAPACITY}`,
          `debe ser un número entero de 1 a ${MAX_CAPACITY}`,
        ),
      );
    else capacity = input.capacity as number;
  }
  return {
    networks: (networks as string[]).sort(),
    kind,
    title,
    description,
    sponsors: (sponsors ?? []) as string[],
    startsAt: startsAt!,
    endsAt: endsAt!,
    timezone,
    location: location(input.location, ref, errors),
    registrationDeadline,
    capacity,
    audience,
  };
}

const PRIORITIES: NeedEntry['priority'][] = ['high', 'medium', 'low'];

/** A country's needs and offers as it writes them (at most 50 of each). */
export function validateNeeds(
  input: Raw,
  errors: ErrorDetail[],
): { needs: NeedEntry[]; offers: Array<{ topic: Bilingual }> } {
  const list = (value: unknown, field: string) => {
    if (!Array.isArray(value) || value.length > 50) {
      errors.push(
        problem(
          field,
          'must be a list of at most 50 entries',
          'debe ser una lista de 50 elementos como máximo',
        ),
      );
      return [];
    }
    return value;
  };
  const needs = list(input.needs, 'needs').map((n, i) => {
    const ok = isObject(n) && Object.keys(n).every((k) => k === 'topic' || k === 'priority');
    if (!ok)
      errors.push(
        problem(`needs.${i}`, 'must be {topic:{en,es}, priority}', 'debe ser {topic:{en,es}, priority}'),
      );
    const topic = bilingual(ok ? n.topic : undefined, `needs.${i}.topic`, 200, errors);
    const priority = (ok ? n.priority : undefined) as NeedEntry['priority'];
    if (!PRIORITIES.includes(priority))
      errors.push(
        problem(
          `needs.${i}.priority`,
          `must be one of ${PRIORITIES.join(', ')}`,
          `debe ser uno de ${PRIORITIES.join(', ')}`,
        ),
      );
    return { topic, priority };
  });
  const offers = list(input.offers, 'offers').map((o, i) => {
    const ok = isObject(o) && Object.keys(o).every((k) => k === 'topic');
    if (!ok) errors.push(problem(`offers.${i}`, 'must be {topic:{en,es}}', 'debe ser {topic:{en,es}}'));
    return { topic: bilingual(ok ? o.topic : undefined, `offers.${i}.topic`, 200, errors) };
  });
  return { needs, offers };
}

/** Topics match across countries by their English or Spanish wording, ignoring case, accents and spacing. */
export function topicKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
