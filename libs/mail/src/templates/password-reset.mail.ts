import type { PasswordResetMailInput } from '#domain';
import { escapeHtml, FOOTER, formatDateTime, htmlLayout, pick, type RenderedMail } from '../format.js';

export type { PasswordResetMailInput };

const T = {
  en: {
    subject: 'Reset your Enlace password',
    hello: (n: string) => `Hello ${n},`,
    intro: 'Someone, probably you, asked to reset the password of your Enlace account.',
    action: 'Open this link to choose a new password. It works once, until',
    from: (ip: string) => `The request came from the address ${ip}.`,
    ignore:
      'If you did not ask for it, ignore this email: your password stays as it is. Signing in with the new password ends every other session of your account.',
    button: 'Choose a new password',
  },
  es: {
    subject: 'Restablezca su contraseña de Enlace',
    hello: (n: string) => `Hola ${n}:`,
    intro: 'Alguien, probablemente usted, pidió restablecer la contraseña de su cuenta de Enlace.',
    action: 'Abra este enlace para elegir una contraseña nueva. Funciona una sola vez, hasta el',
    from: (ip: string) => `La solicitud vino de la dirección ${ip}.`,
    ignore:
      'Si no la pidió, ignore este correo: su contraseña no cambia. Al fijar la contraseña nueva se cierran todas las demás sesiones de su cuenta.',
    button: 'Elegir una contraseña nueva',
  },
};

/**
 * The password reset email, in the account's language, with the expiry in its time zone. It carries the link and
 * nothing else of value: never a password.
 */
export function passwordResetMail(input: PasswordResetMailInput): RenderedMail {
  const t = T[input.locale];
  const until = formatDateTime(input.expiresAt, input.timezone, input.locale);
  const text = [
    t.hello(input.recipientName),
    '',
    t.intro,
    `${t.action} ${until}:`,
    '',
    input.link,
    '',
    ...(input.requestedFrom ? [t.from(input.requestedFrom), ''] : []),
    t.ignore,
    '',
    '-- ',
    pick(FOOTER, input.locale),
  ].join('\n');
  const html = htmlLayout(
    input.locale,
    t.subject,
    `<p>${escapeHtml(t.hello(input.recipientName))}</p>
<p>${escapeHtml(t.intro)}</p>
<p>${escapeHtml(`${t.action} ${until}:`)}</p>
<p><a href="${escapeHtml(input.link)}" style="background:#1d4ed8;color:#ffffff;padding:10px 16px;border-radius:4px;text-decoration:none;">${escapeHtml(t.button)}</a></p>
<p style="font-size:13px;word-break:break-all;">${escapeHtml(input.link)}</p>
${input.requestedFrom ? `<p>${escapeHtml(t.from(input.requestedFrom))}</p>` : ''}
<p>${escapeHtml(t.ignore)}</p>`,
    pick(FOOTER, input.locale),
  );
  return { subject: t.subject, text, html };
}
