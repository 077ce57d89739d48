import type { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError, domainErrorBody, localizeError, type ErrorDetail } from '#domain';

export interface AckError {
  ok: false;
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/**
 * The one socket.io mapping of errors, the counterpart of HttpErrorFilter: domain errors keep their code, invalid
 * payloads become VALIDATION_FAILED with the fields, anything else INTERNAL_ERROR with a correlation id in the log.
 */
export function toAckError(error: unknown, locale: 'en' | 'es', logger: Logger): AckError {
  if (error instanceof DomainError) {
    return { ok: false, error: domainErrorBody(error, locale) };
  }
  if (error instanceof z.ZodError) {
    return {
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: localizeError('VALIDATION_FAILED', 'The request is not valid.', locale),
        details: error.issues.map((i) => ({
          field: i.path.map(String).join('.') || 'payload',
          message: i.message,
        })),
      },
    };
  }
  const correlationId = randomUUID();
  logger.error({ err: error, correlationId }, `unhandled socket error (correlation id ${correlationId})`);
  return {
    ok: false,
    error: {
      code: 'INTERNAL_ERROR',
      message: localizeError(
        'INTERNAL_ERROR',
        `Internal error. Give the correlation id to support: ${correlationId}`,
        locale,
      ),
    },
  };
}
