import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics.js';
import { MetricsServer } from './metrics-server.js';
import { MetricsSources } from './metrics-sources.js';

/** The process's Prometheus registry and its `/metrics` listener; global, so every library can count. */
@Global()
@Module({
  providers: [Metrics, MetricsServer, MetricsSources],
  exports: [Metrics, MetricsServer],
})
export class MetricsModule {}
