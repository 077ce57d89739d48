import { Module } from '@nestjs/common';

/** Channels, messages, cases and search (issue 2). */
@Module({ providers: [], exports: [] })
export class MessagingDomainModule {}
