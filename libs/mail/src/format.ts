import { DateTime } from 'luxon';
import type { Bilingual, Locale } from '#domain';

export type MailLocale = Locale;
export type { Bilingual };

/** A time as the reader reads it (the same rule as the domain's formatDateTime, which channel messages use). */
export function formatDateTime(date: Date, timezone: string, locale: MailLocale): string {
  let dt = DateTime.fromJSDate(date).setZone(timezone || 'UTC');
  if (!dt.isValid) dt = DateTime.fromJSDate(date).setZone('UTC');
  return dt.setLocale(locale).toLocaleString(DateTime.DATETIME_FULL);
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A calendar date (YYYY-MM-DD) in the reader's language. */
export function formatDate(date: string, locale: MailLocale): string {
  const dt = DateTime.fromISO(date, { zone: 'utc' });
  return dt.isValid ? dt.setLocale(locale).toLocaleString(DateTime.DATE_FULL) : date;
}

export function pick(b: Bilingual, locale: MailLocale): string {
  return b[locale] ?? b.en;
}

/** Joins names as a reader says them: "A, B and C" / "A, B y C". */
export function joinNames(names: string[], locale: MailLocale): string {
  if (names.length <= 1) return names.join('');
  const last = names[names.length - 1];
  return `${names.slice(0, -1).join(', ')} ${locale === 'es' ? 'y' : 'and'} ${last}`;
}

/** The HTML document around a message body (inline styles only: mail clients drop style sheets). */
export function htmlLayout(locale: MailLocale, title: string, bodyHtml: string, footer: string): string {
  return `<!DOCTYPE html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933;">
<div style="max-width:640px;margin:0 auto;background:#ffffff;border-radius:6px;padding:24px;">
${bodyHtml}
<p style="margin-top:32px;font-size:12px;color:#6b7280;">${escapeHtml(footer)}</p>
</div>
</body>
</html>`;
}

export const FOOTER: Bilingual = {
  en: 'Enlace, the messaging service of the RCM liaison officer networks. This is an automatic message.',
  es: 'Enlace, el servicio de mensajería de las redes de oficiales de enlace de la CRM. Este es un mensaje automático.',
};
