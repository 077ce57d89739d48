import { Module } from '@nestjs/common';

/** Templates (en/es, text + HTML), the transport (SMTP or the outbox folder), List-Unsubscribe headers (issue 3). */
@Module({ providers: [], exports: [] })
export class MailModule {}
