import { Injectable } from '@nestjs/common';
import type { Bilingual, MailLocale } from '../format.js';
import { Mailer } from '../mailer.js';
import {
  digestConfirmationMail,
  digestMail,
  type DigestSectionInput,
  missedMessagesMail,
} from './digest.mail.js';

/**
 * The mail side of the domain's DigestMail port (bound in apps/worker/src/digests/digest-ports.module.ts): renders the
 * templates and hands the message to the one Mailer. Digests carry `List-Unsubscribe` with the signed URL and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
 */
@Injectable()
export class DigestMailer {
  constructor(private readonly mailer: Mailer) {}

  async sendDigest(mail: {
    to: string;
    locale: MailLocale;
    timezone: string;
    recipientName: string | null;
    messageId: string;
    content: { frequency: 'daily' | 'weekly'; from: Date; to: Date; networks: DigestSectionInput[] };
    unsubscribeUrl: string;
    manageUrl: string;
  }): Promise<void> {
    const rendered = digestMail({
      locale: mail.locale,
      timezone: mail.timezone,
      recipientName: mail.recipientName,
      frequency: mail.content.frequency,
      from: mail.content.from,
      to: mail.content.to,
      networks: mail.content.networks,
      unsubscribeUrl: mail.unsubscribeUrl,
      manageUrl: mail.manageUrl,
    });
    await this.mailer.send({
      to: mail.to,
      language: mail.locale,
      messageId: mail.messageId,
      headers: {
        'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        Precedence: 'bulk',
      },
      ...rendered,
    });
  }

  async sendConfirmation(mail: {
    to: string;
    locale: MailLocale;
    confirmUrl: string;
    networks: Bilingual[];
    frequency: 'daily' | 'weekly';
    hour: number;
    timezone: string;
    expiresAt: Date;
  }): Promise<void> {
    const { to, ...input } = mail;
    await this.mailer.send({ to, language: mail.locale, ...digestConfirmationMail(input) });
  }

  async sendMissedMessages(mail: {
    to: string;
    locale: MailLocale;
    recipientName: string;
    messageId: string;
    place: { kind: 'channel' | 'case'; label: string; network: Bilingual };
    count: number;
    link: string;
  }): Promise<void> {
    const { to, messageId, ...input } = mail;
    await this.mailer.send({ to, language: mail.locale, messageId, ...missedMessagesMail(input) });
  }
}
