import type { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, domainErrorBody, localizeError } from '#domain';

export interface AckError {
  ok: false;
  error: { code: string; message: string; details?: Array<{ field?: string; message: string }> };
}

/**
 * The one socket.io mapping of errors, the counterpart of HttpErrorFilter: domain errors keep their code, invalid
 * payloads are ValidationFailed (see validatePayload), anything else INTERNAL_ERROR with a correlation id in the log.
 */
export function toAckError(error: unknown, locale: 'en' | 'es', logger: Logger): AckError {
  if (error instanceof DomainError) {
    return { ok: false, error: domainErrorBody(error, locale) };
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
