import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '#config';
import { ValidationFailed } from '#domain';

/** Keys that could reach an object's prototype: refused anywhere in a body, like any unknown field. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;

/** The path of the first forbidden key in a parsed JSON value, or null. */
export function forbiddenKeyPath(value: unknown, path = '', depth = 0): string | null {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return here;
    const found = forbiddenKeyPath((value as Record<string, unknown>)[key], here, depth + 1);
    if (found) return found;
  }
  return null;
}

/** 400 for a body holding `__proto__`, `constructor` or `prototype` keys, before anything reads it. */
export function rejectPrototypeKeys(req: Request, _res: Response, next: NextFunction): void {
  const field = forbiddenKeyPath(req.body);
  if (!field) return next();
  next(new ValidationFailed([{ field, message: 'is not a known field', es: 'no es un campo conocido' }]));
}

/**
 * Security headers (helmet): nosniff, frame denial, no referrer, HSTS when PUBLIC_URL is https; and `Cache-Control:
 * no-store` on every API answer (they are per caller; a shared cache must keep none).
 */
export function securityHeaders(config: AppConfig) {
  const https = config.publicUrl.startsWith('https:');
  const headers = helmet({
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // helmet's default policy, without upgrading the web client's requests to https on a plain-http deployment.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
  });
  return (req: Request, res: Response, next: NextFunction) =>
    headers(req, res, () => {
      if (req.path.startsWith('/api/') && !req.path.startsWith('/api/docs'))
        res.setHeader('Cache-Control', 'no-store');
      next();
    });
}
