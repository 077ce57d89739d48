import { Injectable } from '@nestjs/common';
import type {
  EmailEnvelope,
  FollowUpEscalationMailInput,
  FollowUpMail,
  FollowUpReminderMailInput,
  HandoverText,
  PresidencyHandoverMailInput,
} from '#domain';
import { Mailer } from './mailer.js';
import { followUpEscalationMail, followUpReminderMail } from './templates/follow-up-reminder.mail.js';
import { handoverSummaryText, presidencyHandoverMail } from './templates/presidency-handover.mail.js';

/** The follow-up feature's emails: rendered from the en/es templates, sent through the one Mailer. */
@Injectable()
export class TemplatedFollowUpMail implements FollowUpMail {
  constructor(private readonly mailer: Mailer) {}

  async sendReminder(envelope: EmailEnvelope, input: FollowUpReminderMailInput): Promise<void> {
    await this.mailer.send({ ...envelope, ...followUpReminderMail(input) });
  }

  async sendEscalation(envelope: EmailEnvelope, input: FollowUpEscalationMailInput): Promise<void> {
    await this.mailer.send({ ...envelope, ...followUpEscalationMail(input) });
  }

  async sendHandover(envelope: EmailEnvelope, input: PresidencyHandoverMailInput): Promise<void> {
    await this.mailer.send({ ...envelope, ...presidencyHandoverMail(input) });
  }

  handoverSummaryText(input: HandoverText): string {
    return handoverSummaryText(input);
  }
}
