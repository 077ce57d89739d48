import { Module } from '@nestjs/common';

/** BullMQ processors (reminders, escalations, digests, notices). A Nest application context: no HTTP. */
@Module({
  providers: [],
})
export class WorkerModule {}
