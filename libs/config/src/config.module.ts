import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './config.js';
import { Clock, SystemClock } from './clock.js';
import { Lifecycle } from './lifecycle.js';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: Clock, useValue: clock }, Lifecycle],
      exports: [APP_CONFIG, Clock, Lifecycle],
    };
  }
}
