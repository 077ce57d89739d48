import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Lifecycle } from '#config';
import { QueueFactory } from '#queue';
import { RealtimeServer } from '#realtime';

/** How long in-flight HTTP requests may take to finish once the listener is closed. */
const HTTP_GRACE_MS = 4_000;
/** How long sockets get to hear `server.draining` and close. */
const SOCKET_GRACE_MS = 2_000;

/** While draining, every HTTP answer closes its connection, so that keep-alive clients come back through the balancer. */
export function closeConnectionsWhileDraining(lifecycle: Lifecycle) {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  };
}

const within = (ms: number, work: Promise<unknown>) => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
};

/**
 * Graceful shutdown before the Nest application closes (which then closes queues, Redis, pools, the mailer):
 * 1. draining: `/api/health` answers 503 and HTTP answers close their connection;
 * 2. the HTTP listener stops accepting; idle keep-alive connections close;
 * 3. sockets hear `server.draining` and are disconnected (they reconnect to another process), while the BullMQ
 *    workers of this process take no new job and finish the ones they hold;
 * 4. in-flight HTTP requests get a few seconds to finish; what is left is cut.
 */
export async function drain(app: INestApplication | INestApplicationContext, log: Logger): Promise<void> {
  const started = Date.now();
  app.get(Lifecycle).startDraining();
  const http: HttpServer | undefined =
    'getHttpServer' in app && typeof app.getHttpServer === 'function' ? app.getHttpServer() : undefined;
  let httpClosed: Promise<void> = Promise.resolve();
  if (http?.listening) {
    httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
  }
  const realtime = app.get(RealtimeServer, { strict: false });
  const [sockets] = await Promise.all([
    realtime.drain(SOCKET_GRACE_MS),
    app.get(QueueFactory, { strict: false }).closeWorkers(),
  ]);
  const requestsDone = await within(HTTP_GRACE_MS, httpClosed);
  if (!requestsDone) http?.closeAllConnections();
  log.info(
    { sockets, requestsCut: !requestsDone, ms: Date.now() - started },
    `drained in ${Date.now() - started} ms: ${sockets} socket(s) told to reconnect elsewhere, jobs in hand finished`,
  );
}
