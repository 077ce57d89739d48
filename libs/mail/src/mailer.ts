import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '#config';
import { Metrics } from '#metrics';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * A deterministic Message-ID (without angle brackets) makes a resend after a crash recognisable as the same
   * message: mail systems deduplicate on it, and the outbox writes it to the same file.
   */
  messageId?: string;
  headers?: Record<string, string>;
  /** Content-Language of the message. */
  language?: 'en' | 'es';
  /**
   * An iCalendar object: sent as a `text/calendar; method=…` alternative part (what mail clients show as an
   * invitation) and as an `.ics` attachment.
   */
  calendar?: { method: 'PUBLISH' | 'REQUEST' | 'CANCEL'; content: string; filename?: string };
}

export interface SentMail {
  messageId: string;
  /** The .eml file written when no SMTP server is configured. */
  file?: string;
}

type Transport = ReturnType<typeof nodemailer.createTransport>;

/**
 * The one way out for email: nodemailer over SMTP when SMTP_URL is set (a small connection pool), otherwise the
 * raw message (RFC 5322, text and HTML parts) written as an `.eml` file to DATA_DIR/outbox.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger('Mailer');
  private transport?: Transport;
  readonly outboxDir: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.outboxDir = join(config.dataDir, 'outbox');
  }

  get mode(): 'smtp' | 'outbox' {
    return this.config.smtpUrl ? 'smtp' : 'outbox';
  }

  private get domain(): string {
    try {
      return new URL(this.config.publicUrl).hostname || 'localhost';
    } catch {
      return 'localhost';
    }
  }

  private getTransport(): Transport {
    this.transport ??= this.config.smtpUrl
      ? nodemailer.createTransport({
          url: this.config.smtpUrl,
          pool: true,
          maxConnections: 4,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 60_000,
        } as any)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return this.transport;
  }

  /** Sends one email; counted in `enlace_emails_sent_total` or `enlace_emails_failed_total`. */
  async send(mail: OutgoingMail): Promise<SentMail> {
    try {
      const sent = await this.deliver(mail);
      this.metrics?.emailsSent.inc();
      return sent;
    } catch (error) {
      this.metrics?.emailsFailed.inc();
      throw error;
    }
  }

  private async deliver(mail: OutgoingMail): Promise<SentMail> {
    const messageId = `<${mail.messageId ?? `${Date.now()}.${randomBytes(8).toString('hex')}`}@${this.domain}>`;
    const info: any = await this.getTransport().sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId,
      ...(mail.calendar
        ? {
            icalEvent: {
              method: mail.calendar.method,
              content: mail.calendar.content,
              filename: mail.calendar.filename ?? 'invite.ics',
            },
          }
        : {}),
      headers: {
        ...(mail.language ? { 'Content-Language': mail.language } : {}),
        'Auto-Submitted': 'auto-generated',
        ...mail.headers,
      },
    });
    if (this.config.smtpUrl) return { messageId };
    await mkdir(this.outboxDir, { recursive: true });
    const name = messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_');
    const file = join(this.outboxDir, `${name}.eml`);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, info.message as Buffer);
    await rename(tmp, file);
    return { messageId, file };
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      this.transport?.close();
    } catch (error) {
      this.logger.warn(`closing the mail transport: ${String(error)}`);
    }
  }
}
