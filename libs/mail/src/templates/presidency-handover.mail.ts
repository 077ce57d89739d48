import {
  type Bilingual,
  escapeHtml,
  FOOTER,
  formatDate,
  formatDateTime,
  htmlLayout,
  type MailLocale,
  pick,
  type RenderedMail,
} from '../format.js';
import type {
  HandoverItem,
  HandoverNetworkSummary,
  HandoverText,
  PresidencyHandoverMailInput,
} from '#domain';

export type { HandoverItem, HandoverNetworkSummary, HandoverText, PresidencyHandoverMailInput };

export const WORK_PLAN_STATUS: Record<string, Bilingual> = {
  planned: { en: 'planned', es: 'planificada' },
  'in-progress': { en: 'in progress', es: 'en curso' },
  completed: { en: 'completed', es: 'cumplida' },
  'on-hold': { en: 'on hold', es: 'en pausa' },
  cancelled: { en: 'cancelled', es: 'cancelada' },
};

const H = {
  en: {
    subject: (from: string, to: string) => `Presidency Pro-Tempore handover: ${from} → ${to}`,
    hello: (n: string) => `Hello ${n},`,
    intro: (from: string, to: string, date: string) =>
      `On ${date} the Presidency Pro-Tempore passed from ${from} to ${to}. The officers of ${to} now coordinate the follow-up mechanism of the networks; open follow-up items stay as they are.`,
    open: (n: number) => `Open follow-up items: ${n}`,
    overdue: (n: number) => `Overdue follow-up items: ${n}`,
    workPlan: (n: number) => `Work Plan activities: ${n}`,
    pending: 'waiting for',
    due: 'due',
    more: (n: number) => `… and ${n} more`,
    none: 'none',
    openLink: 'Open Enlace',
  },
  es: {
    subject: (from: string, to: string) => `Traspaso de la Presidencia Pro Tempore: ${from} → ${to}`,
    hello: (n: string) => `Hola ${n}:`,
    intro: (from: string, to: string, date: string) =>
      `El ${date} la Presidencia Pro Tempore pasó de ${from} a ${to}. Los oficiales de ${to} coordinan ahora el mecanismo de seguimiento de las redes; los puntos de seguimiento abiertos se mantienen.`,
    open: (n: number) => `Puntos de seguimiento abiertos: ${n}`,
    overdue: (n: number) => `Puntos de seguimiento vencidos: ${n}`,
    workPlan: (n: number) => `Actividades del Plan de Trabajo: ${n}`,
    pending: 'pendiente de',
    due: 'vence',
    more: (n: number) => `… y ${n} más`,
    none: 'ninguno',
    openLink: 'Abrir Enlace',
  },
};

function itemLine(item: HandoverItem, input: HandoverText): string {
  const t = H[input.locale];
  const due = formatDateTime(new Date(item.dueAt), input.timezone, input.locale);
  return `${item.title} (${t.due} ${due}; ${t.pending} ${item.pendingCountries.join(', ')})`;
}

function statusCounts(byStatus: Record<string, number>, locale: MailLocale): string {
  const parts = Object.entries(byStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${pick(WORK_PLAN_STATUS[s] ?? { en: s, es: s }, locale)}: ${n}`);
  return parts.length ? parts.join(', ') : H[locale].none;
}

interface Section {
  heading: string;
  blocks: Array<{ heading: string; lines: string[] }>;
}

function sections(input: HandoverText): Section[] {
  const t = H[input.locale];
  return input.networks.map((n) => ({
    heading: pick(n.network, input.locale),
    blocks: [
      {
        heading: t.open(n.openCount),
        lines: [
          ...n.open.map((i) => itemLine(i, input)),
          ...(n.openCount > n.open.length ? [t.more(n.openCount - n.open.length)] : []),
        ],
      },
      {
        heading: t.overdue(n.overdueCount),
        lines: [
          ...n.overdue.map((i) => itemLine(i, input)),
          ...(n.overdueCount > n.overdue.length ? [t.more(n.overdueCount - n.overdue.length)] : []),
        ],
      },
      {
        heading: `${t.workPlan(n.workPlan.total)} (${statusCounts(n.workPlan.byStatus, input.locale)})`,
        lines: [
          ...n.workPlan.activities.map(
            (a) =>
              `${a.title} (${pick(WORK_PLAN_STATUS[a.status] ?? { en: a.status, es: a.status }, input.locale)}, ${formatDate(a.targetDate, input.locale)})`,
          ),
          ...(n.workPlan.total > n.workPlan.activities.length
            ? [t.more(n.workPlan.total - n.workPlan.activities.length)]
            : []),
        ],
      },
    ],
  }));
}

/** The handover summary as plain text in one language (the channel message carries it in both). */
export function handoverSummaryText(input: HandoverText): string {
  const t = H[input.locale];
  const from = pick(input.from, input.locale);
  const to = pick(input.to, input.locale);
  const out = [t.subject(from, to), '', t.intro(from, to, formatDate(input.date, input.locale))];
  for (const s of sections(input)) {
    out.push('', s.heading);
    for (const b of s.blocks) {
      out.push(`- ${b.heading}`);
      for (const l of b.lines) out.push(`    · ${l}`);
    }
  }
  return out.join('\n');
}

/** The handover email to an officer of the outgoing or incoming PPT country. */
export function presidencyHandoverMail(input: PresidencyHandoverMailInput): RenderedMail {
  const t = H[input.locale];
  const from = pick(input.from, input.locale);
  const to = pick(input.to, input.locale);
  const subject = t.subject(from, to);
  const text = [
    t.hello(input.recipientName),
    '',
    handoverSummaryText(input),
    '',
    input.link,
    '',
    '-- ',
    pick(FOOTER, input.locale),
  ].join('\n');
  const body = sections(input)
    .map(
      (s) =>
        `<h2 style="font-size:18px;margin-top:24px;">${escapeHtml(s.heading)}</h2>` +
        s.blocks
          .map(
            (b) =>
              `<p style="font-weight:bold;margin:12px 0 4px;">${escapeHtml(b.heading)}</p>` +
              (b.lines.length
                ? `<ul style="margin:0;">${b.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`
                : ''),
          )
          .join(''),
    )
    .join('');
  const html = htmlLayout(
    input.locale,
    subject,
    `<p>${escapeHtml(t.hello(input.recipientName))}</p>
<p>${escapeHtml(t.intro(from, to, formatDate(input.date, input.locale)))}</p>
${body}
<p style="margin-top:24px;"><a href="${escapeHtml(input.link)}">${t.openLink}</a></p>`,
    pick(FOOTER, input.locale),
  );
  return { subject, text, html };
}
