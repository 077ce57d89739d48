import { Module } from '@nestjs/common';

/** Follow-up items, reminders, the Work Plan and the PPT handover (issue 3). */
@Module({ providers: [], exports: [] })
export class FollowUpsDomainModule {}
