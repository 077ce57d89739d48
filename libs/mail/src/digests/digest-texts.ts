import type { MailLocale } from '../format.js';

/** Every user-facing text of digests, confirmation, missed-message emails and the digest pages, in English and Spanish. */
export const DIGEST_TEXT = {
  en: {
    daily: 'daily',
    weekly: 'weekly',
    digestSubject: (f: string, date: string) => `Your ${f} Enlace digest — ${date}`,
    hello: (n: string | null) => (n ? `Hello ${n},` : 'Hello,'),
    intro: (from: string, to: string) => `What happened in your networks from ${from} to ${to}.`,
    training: 'Training in the next 30 days',
    noTraining: 'No training event ahead.',
    followUps: 'Follow-up items',
    open: 'Open',
    overdue: 'Overdue',
    newCases: 'New cases you may read',
    involvedNote: '(involved countries only: open it to see more)',
    dueForCountry: 'Follow-up items due or overdue for your country',
    overdueTag: 'overdue',
    dueTag: 'due',
    unread: 'Unread messages',
    unreadLine: (channel: string, n: number) => `#${channel}: ${n} unread`,
    open_link: 'Open',
    footerWhy: 'You receive this digest because you subscribed to it.',
    unsubscribe: 'Unsubscribe or get it weekly instead',
    manage: 'Change your digest settings',
    confirmSubject: 'Confirm your Enlace digest subscription',
    confirmIntro:
      'Someone (we hope you) asked to receive the Enlace email digest at this address with these settings:',
    confirmSettings: (f: string, hour: string, zone: string) => `${f}, at ${hour} (${zone})`,
    confirmAction:
      'To confirm, open the link below and press the button on that page. Until then, nothing else is sent.',
    confirmExpires: (when: string) => `The link is valid until ${when}.`,
    confirmIgnore: 'If you did not ask for it, ignore this email: nothing will be sent.',
    confirmButton: 'Open the confirmation page',
    missedSubject: (n: number, place: string) =>
      n === 1 ? `1 message for you in ${place}` : `${n} messages for you in ${place}`,
    missedIntro: (n: number, place: string, net: string) =>
      n === 1
        ? `While you were away, 1 message mentioned you or was marked urgent in ${place} (${net}).`
        : `While you were away, ${n} messages mentioned you or were marked urgent in ${place} (${net}).`,
    missedAction: 'Open Enlace to read them (the content is only in Enlace).',
    missedButton: 'Open in Enlace',
    channel: (name: string) => `#${name}`,
    case: (ref: string) => `case ${ref}`,
  },
  es: {
    daily: 'diario',
    weekly: 'semanal',
    digestSubject: (f: string, date: string) => `Su resumen ${f} de Enlace — ${date}`,
    hello: (n: string | null) => (n ? `Hola ${n}:` : 'Hola:'),
    intro: (from: string, to: string) => `Lo ocurrido en sus redes del ${from} al ${to}.`,
    training: 'Capacitación en los próximos 30 días',
    noTraining: 'No hay actividades de capacitación próximas.',
    followUps: 'Puntos de seguimiento',
    open: 'Abiertos',
    overdue: 'Vencidos',
    newCases: 'Casos nuevos que puede consultar',
    involvedNote: '(solo países involucrados: ábralo para ver más)',
    dueForCountry: 'Puntos de seguimiento por vencer o vencidos de su país',
    overdueTag: 'vencido',
    dueTag: 'vence',
    unread: 'Mensajes no leídos',
    unreadLine: (channel: string, n: number) => `#${channel}: ${n} sin leer`,
    open_link: 'Abrir',
    footerWhy: 'Recibe este resumen porque se suscribió a él.',
    unsubscribe: 'Cancelar la suscripción o recibirlo semanalmente',
    manage: 'Cambiar la configuración de su resumen',
    confirmSubject: 'Confirme su suscripción al resumen de Enlace',
    confirmIntro:
      'Alguien (esperamos que usted) pidió recibir el resumen por correo de Enlace en esta dirección con esta configuración:',
    confirmSettings: (f: string, hour: string, zone: string) => `${f}, a las ${hour} (${zone})`,
    confirmAction:
      'Para confirmar, abra el enlace de abajo y pulse el botón de esa página. Hasta entonces no se envía nada más.',
    confirmExpires: (when: string) => `El enlace es válido hasta el ${when}.`,
    confirmIgnore: 'Si no lo pidió, ignore este correo: no se enviará nada.',
    confirmButton: 'Abrir la página de confirmación',
    missedSubject: (n: number, place: string) =>
      n === 1 ? `1 mensaje para usted en ${place}` : `${n} mensajes para usted en ${place}`,
    missedIntro: (n: number, place: string, net: string) =>
      n === 1
        ? `Mientras no estaba, 1 mensaje le mencionó o se marcó como urgente en ${place} (${net}).`
        : `Mientras no estaba, ${n} mensajes le mencionaron o se marcaron como urgentes en ${place} (${net}).`,
    missedAction: 'Abra Enlace para leerlos (el contenido está solo en Enlace).',
    missedButton: 'Abrir en Enlace',
    channel: (name: string) => `#${name}`,
    case: (ref: string) => `caso ${ref}`,
  },
} satisfies Record<MailLocale, unknown>;
