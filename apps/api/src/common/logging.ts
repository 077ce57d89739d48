import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { AppConfig } from '#config';

/** Query parameters that carry secrets (calendar and confirmation tokens): never logged. */
const SECRET_QUERY = /([?&](?:token|access_token|refreshToken)=)[^&]*/gi;

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.jwtSecret',
];

export function loggerParams(config: AppConfig, logFile?: string): Params {
  const options: NonNullable<Exclude<Params['pinoHttp'], unknown[]>> = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    genReqId: (req: IncomingMessage, res) => {
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
  };
  return {
    pinoHttp: logFile ? [options, pino.destination({ dest: logFile, sync: true, mkdir: true })] : options,
  };
}
