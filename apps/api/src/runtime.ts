import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import { type AppConfig, APP_CONFIG, Clock, describeRedis, Lifecycle } from '#config';
import { EnlaceIoAdapter, RealtimeServer } from '#realtime';
import { httpMetrics, Metrics } from '#metrics';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '#database';
import { toHttpError } from './common/http-error.filter.js';
import { buildOpenApiDocument } from './common/openapi.js';
import { validationPipe } from './common/validation.js';
import { RootModule } from './root.module.js';
import { rejectPrototypeKeys, securityHeaders } from './common/http-hardening.js';
import { serveWebClient, webClientDir } from './web/web-client.js';
import { assertCanListen, listenError } from './common/listen-check.js';
import { createLogger, httpLogging, PinoNestLogger } from './common/logging.js';
import { closeConnectionsWhileDraining, drain } from './common/graceful-shutdown.js';

export interface Runtime {
  app: INestApplication | INestApplicationContext;
  /** Base URL of the HTTP server when this process serves the API. */
  url?: string;
  databaseUrl: string;
  /** Graceful: drains (health 503, no new connections, sockets told to reconnect, jobs in hand finished), then closes. */
  close(): Promise<void>;
}

export const JSON_BODY_LIMIT = '256kb';

/**
 * The embedded PostgreSQL server started by `main` before this module loaded (the two take about as long): its log
 * lines wait in `lines` until the service's logger exists, then go to `log`.
 */
export interface EarlyEmbeddedDatabase {
  started: Promise<EmbeddedDatabase>;
  lines: string[];
  log?: (line: string) => void;
}

/** `redis (Sentinel s1:26379 master mymaster/0)` or `postgres`: where the queues are, without credentials. */
const queuesOn = (config: AppConfig) =>
  config.redis ? `redis (${describeRedis(config.redis)})` : config.queueBackend;

/** Starts the service in the shape ROLE asks for; with DATABASE_URL unset, the embedded PostgreSQL server first. */
export async function startRuntime(
  config: AppConfig,
  options: { clock?: Clock; logFile?: string; embedded?: EarlyEmbeddedDatabase } = {},
): Promise<Runtime> {
  const logger = createLogger(config, options.logFile);
  const boot = logger.child({ context: 'Bootstrap' });
  const api = config.role !== 'worker';
  const worker = config.role !== 'api';
  options.embedded?.lines.splice(0).forEach((line) => boot.info(line));
  if (options.embedded) options.embedded.log = (line) => boot.info(line);
  if (api)
    await assertCanListen(config.host, config.port).catch(async (error) => {
      await (await options.embedded?.started.catch(() => undefined))?.stop();
      throw error;
    });
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await (options.embedded?.started ??
      startEmbeddedPostgres(config.dataDir, (line) => boot.info(line)));
    databaseUrl = embedded.url;
  }
  const root = RootModule.forRoot({
    config,
    databaseUrl,
    clock: options.clock,
    api,
    worker,
  });
  let app: INestApplication | INestApplicationContext | undefined;
  try {
    if (api) {
      const http = await NestFactory.create<NestExpressApplication>(root, {
        bufferLogs: true,
        bodyParser: false,
      });
      app = http;
      http.useLogger(new PinoNestLogger(logger));
      http.useWebSocketAdapter(new EnlaceIoAdapter(http, http.get(RealtimeServer), http.get(APP_CONFIG)));
      http.disable('x-powered-by');
      http.use(httpMetrics(http.get(Metrics)));
      http.use(httpLogging(logger));
      http.use(closeConnectionsWhileDraining(http.get(Lifecycle)));
      http.set('trust proxy', config.trustProxy);
      http.use(securityHeaders(config));
      http.use(express.json({ limit: JSON_BODY_LIMIT }));
      http.use(rejectPrototypeKeys);
      http.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
        if (!err) return next();
        const { status, body } = toHttpError(err, req, { error: () => undefined } as any);
        res.status(status).json(body);
      });
      http.enableCors({ origin: config.allowedOrigins, credentials: false });
      // RFC 8058 one-click unsubscribe is a POST to the List-Unsubscribe URL, outside /api (its GET is a client page)
      http.setGlobalPrefix('api', { exclude: ['digest/unsubscribe'] });
      http.useGlobalPipes(validationPipe);
      const document = buildOpenApiDocument(http);
      SwaggerModule.setup('api/docs', http, document, { jsonDocumentUrl: 'api/docs-json' });
      // bull-board is loaded only where it can serve (with Redis)
      if (config.redis) (await import('./operations/queue-board.js')).mountQueueBoard(http, config);
      else boot.info('no queue board (/admin/queues): it needs REDIS_URL');
      const web = webClientDir();
      if (web) serveWebClient(http, web);
      else boot.warn('the web client is not built (npm run build): GET / answers 404');
      await http.listen(config.port, config.host).catch((error: unknown) => {
        throw listenError(error, config.host, config.port);
      });
      const address = http.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      boot.info(
        `Enlace API listening on http://${host}:${port} (role ${config.role}, queues on ${queuesOn(config)})`,
      );
      return runtime(http, `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    }
    const ctx = await NestFactory.createApplicationContext(root, { bufferLogs: true });
    app = ctx;
    ctx.useLogger(new PinoNestLogger(logger));
    await ctx.init();
    boot.info(`Enlace worker running (queues on ${queuesOn(config)})`);
    return runtime(ctx);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }

  function runtime(a: INestApplication | INestApplicationContext, url?: string): Runtime {
    let closing: Promise<void> | undefined;
    return {
      app: a,
      url,
      databaseUrl: databaseUrl!,
      close: () =>
        (closing ??= (async () => {
          try {
            await drain(a, boot).catch((e: unknown) => boot.warn(`drain: ${String(e)}`));
            await a.close();
          } finally {
            await embedded?.stop();
          }
        })()),
    };
  }
}
