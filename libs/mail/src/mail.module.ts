import { Global, Module } from '@nestjs/common';
import { FollowUpMail } from '#domain';
import { TemplatedFollowUpMail } from './follow-up.mail.js';
import { Mailer } from './mailer.js';

/**
 * Templates (en/es, text + HTML) and the transport (SMTP or the outbox folder). Global: every role sends mail. Binds
 * the domain's mail ports (`FollowUpMail`).
 */
@Global()
@Module({
  providers: [Mailer, { provide: FollowUpMail, useClass: TemplatedFollowUpMail }],
  exports: [Mailer, FollowUpMail],
})
export class MailModule {}
