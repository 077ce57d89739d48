import type { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, domainErrorBody, localizeError } from '#domain';
import { DEPENDENCY_UNAVAILABLE_MESSAGE, isDependencyUnavailable } from '../../common/dependency-errors.js';

export interface AckError {
  ok: false;
  error: { code: string; message: string; details?: Array<{ field?: string; message: string }> };
}

/**
 * The one socket.io mapping of errors, the counterpart of HttpErrorFilter: domain errors keep their code, invalid
 * payloads are ValidationFailed (see validatePayload), PostgreSQL or Redis unreachable SERVICE_UNAVAILABLE (the client retries), anything else INTERNAL_ERROR with a correlation id in the log.
 */
export function toAckError(error: unknown, locale: 'en' | 'es', logger: Logger): AckError {
  if (error instanceof DomainError) {
    return { ok: false, error: domainErrorBody(error, locale) };
  }
  if (isDependencyUnavailable(error)) {
    logger.warn(`a dependency is unavailable: ${String((error as any)?.message ?? error)}`);
    return {
      ok: false,
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: localizeError('SERVICE_UNAVAILABLE', DEPENDENCY_UNAVAILABLE_MESSAGE, locale),
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
