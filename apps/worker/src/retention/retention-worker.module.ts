import { Module } from '@nestjs/common';
import { RetentionProcessor } from './retention.processor.js';

/** The daily retention purge (issue 14). */
@Module({ providers: [RetentionProcessor] })
export class RetentionWorkerModule {}
