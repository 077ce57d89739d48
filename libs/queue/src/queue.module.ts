import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BullFollowUpJobs } from './follow-up-jobs.queue.js';
import { DATABASE_URL_RESOLVED, QueueFactory } from './queue.js';
import { BullTrainingJobs } from './training-jobs.queue.js';

@Global()
@Module({})
export class QueueModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: QueueModule,
      providers: [
        { provide: DATABASE_URL_RESOLVED, useValue: databaseUrl },
        QueueFactory,
        // the domain's job ports, on BullMQ (bound to FollowUpJobs and TrainingJobs by the apps' PortsModule)
        BullFollowUpJobs,
        BullTrainingJobs,
      ],
      exports: [QueueFactory, DATABASE_URL_RESOLVED, BullFollowUpJobs, BullTrainingJobs],
    };
  }
}
