import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_URL_RESOLVED, QueueFactory } from './queue.js';

@Global()
@Module({})
export class QueueModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: QueueModule,
      providers: [{ provide: DATABASE_URL_RESOLVED, useValue: databaseUrl }, QueueFactory],
      exports: [QueueFactory, DATABASE_URL_RESOLVED],
    };
  }
}
