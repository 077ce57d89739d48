import { Module } from '@nestjs/common';
import { TrainingEmailProcessor, TrainingReminderProcessor } from './training.processor.js';

/** BullMQ processors of training events: reminders, emails, the reconcile tick (issue 10). */
@Module({ providers: [TrainingReminderProcessor, TrainingEmailProcessor] })
export class TrainingWorkerModule {}
