import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, domainErrorBody, localizeError, pickLocale } from '#domain';
import {
  DEPENDENCY_RETRY_AFTER_SECONDS,
  DEPENDENCY_UNAVAILABLE_MESSAGE,
  isDependencyUnavailable,
} from './dependency-errors.js';

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field?: string; message: string }> };
}

/** Maps any thrown error to {status, body} in the API.md shape; unknown errors become 500 and are logged. */
export function toHttpError(
  exception: unknown,
  req: Request,
  logger: Logger,
): { status: number; body: ErrorBody; retryAfter?: number } {
  const locale = (req as any).principal?.locale ?? pickLocale(req.headers['accept-language']);
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      retryAfter: exception.retryAfterSeconds,
      body: { error: domainErrorBody(exception, locale) },
    };
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
    const english =
      status === 404
        ? 'The resource was not found.'
        : status === 429
          ? 'Too many requests; try again later.'
          : exception.message;
    return { status, body: { error: { code, message: localizeError(code, english, locale) } } };
  }
  // body-parser errors (invalid JSON, too large) carry a `type` and a status.
  const e = exception as any;
  if (e?.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: {
        error: {
          code: 'INVALID_JSON',
          message: localizeError('INVALID_JSON', 'The request body is not valid JSON.', locale),
        },
      },
    };
  }
  if (e?.type === 'entity.too.large') {
    return {
      status: 413,
      body: {
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: localizeError('PAYLOAD_TOO_LARGE', 'The request is too large.', locale),
        },
      },
    };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return {
      status: e.status,
      body: { error: { code: STATUS_CODES[e.status] ?? 'BAD_REQUEST', message: String(e.message) } },
    };
  }
  const requestId = String((req as any).id ?? '');
  if (isDependencyUnavailable(exception)) {
    // PostgreSQL or Redis is unreachable (a restart, a failover): the client tries again; the pools reconnect
    logger.warn?.(
      `a dependency is unavailable (correlation id ${requestId}): ${String((exception as any)?.message ?? exception)}`,
    );
    return {
      status: 503,
      retryAfter: DEPENDENCY_RETRY_AFTER_SECONDS,
      body: {
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: localizeError('SERVICE_UNAVAILABLE', DEPENDENCY_UNAVAILABLE_MESSAGE, locale),
        },
      },
    };
  }
  logger.error(
    { err: exception, requestId, correlationId: requestId },
    `unhandled error (correlation id ${requestId})`,
  );
  return {
    status: 500,
    body: {
      error: {
        code: 'INTERNAL_ERROR',
        message: localizeError(
          'INTERNAL_ERROR',
          'Internal error. Give the correlation id to support.',
          locale,
        ),
      },
    },
  };
}

/** The one HTTP filter: every error leaves the API in the shape of API.md. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { status, body, retryAfter } = toHttpError(exception, req, this.logger);
    if (res.headersSent) return;
    if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
    res.status(status).json(body);
  }
}
