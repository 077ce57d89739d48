/**
 * Errors that mean "PostgreSQL or Redis cannot be reached right now" (a restart, a failover, a network cut), not a
 * fault of the request: the API answers `503 SERVICE_UNAVAILABLE` with `Retry-After`, the socket acks the same code,
 * and the service recovers by itself when the dependency is back (the pools reconnect).
 */

/** Seconds a client should wait before trying again (Retry-After). */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

const CODES = new Set([
  // the network
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, connection exceptions, too_many_connections,
  // read-only after a failover
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '25006',
]);

const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /Connection is closed/i,
  /Reached the max retries per request limit/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** True when the error (or its driverError or cause, a few levels deep) says a dependency is unreachable. */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof e.code === 'string' && CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  // AggregateError (a connect to several addresses, all refused)
  if (Array.isArray(e.errors) && e.errors.some((x) => isDependencyUnavailable(x, depth + 1))) return true;
  return isDependencyUnavailable(e.driverError, depth + 1) || isDependencyUnavailable(e.cause, depth + 1);
}

export const DEPENDENCY_UNAVAILABLE_MESSAGE =
  'The service is unavailable right now; try again in a few seconds.';
