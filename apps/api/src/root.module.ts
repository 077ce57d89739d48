import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, Clock, ConfigModule, SystemClock } from '#config';
import { DatabaseModule } from '#database';
import { DomainModule } from '#domain';
import { QueueModule } from '#queue';
import { RealtimeModule } from '#realtime';
import { MailModule } from '#mail';
import { MetricsModule } from '#metrics';
import { WorkerModule } from '../../worker/src/worker.module.js';
import { DigestPortsModule } from '../../worker/src/digests/digest-ports.module.js';
import { ApiModule } from './api.module.js';
import { PortsModule } from './ports.module.js';

export interface RootOptions {
  config: AppConfig;
  databaseUrl: string;
  clock?: Clock;
  api: boolean;
  worker: boolean;
}

/** One build, three shapes: API + worker (ROLE=all), API alone, worker alone. */
@Module({})
export class RootModule {
  static forRoot(o: RootOptions): DynamicModule {
    return {
      module: RootModule,
      imports: [
        ConfigModule.forRoot(o.config, o.clock ?? new SystemClock()),
        DatabaseModule.forRoot(o.databaseUrl, { poolSize: o.config.databasePoolSize }),
        QueueModule.forRoot(o.databaseUrl),
        MetricsModule,
        DomainModule,
        RealtimeModule,
        MailModule,
        DigestPortsModule,
        PortsModule,
        ...(o.api ? [ApiModule] : []),
        ...(o.worker ? [WorkerModule] : []),
      ],
    };
  }
}
