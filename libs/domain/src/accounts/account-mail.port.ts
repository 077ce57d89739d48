import type { Locale } from '../common/i18n.js';
import type { EmailEnvelope } from '../follow-ups/follow-up.ports.js';

/** The password reset email: a link to the web client's reset page, valid until `expiresAt`. */
export interface PasswordResetMailInput {
  locale: Locale;
  timezone: string;
  recipientName: string;
  /** `${PUBLIC_URL}/reset-password?token=…` */
  link: string;
  expiresAt: Date;
  /** The client address the request came from, as the reader may want to know. */
  requestedFrom: string | null;
}

/**
 * The emails of account self-service, declared here and rendered and sent by libs/mail (bound in the API's
 * PortsModule), so the domain imports no mail library.
 */
export abstract class AccountMail {
  abstract sendPasswordReset(envelope: EmailEnvelope, input: PasswordResetMailInput): Promise<void>;
}
