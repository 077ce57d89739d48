import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BullFollowUpJobs } from './follow-up-jobs.queue.js';
import { DATABASE_URL_RESOLVED, QueueFactory } from './queue.js';

@Global()
@Module({})
export class QueueModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: QueueModule,
      providers: [
        { provide: DATABASE_URL_RESOLVED, useValue: databaseUrl },
        QueueFactory,
        // the domain's job port, on BullMQ (bound to FollowUpJobs by the apps' PortsModule)
        BullFollowUpJobs,
      ],
      exports: [QueueFactory, DATABASE_URL_RESOLVED, BullFollowUpJobs],
    };
  }
}
