import { Module } from '@nestjs/common';
import { PostingLimiter } from '../common/posting-limiter.js';
import { AttachmentsController } from './attachments.controller.js';

/** Upload and download of attachments (issue 12); messages reference them through `attachmentIds`. */
@Module({
  controllers: [AttachmentsController],
  providers: [PostingLimiter],
})
export class AttachmentsApiModule {}
