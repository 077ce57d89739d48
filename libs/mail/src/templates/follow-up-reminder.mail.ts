import {
  escapeHtml,
  FOOTER,
  formatDateTime,
  htmlLayout,
  joinNames,
  pick,
  type RenderedMail,
} from '../format.js';
import type { FollowUpEscalationMailInput, FollowUpReminderMailInput } from '#domain';

export type { FollowUpEscalationMailInput, FollowUpReminderMailInput };

const T = {
  en: {
    subject: {
      upcoming: (t: string, due: string) => `Reminder: "${t}" is due ${due}`,
      due: (t: string) => `Due now: "${t}"`,
      overdue: (t: string) => `Overdue: "${t}"`,
    },
    hello: (n: string) => `Hello ${n},`,
    intro: {
      upcoming: (c: string, net: string) =>
        `The Presidency Pro-Tempore is waiting for the answer of ${c} to this follow-up item of the ${net}:`,
      due: (c: string, net: string) => `The answer of ${c} to this follow-up item of the ${net} is due now:`,
      overdue: (c: string, net: string) =>
        `The answer of ${c} to this follow-up item of the ${net} is overdue:`,
    },
    due: 'Due',
    caseRef: 'Case',
    action: 'Open the follow-up item to acknowledge it or mark it done.',
    open: 'Open the follow-up item',
  },
  es: {
    subject: {
      upcoming: (t: string, due: string) => `Recordatorio: «${t}» vence el ${due}`,
      due: (t: string) => `Vence ahora: «${t}»`,
      overdue: (t: string) => `Vencido: «${t}»`,
    },
    hello: (n: string) => `Hola ${n}:`,
    intro: {
      upcoming: (c: string, net: string) =>
        `La Presidencia Pro Tempore espera la respuesta de ${c} a este punto de seguimiento de la ${net}:`,
      due: (c: string, net: string) =>
        `La respuesta de ${c} a este punto de seguimiento de la ${net} vence ahora:`,
      overdue: (c: string, net: string) =>
        `La respuesta de ${c} a este punto de seguimiento de la ${net} está vencida:`,
    },
    due: 'Vence',
    caseRef: 'Caso',
    action: 'Abra el punto de seguimiento para confirmarlo o marcarlo como cumplido.',
    open: 'Abrir el punto de seguimiento',
  },
};

/** The email of one reminder to one officer: their language, the due time in their time zone. */
export function followUpReminderMail(input: FollowUpReminderMailInput): RenderedMail {
  const t = T[input.locale];
  const due = formatDateTime(input.dueAt, input.timezone, input.locale);
  const country = pick(input.country, input.locale);
  const network = pick(input.network, input.locale);
  const subject = t.subject[input.kind](input.title, due);
  const intro = t.intro[input.kind](country, network);
  const lines = [
    t.hello(input.recipientName),
    '',
    intro,
    '',
    `  ${input.title}`,
    `  ${t.due}: ${due}`,
    ...(input.caseReference ? [`  ${t.caseRef}: ${input.caseReference}`] : []),
    '',
    t.action,
    input.link,
    '',
    '-- ',
    pick(FOOTER, input.locale),
  ];
  const html = htmlLayout(
    input.locale,
    subject,
    `<p>${escapeHtml(t.hello(input.recipientName))}</p>
<p>${escapeHtml(intro)}</p>
<table style="border-collapse:collapse;margin:16px 0;">
<tr><td colspan="2" style="font-size:18px;font-weight:bold;padding:4px 0;">${escapeHtml(input.title)}</td></tr>
<tr><td style="padding:4px 12px 4px 0;color:#6b7280;">${t.due}</td><td style="padding:4px 0;">${escapeHtml(due)}</td></tr>
${input.caseReference ? `<tr><td style="padding:4px 12px 4px 0;color:#6b7280;">${t.caseRef}</td><td style="padding:4px 0;">${escapeHtml(input.caseReference)}</td></tr>` : ''}
</table>
<p>${escapeHtml(t.action)}</p>
<p><a href="${escapeHtml(input.link)}" style="background:#1d4ed8;color:#ffffff;padding:10px 16px;border-radius:4px;text-decoration:none;">${t.open}</a></p>`,
    pick(FOOTER, input.locale),
  );
  return { subject, text: lines.join('\n'), html };
}

const E = {
  en: {
    subject: (t: string) => `Escalation: "${t}" is overdue`,
    hello: (n: string) => `Hello ${n},`,
    intro: (net: string) =>
      `As Presidency Pro-Tempore, you follow up this item of the ${net}. Its due time has passed and these countries have not marked it done:`,
    due: 'Was due',
    caseRef: 'Case',
    action: 'You will be reminded again until every country has answered or the item is cancelled.',
    open: 'Open the follow-up board',
  },
  es: {
    subject: (t: string) => `Escalamiento: «${t}» está vencido`,
    hello: (n: string) => `Hola ${n}:`,
    intro: (net: string) =>
      `Como Presidencia Pro Tempore, usted da seguimiento a este punto de la ${net}. Su plazo venció y estos países no lo han marcado como cumplido:`,
    due: 'Venció',
    caseRef: 'Caso',
    action: 'Se le volverá a avisar hasta que todos los países hayan respondido o se cancele el punto.',
    open: 'Abrir el tablero de seguimiento',
  },
};

/** The escalation of an overdue item to an officer of the PPT. */
export function followUpEscalationMail(input: FollowUpEscalationMailInput): RenderedMail {
  const t = E[input.locale];
  const due = formatDateTime(input.dueAt, input.timezone, input.locale);
  const countries = joinNames(
    input.overdueCountries.map((c) => pick(c, input.locale)),
    input.locale,
  );
  const subject = t.subject(input.title);
  const network = pick(input.network, input.locale);
  const text = [
    t.hello(input.recipientName),
    '',
    t.intro(network),
    '',
    `  ${input.title}`,
    `  ${t.due}: ${due}`,
    ...(input.caseReference ? [`  ${t.caseRef}: ${input.caseReference}`] : []),
    `  ${countries}`,
    '',
    t.action,
    input.link,
    '',
    '-- ',
    pick(FOOTER, input.locale),
  ].join('\n');
  const html = htmlLayout(
    input.locale,
    subject,
    `<p>${escapeHtml(t.hello(input.recipientName))}</p>
<p>${escapeHtml(t.intro(network))}</p>
<p style="font-size:18px;font-weight:bold;">${escapeHtml(input.title)}</p>
<p>${t.due}: ${escapeHtml(due)}${input.caseReference ? `<br>${t.caseRef}: ${escapeHtml(input.caseReference)}` : ''}</p>
<ul>${input.overdueCountries.map((c) => `<li>${escapeHtml(pick(c, input.locale))}</li>`).join('')}</ul>
<p>${escapeHtml(t.action)}</p>
<p><a href="${escapeHtml(input.link)}">${t.open}</a></p>`,
    pick(FOOTER, input.locale),
  );
  return { subject, text, html };
}
