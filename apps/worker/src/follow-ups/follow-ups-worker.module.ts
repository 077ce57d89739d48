import { Module } from '@nestjs/common';
import { FollowUpEmailProcessor, FollowUpReminderProcessor } from './follow-up-reminder.processor.js';
import { PresidencyProcessor } from './presidency.processor.js';

/** BullMQ processors for reminders, escalations, their emails and the PPT handover (issue 3). */
@Module({ providers: [FollowUpReminderProcessor, FollowUpEmailProcessor, PresidencyProcessor] })
export class FollowUpsWorkerModule {}
