import { Global, Module } from '@nestjs/common';
import { TemplatedFollowUpMail } from './follow-up.mail.js';
import { Mailer } from './mailer.js';
import { DigestMailer } from './digests/digest-mailer.js';

/**
 * Templates (en/es, text + HTML) and the transport (SMTP or the outbox folder). Global: every role sends mail. Binds
 * `TemplatedFollowUpMail`, which apps bind to the domain's `FollowUpMail` port (no runtime import of the domain here).
 */
@Global()
@Module({
  providers: [Mailer, DigestMailer, TemplatedFollowUpMail],
  exports: [Mailer, DigestMailer, TemplatedFollowUpMail],
})
export class MailModule {}
