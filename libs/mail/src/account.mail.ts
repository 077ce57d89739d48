import { Injectable } from '@nestjs/common';
import type { AccountMail, EmailEnvelope, PasswordResetMailInput } from '#domain';
import { Mailer } from './mailer.js';
import { passwordResetMail } from './templates/password-reset.mail.js';

/** The account emails (password reset), rendered from the en/es templates and sent through the one Mailer. */
@Injectable()
export class TemplatedAccountMail implements AccountMail {
  constructor(private readonly mailer: Mailer) {}

  async sendPasswordReset(envelope: EmailEnvelope, input: PasswordResetMailInput): Promise<void> {
    // Nothing to keep out of a mail system's cache but the link itself; no tracking, no password.
    await this.mailer.send({ ...envelope, ...passwordResetMail(input) });
  }
}
