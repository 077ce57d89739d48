import { Global, Module } from '@nestjs/common';
import { TemplatedFollowUpMail } from './follow-up.mail.js';
import { Mailer } from './mailer.js';
import { TemplatedTrainingMail } from './training.mail.js';
import { DigestMailer } from './digests/digest-mailer.js';
import { TemplatedAccountMail } from './account.mail.js';

/**
 * Templates (en/es, text + HTML) and the transport (SMTP or the outbox folder). Global: every role sends mail. Binds
 * `TemplatedFollowUpMail` and `TemplatedTrainingMail`, which apps bind to the domain's `FollowUpMail` and `TrainingMail` ports (no runtime import of the domain here).
 */
@Global()
@Module({
  providers: [Mailer, DigestMailer, TemplatedFollowUpMail, TemplatedTrainingMail, TemplatedAccountMail],
  exports: [Mailer, DigestMailer, TemplatedFollowUpMail, TemplatedTrainingMail, TemplatedAccountMail],
})
export class MailModule {}
