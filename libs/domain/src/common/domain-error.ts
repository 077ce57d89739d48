/**
 * Domain errors carry a stable code and the HTTP-like status of API.md. One filter per transport (HTTP, socket.io)
 * maps them to `{error:{code,message,details}}`; nothing else builds that shape. Every message a person reads exists
 * in English and Spanish: the transport picks the caller's language.
 */

/** A text in English and Spanish. */
export interface Bilingual {
  en: string;
  es: string;
}

export interface ErrorDetail {
  field?: string;
  /** English. */
  message: string;
  /** Spanish. */
  es: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

export class DomainError extends Error {
  /** The Spanish text of `message`. */
  readonly es: string;

  constructor(
    readonly code: string,
    readonly status: ErrorStatus,
    message: Bilingual,
    readonly details?: ErrorDetail[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message.en);
    this.es = message.es;
  }
}

export class ValidationFailed extends DomainError {
  constructor(
    details: ErrorDetail[],
    message: Bilingual = { en: 'The request is not valid.', es: 'La solicitud no es válida.' },
  ) {
    super('VALIDATION_FAILED', 400, message, details);
  }
}
export class NotAuthenticated extends DomainError {
  constructor(
    message: Bilingual = { en: 'Authentication is required.', es: 'Se requiere autenticación.' },
    code = 'UNAUTHORIZED',
  ) {
    super(code, 401, message);
  }
}
export class NotAllowed extends DomainError {
  constructor(
    message: Bilingual = {
      en: 'You are not allowed to do this.',
      es: 'No tiene permiso para hacer esto.',
    },
  ) {
    super('FORBIDDEN', 403, message);
  }
}

/** What may be not found, with its Spanish name (and article). */
const THINGS = {
  resource: { en: 'resource', es: 'el recurso' },
  network: { en: 'network', es: 'la red' },
  channel: { en: 'channel', es: 'el canal' },
  message: { en: 'message', es: 'el mensaje' },
  case: { en: 'case', es: 'el caso' },
  member: { en: 'member', es: 'el miembro' },
  user: { en: 'user', es: 'el usuario' },
  'follow-up item': { en: 'follow-up item', es: 'el punto de seguimiento' },
  'Work Plan activity': { en: 'Work Plan activity', es: 'la actividad del Plan de Trabajo' },
  'training event': { en: 'training event', es: 'la actividad de capacitación' },
  calendar: { en: 'calendar', es: 'el calendario' },
  subscription: { en: 'subscription', es: 'la suscripción' },
  'country sheet': { en: 'country sheet', es: 'la ficha de país' },
  passkey: { en: 'passkey', es: 'la llave de acceso' },
  session: { en: 'session', es: 'la sesión' },
  attachment: { en: 'attachment', es: 'el archivo adjunto' },
} as const;
export type NotFoundThing = keyof typeof THINGS;

export class NotFound extends DomainError {
  constructor(what: NotFoundThing = 'resource') {
    const thing = THINGS[what];
    super('NOT_FOUND', 404, { en: `The ${thing.en} was not found.`, es: `No se encontró ${thing.es}.` });
  }
}
export class Conflict extends DomainError {
  constructor(message: Bilingual, code = 'CONFLICT') {
    super(code, 409, message);
  }
}
export class RateLimited extends DomainError {
  constructor(
    retryAfterSeconds: number,
    message: Bilingual = {
      en: 'Too many requests; try again later.',
      es: 'Demasiadas solicitudes; inténtelo más tarde.',
    },
  ) {
    super('RATE_LIMITED', 429, message, undefined, retryAfterSeconds);
  }
}

/** Shorthand for a single-field validation error. */
export function invalid(field: string, message: Bilingual): ValidationFailed {
  return new ValidationFailed([{ field, message: message.en, es: message.es }]);
}
