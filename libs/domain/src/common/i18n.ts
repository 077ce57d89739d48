import { DateTime } from 'luxon';
import type { DomainError } from './domain-error.js';

export type Locale = 'en' | 'es';

/** A time as the reader reads it: in their time zone (UTC when it is unknown) and their language, zone named. */
export function formatDateTime(date: Date, timezone: string, locale: Locale): string {
  let dt = DateTime.fromJSDate(date).setZone(timezone || 'UTC');
  if (!dt.isValid) dt = DateTime.fromJSDate(date).setZone('UTC');
  return dt.setLocale(locale).toLocaleString(DateTime.DATETIME_FULL);
}

/** Spanish versions of the error messages a person sees; English is the source text. */
const ERROR_MESSAGES_ES: Record<string, string> = {
  VALIDATION_FAILED: 'La solicitud no es válida.',
  UNAUTHORIZED: 'Se requiere autenticación.',
  INVALID_CREDENTIALS: 'Correo electrónico o contraseña incorrectos.',
  INVALID_TOKEN: 'El token no es válido o ha expirado.',
  FORBIDDEN: 'No tiene permiso para hacer esto.',
  NOT_FOUND: 'No se encontró el recurso.',
  CONFLICT: 'La solicitud entra en conflicto con el estado actual.',
  RATE_LIMITED: 'Demasiadas solicitudes; inténtelo más tarde.',
  UNKNOWN_EVENT: 'Evento desconocido.',
  PAYLOAD_TOO_LARGE: 'La solicitud es demasiado grande.',
  INVALID_JSON: 'El cuerpo de la solicitud no es JSON válido.',
  INTERNAL_ERROR: 'Error interno. Indique el identificador de correlación al soporte.',
  SERVICE_UNAVAILABLE: 'El servicio no está disponible en este momento.',
  EMAIL_TAKEN: 'Ya existe una cuenta con ese correo electrónico.',
  PRESIDENCY_OVERLAP: 'El período se superpone con otro período de la Presidencia Pro Tempore.',
};

export function localizeError(code: string, english: string, locale: Locale): string {
  if (locale === 'es') return ERROR_MESSAGES_ES[code] ?? english;
  return english;
}

export function pickLocale(acceptLanguage: string | undefined, fallback: Locale = 'en'): Locale {
  if (!acceptLanguage) return fallback;
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  if (first.startsWith('es')) return 'es';
  if (first.startsWith('en')) return 'en';
  return fallback;
}

/**
 * The API.md error body of a domain error, in the caller's language: the one shape both transports send. A domain
 * error carries its own Spanish text (its specific explanation), and so may each detail.
 */
export function domainErrorBody(
  error: DomainError,
  locale: Locale,
): { code: string; message: string; details?: Array<{ field?: string; message: string }> } {
  return {
    code: error.code,
    message: locale === 'es' ? error.es || localizeError(error.code, error.message, 'es') : error.message,
    ...(error.details
      ? {
          details: error.details.map((d) => ({
            ...(d.field !== undefined ? { field: d.field } : {}),
            message: locale === 'es' ? (d.es ?? d.message) : d.message,
          })),
        }
      : {}),
  };
}
