/**
 * Domain errors carry a stable code and the HTTP-like status of API.md. One filter per transport (HTTP, socket.io)
 * maps them to `{error:{code,message,details}}`; nothing else builds that shape.
 */
export interface ErrorDetail {
  field?: string;
  message: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: ErrorStatus,
    message: string,
    readonly details?: ErrorDetail[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export class ValidationFailed extends DomainError {
  constructor(details: ErrorDetail[], message = 'The request is not valid.') {
    super('VALIDATION_FAILED', 400, message, details);
  }
}
export class NotAuthenticated extends DomainError {
  constructor(message = 'Authentication is required.', code = 'UNAUTHORIZED') {
    super(code, 401, message);
  }
}
export class NotAllowed extends DomainError {
  constructor(message = 'You are not allowed to do this.') {
    super('FORBIDDEN', 403, message);
  }
}
export class NotFound extends DomainError {
  constructor(what = 'resource') {
    super('NOT_FOUND', 404, `The ${what} was not found.`);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, code = 'CONFLICT') {
    super(code, 409, message);
  }
}
export class RateLimited extends DomainError {
  constructor(retryAfterSeconds: number, message = 'Too many requests; try again later.') {
    super('RATE_LIMITED', 429, message, undefined, retryAfterSeconds);
  }
}

/** Shorthand for a single-field validation error. */
export function invalid(field: string, message: string): ValidationFailed {
  return new ValidationFailed([{ field, message }]);
}
