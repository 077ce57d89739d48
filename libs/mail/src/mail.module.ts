import { Global, Module } from '@nestjs/common';
import { Mailer } from './mailer.js';
import { DigestMailer } from './digests/digest-mailer.js';

/** Templates (en/es, text + HTML) and the transport (SMTP or the outbox folder). Global: every role sends mail. */
@Global()
@Module({ providers: [Mailer, DigestMailer], exports: [Mailer, DigestMailer] })
export class MailModule {}
