import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** Paths the web client never answers: the API and the socket.io endpoint keep their own 404s. */
/**
 * Served by the API, not the client: REST and socket.io. The digest links (`GET /digest/confirm`, `GET
 * /digest/unsubscribe`) are client screens; the RFC 8058 `POST /digest/unsubscribe` is not a GET and goes to the API.
 */
const NOT_THE_CLIENT = /^\/(api|socket\.io)(\/|$)/;

/**
 * Where `npm run build` put the web client (`dist/web`): found from this file both when it runs built
 * (`dist/apps/api/src/web`) and from source (tests through ts-jest: `apps/api/src/web`).
 */
export function webClientDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../../../web'), resolve(here, '../../../../dist/web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * The content security policy of the client's pages: scripts, styles and connections to this origin only (the
 * socket.io websocket included), no frames. Case information is shown here; injected code must not run. Previews of
 * attachments are `blob:` URLs the page made from bytes it fetched with the session's token (images in `<img>`, PDFs
 * in `<object>`, whose viewer is the browser's own): only those, never another origin's.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  'object-src blob:',
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built web client at `/`: hashed assets with a year-long immutable cache, `index.html` never cached,
 * and every other GET outside `/api` and `/socket.io` answered with `index.html` (the client's router takes it,
 * e.g. `/follow-ups/<id>` from a reminder email).
 */
export function serveWebClient(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  const htmlHeaders = (res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
  };
  const statics = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      if (path.endsWith('.html')) htmlHeaders(res);
      else if (path.includes(`${join(dir, 'assets')}`))
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (NOT_THE_CLIENT.test(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    // the build's own files (manifest) are not served
    if (req.path.startsWith('/.vite/')) return next();
    statics(req, res, () => {
      // an asset that does not exist is a 404, not the page (a stale tab asking for an old chunk must fail visibly)
      if (req.path.startsWith('/assets/')) return next();
      htmlHeaders(res);
      res.sendFile(index);
    });
  });
}
