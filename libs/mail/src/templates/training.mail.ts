import type { TrainingMailInput, TrainingMailKind } from '#domain';
import {
  escapeHtml,
  FOOTER,
  formatDateTime,
  htmlLayout,
  joinNames,
  pick,
  type RenderedMail,
} from '../format.js';

/** The input is the domain's (its `TrainingMail` port); the wording and layout are this library's. */
export type { TrainingMailInput, TrainingMailKind };

const T = {
  en: {
    subject: {
      notice: (t: string) => `Training event: ${t}`,
      reminder: (t: string, d: number) =>
        `Reminder: ${t} ${d === 1 ? 'starts tomorrow' : `starts in ${d} days`}`,
      update: (t: string) => `Changed: ${t}`,
      cancel: (t: string) => `Cancelled: ${t}`,
      registration: (t: string) => `You are registered: ${t}`,
      promotion: (t: string) => `A place opened up: you are registered for ${t}`,
    },
    intro: {
      notice: (n: string) => `A training event of the ${n} has been published.`,
      reminder: () => 'You are registered for this training event:',
      update: () =>
        'A training event you registered for has changed. The attached invitation updates your calendar.',
      cancel: () =>
        'This training event has been cancelled. The attached file removes it from your calendar.',
      registration: () =>
        'Your registration is confirmed. The attached invitation adds the event to your calendar.',
      promotion: () =>
        'A place opened up and you moved from the waitlist to registered. The attached invitation adds the event to your calendar.',
    },
    hello: (n: string) => `Hello ${n},`,
    when: 'When',
    where: 'Where',
    online: 'Online',
    sponsors: 'Sponsored by',
    deadline: 'Register by',
    open: 'Open the event',
  },
  es: {
    subject: {
      notice: (t: string) => `Actividad de capacitación: ${t}`,
      reminder: (t: string, d: number) =>
        `Recordatorio: ${t} ${d === 1 ? 'comienza mañana' : `comienza en ${d} días`}`,
      update: (t: string) => `Modificada: ${t}`,
      cancel: (t: string) => `Cancelada: ${t}`,
      registration: (t: string) => `Inscripción confirmada: ${t}`,
      promotion: (t: string) => `Se liberó un lugar: quedó inscrito en ${t}`,
    },
    intro: {
      notice: (n: string) => `Se publicó una actividad de capacitación de la ${n}.`,
      reminder: () => 'Usted está inscrito en esta actividad de capacitación:',
      update: () =>
        'Una actividad de capacitación en la que está inscrito cambió. La invitación adjunta actualiza su calendario.',
      cancel: () =>
        'Esta actividad de capacitación fue cancelada. El archivo adjunto la quita de su calendario.',
      registration: () =>
        'Su inscripción está confirmada. La invitación adjunta agrega la actividad a su calendario.',
      promotion: () =>
        'Se liberó un lugar y usted pasó de la lista de espera a inscrito. La invitación adjunta agrega la actividad a su calendario.',
    },
    hello: (n: string) => `Hola ${n}:`,
    when: 'Cuándo',
    where: 'Dónde',
    online: 'En línea',
    sponsors: 'Con el patrocinio de',
    deadline: 'Inscripción hasta',
    open: 'Abrir la actividad',
  },
};

/** One email about a training event to one person: their language, every time in their time zone. */
export function trainingMail(input: TrainingMailInput): RenderedMail {
  const t = T[input.locale];
  const title = pick(input.title, input.locale);
  const networks = joinNames(
    input.networks.map((n) => pick(n, input.locale)),
    input.locale,
  );
  const subject =
    input.kind === 'reminder'
      ? t.subject.reminder(title, input.daysBefore ?? 1)
      : t.subject[input.kind](title);
  const intro = t.intro[input.kind](networks);
  const when = `${formatDateTime(input.startsAt, input.timezone, input.locale)} – ${formatDateTime(input.endsAt, input.timezone, input.locale)}`;
  const where =
    'url' in input.location
      ? `${t.online}: ${input.location.url}`
      : `${input.location.city}, ${pick(input.location.country, input.locale)}`;
  const rows: Array<[string, string]> = [
    [t.when, when],
    [t.where, where],
    ...(input.sponsors.length
      ? [
          [
            t.sponsors,
            joinNames(
              input.sponsors.map((s) => pick(s, input.locale)),
              input.locale,
            ),
          ] as [string, string],
        ]
      : []),
    ...(input.registrationDeadline && input.kind === 'notice'
      ? [
          [t.deadline, formatDateTime(input.registrationDeadline, input.timezone, input.locale)] as [
            string,
            string,
          ],
        ]
      : []),
  ];
  const description = pick(input.description, input.locale);
  const text = [
    t.hello(input.recipientName),
    '',
    intro,
    '',
    `  ${title}`,
    ...rows.map(([k, v]) => `  ${k}: ${v}`),
    ...(description ? ['', description] : []),
    '',
    input.link,
    '',
    '-- ',
    pick(FOOTER, input.locale),
  ].join('\n');
  const html = htmlLayout(
    input.locale,
    subject,
    `<p>${escapeHtml(t.hello(input.recipientName))}</p>
<p>${escapeHtml(intro)}</p>
<table style="border-collapse:collapse;margin:16px 0;">
<tr><td colspan="2" style="font-size:18px;font-weight:bold;padding:4px 0;">${escapeHtml(title)}</td></tr>
${rows.map(([k, v]) => `<tr><td style="padding:4px 12px 4px 0;color:#6b7280;">${escapeHtml(k)}</td><td style="padding:4px 0;">${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
${description ? `<p style="white-space:pre-line;">${escapeHtml(description)}</p>` : ''}
<p><a href="${escapeHtml(input.link)}" style="background:#1d4ed8;color:#ffffff;padding:10px 16px;border-radius:4px;text-decoration:none;">${t.open}</a></p>`,
    pick(FOOTER, input.locale),
  );
  return { subject, text, html };
}
