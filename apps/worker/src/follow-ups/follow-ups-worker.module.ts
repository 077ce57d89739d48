import { Module } from '@nestjs/common';

/** BullMQ processors for reminders, escalations and the PPT handover (issue 3). */
@Module({ providers: [] })
export class FollowUpsWorkerModule {}
