import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { HttpException, Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '#config';
import { AuthService, QueueBoardAccessPolicy } from '#domain';
import { DIGEST_QUEUES, FOLLOW_UP_QUEUES, QueueFactory, TRAINING_QUEUES } from '#queue';
import { toHttpError } from '../common/http-error.filter.js';
import { QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH, readCookie } from './queue-board-cookie.js';

/** Every queue of the service, as the board lists them. */
export const BOARD_QUEUES = [
  ...Object.values(FOLLOW_UP_QUEUES),
  ...Object.values(TRAINING_QUEUES),
  ...Object.values(DIGEST_QUEUES),
];

/** The board's pages: its own scripts and styles (inline styles included), nothing from elsewhere (no web fonts). */
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * bull-board at `/admin/queues`, for admins only: every request (the page, its assets and its API) must carry the
 * cookie set by `POST /api/admin/queues/session`, holding a live admin session's access token (a revoked session or
 * a demoted admin is refused at once). Read-only: adding, promoting, retrying or removing jobs by hand would bypass
 * the service's job ids (what makes a job run once) and its audit log, so the board only shows; any other method
 * than GET is refused. Only with REDIS_URL: bull-board reads BullMQ's Redis keys, not the PostgreSQL backend.
 */
export function mountQueueBoard(http: NestExpressApplication, config: AppConfig): boolean {
  if (!config.redis) return false;
  const queues = http.get(QueueFactory);
  const auth = http.get(AuthService);
  const policy = http.get(QueueBoardAccessPolicy);
  const logger = new Logger('QueueBoard');
  // built on the first admin's visit: the API opens no queue connection for the board before anyone looks
  let router: ReturnType<ExpressAdapter['getRouter']> | undefined;
  const boardRouter = () => {
    if (router) return router;
    const board = new ExpressAdapter();
    board.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: BOARD_QUEUES.map((name) => new BullMQAdapter(queues.queue(name), { readOnlyMode: true })),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Enlace queues', hideDocsLink: true } },
    });
    return (router = board.getRouter());
  };
  const guard = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = await auth.authenticate(readCookie(req.headers.cookie, QUEUE_BOARD_COOKIE));
      (req as any).principal = principal;
      policy.assertCanOpen(principal);
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpException('The queue board only shows the queues.', 405);
      res.setHeader('Content-Security-Policy', BOARD_CSP);
      res.setHeader('Cache-Control', 'no-store');
      boardRouter()(req, res, next);
    } catch (error) {
      const { status, body } = toHttpError(error, req, logger);
      res.status(status).json(body);
    }
  };
  http.use(QUEUE_BOARD_PATH, guard);
  return true;
}
