import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';
import type { AppConfig } from '#config';

/** Query parameters that carry secrets (calendar and confirmation tokens): never logged. */
const SECRET_QUERY = /([?&](?:token|access_token|refreshToken)=)[^&]*/gi;

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'currentPassword',
    'newPassword',
    'passwordHash',
    'accessToken',
    'refreshToken',
    'token',
    'jwtSecret',
    'secret',
    'otpauthUrl',
    'mfaToken',
    'recoveryCodes',
    // REDIS_URL may hold credentials; Sentinel targets have their own
    'redisUrl',
    'sentinelPassword',
  ].flatMap((k) => [k, `*.${k}`]),
];

/**
 * The process's one pino logger: JSON lines on stdout (or into `logFile`, as the tests do); on a terminal, the same
 * records pretty-printed (`[Context] message`, local time), so a person starting the service reads it at a glance.
 */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, logFile?: string): Pino {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (logFile) return pino(options, pino.destination({ dest: logFile, sync: true, mkdir: true }));
  if (process.stdout.isTTY) {
    // loaded only for a person at a terminal: services and tests never pay for it
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    return pino(
      options,
      pretty({
        sync: true,
        colorize: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,context',
        messageFormat: '{if context}[{context}] {end}{msg}',
      }),
    );
  }
  return pino(options, pino.destination({ dest: 1, sync: true }));
}

/** The request's logger (with its request id) while a request is handled; Nest's `Logger` calls use it. */
const requestLogger = new AsyncLocalStorage<Pino>();

/** pino-http: one line per response with the request id (also sent as `X-Request-Id`), secrets redacted. */
export function httpLogging(logger: Pino) {
  const http = pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: any) => ({
        id: req.id,
        method: req.method,
        url: String(req.url).replace(SECRET_QUERY, '$1[redacted]'),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: any) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req) => req.url === '/api/health' },
  });
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    http(req, res);
    requestLogger.run((req as any).log as Pino, next);
  };
}

/**
 * Nest's start-up chatter (modules initialised, one line per mapped route): kept at debug so that the lines a
 * person starting the service needs (admin created, listening on) stand out at the default level.
 */
const QUIET_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Nest's `LoggerService` on pino: `new Logger('Context').log(...)` anywhere in the app becomes one pino record. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  log(message: unknown, ...rest: unknown[]) {
    const context = contextOf(rest);
    this.write(context && QUIET_CONTEXTS.has(context) ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]) {
    const logger = requestLogger.getStore() ?? this.root;
    if (!logger.isLevelEnabled(level)) return;
    const context = contextOf(rest);
    const args = context ? rest.slice(0, -1) : rest;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      logger[level]({ ...fields, err: message }, message.message);
      return;
    }
    // Nest passes a stack string after the message of an error
    const stack = args.find((a): a is string => typeof a === 'string' && a.includes('\n    at '));
    if (stack) fields.err = { stack };
    if (typeof message === 'object' && message !== null) logger[level]({ ...fields, ...message });
    else logger[level](fields, String(message));
  }
}

function contextOf(rest: unknown[]): string | undefined {
  const last = rest[rest.length - 1];
  return typeof last === 'string' && !last.includes('\n') ? last : undefined;
}
