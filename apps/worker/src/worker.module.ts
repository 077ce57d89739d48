import { Module } from '@nestjs/common';
import { FollowUpsWorkerModule } from './follow-ups/follow-ups-worker.module.js';
import { TrainingWorkerModule } from './training/training-worker.module.js';
import { DigestsWorkerModule } from './digests/digests-worker.module.js';
import { RetentionWorkerModule } from './retention/retention-worker.module.js';
import { AttachmentsCleanupProcessor } from './attachments/attachments-cleanup.processor.js';

/** BullMQ processors (reminders, escalations, digests, notices, the retention purge). A Nest application context: no HTTP. */
@Module({
  imports: [FollowUpsWorkerModule, TrainingWorkerModule, DigestsWorkerModule, RetentionWorkerModule],
  providers: [AttachmentsCleanupProcessor],
})
export class WorkerModule {}
