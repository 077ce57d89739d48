import { Injectable } from '@nestjs/common';
import type { EmailEnvelope, TrainingCalendarPart, TrainingMail, TrainingMailInput } from '#domain';
import { Mailer } from './mailer.js';
import { trainingMail } from './templates/training.mail.js';

/** The training feature's emails: rendered from the en/es templates, sent through the one Mailer with their .ics part. */
@Injectable()
export class TemplatedTrainingMail implements TrainingMail {
  constructor(private readonly mailer: Mailer) {}

  async send(
    envelope: EmailEnvelope,
    input: TrainingMailInput,
    calendar: TrainingCalendarPart,
  ): Promise<void> {
    await this.mailer.send({ ...envelope, ...trainingMail(input), calendar });
  }
}
