import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import { APP_CONFIG, type AppConfig } from '#config';
import { Metrics } from './metrics.js';

/**
 * `GET /metrics` in the Prometheus text format on METRICS_HOST:METRICS_PORT, a listener of its own (never on the
 * public port, so it is not exposed by accident); METRICS_PORT unset: none. One per process (ROLE=all: one for both).
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** The bound port (METRICS_PORT=0 picks one). */
  get port(): number | undefined {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const target = this.config.metrics;
    if (!target) return;
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('GET /metrics\n');
        return;
      }
      this.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(text),
        (error: unknown) => {
          this.logger.warn(`metrics: ${String(error)}`);
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics failed\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new Error(`METRICS_PORT ${target.port} on ${target.host} cannot be used (${e.code ?? e.message})`),
        ),
      );
      server.listen(target.port, target.host, () => resolve());
    });
    server.on('error', (e) => this.logger.warn(`metrics listener: ${e.message}`));
    this.server = server;
    this.logger.log(`Prometheus metrics on http://${target.host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
