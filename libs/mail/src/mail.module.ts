import { Global, Module } from '@nestjs/common';
import { Mailer } from './mailer.js';

/** Templates (en/es, text + HTML) and the transport (SMTP or the outbox folder). Global: every role sends mail. */
@Global()
@Module({ providers: [Mailer], exports: [Mailer] })
export class MailModule {}
